import { AppError } from '../errors/index.js';

/** Why a policy module could not be loaded: stable codes, shown in /readyz and at start-up. */
export type EngineLoadCode =
  /** The file cannot be read (missing, a directory, no permission). */
  | 'policy_unreadable'
  /** Empty, or not starting with the Wasm magic bytes (a text file, a tarball, ...). */
  | 'policy_not_wasm'
  /** Starts like Wasm but does not compile (truncated, corrupt). */
  | 'policy_invalid_wasm'
  /** Valid Wasm, but not an OPA policy (not built by `opa build -t wasm`). */
  | 'policy_not_opa'
  /** An OPA policy without an entrypoint the BFF asks. */
  | 'policy_entrypoints_missing'
  /** An OPA policy that does not instantiate (unsupported ABI, missing imports). */
  | 'policy_load_failed'
  /** The data document could not be given to the policy. */
  | 'policy_data_invalid'
  /** A reason catalogue (`experience/<area>/catalogue`) is not the documented shape. */
  | 'policy_catalogue_invalid'
  /** An OPA bundle (POLICY_BUNDLE, POLICY_BUNDLE_URL) cannot be read: no file, or the server did not answer 200/304. */
  | 'policy_bundle_unreadable'
  /** Not an OPA Wasm bundle: not a gzipped tar, a malformed entry or manifest, no Wasm module, data the BFF does not take. */
  | 'policy_bundle_invalid'
  /** Keys are configured (POLICY_BUNDLE_KEYS) but the bundle has no `.signatures.json`. */
  | 'policy_bundle_unsigned'
  /** The signature names a keyid that POLICY_BUNDLE_KEYS does not hold. */
  | 'policy_bundle_key_unknown'
  /** The JWT in `.signatures.json` does not verify with its key and algorithm, or its scope or shape is wrong. */
  | 'policy_bundle_signature_invalid'
  /** A file's hash differs from the signed one, a file is not signed, or a signed file is missing. */
  | 'policy_bundle_file_mismatch'
  /** The POLICY_BUNDLE_KEYS file cannot be read or is not the documented shape. */
  | 'policy_bundle_keys_invalid';

/**
 * The policy module could not be loaded. Raised only while building an engine; a serving
 * engine never throws from a decision. The message never names a file: the engine only sees
 * bytes. Whoever read them sets `file`, the path as the operator configured it.
 */
export class EngineLoadError extends AppError {
  declare readonly code: EngineLoadCode;
  readonly file: string | undefined;

  constructor(code: EngineLoadCode, message: string, options?: { cause?: unknown; file?: string }) {
    super(code, message, options);
    this.file = options?.file;
  }

  /** The same error, naming the file it came from. */
  withFile(file: string): EngineLoadError {
    return new EngineLoadError(this.code, this.message, { cause: this.cause, file });
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
