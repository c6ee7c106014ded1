import type { EngineFailureReason } from './types.js';

const ENGINE_FAILURES: ReadonlySet<string> = new Set<EngineFailureReason>(['evaluation_error', 'undefined_result']);

/** A deny because no decision could be made (fail closed), not because the policy said no. */
export function isEngineFailure(reason: string): reason is EngineFailureReason {
  return ENGINE_FAILURES.has(reason);
}
