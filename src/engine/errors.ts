import { AppError } from '../errors/index.js';

/**
 * The policy module could not be loaded (missing file, not Wasm, missing entrypoint).
 * Raised only while building an engine; a serving engine never throws from a decision.
 */
export class EngineLoadError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('policy_load_failed', message, options);
  }
}

/** opa-wasm throws plain strings; give callers an Error with the entrypoint that failed. */
export function toError(thrown: unknown, context: string): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(`${context}: ${typeof thrown === 'string' ? thrown : JSON.stringify(thrown)}`);
}

/**
 * An explanation or relation entrypoint (the CLI's, never the BFF's) failed or answered outside its
 * documented shape. Tools report it rather than guess an answer.
 */
export class PolicyToolError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('policy_tool_failed', message, options);
  }
}
