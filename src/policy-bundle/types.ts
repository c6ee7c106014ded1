/** What the reloader reads the policy from, and what operators see of a bundle. */

/** The policy module bytes, and the bundle revision when they came from a bundle. */
export interface PolicyBytes {
  readonly wasm: Uint8Array;
  /** The bundle's `.manifest` revision ('' when it has none); absent for a plain policy.wasm. */
  readonly bundleRevision?: string;
}

/** How a policy bundle has fared since the process started (for /readyz and /metrics). */
export interface PolicyBundleStatus {
  readonly source: 'file' | 'url';
  /** Whether signatures are checked (POLICY_BUNDLE_KEYS set). */
  readonly signed: boolean;
  /** When a bundle last passed every check (signature, files, format); undefined before the first. */
  readonly lastSuccessAt?: string;
  /** The revision of that bundle. */
  readonly revision?: string;
  /** Bundles refused or not obtained, by policy_bundle_* code. */
  readonly refused: Readonly<Record<string, number>>;
  /** The most recent refusal (kept after later successes; compare its `at` with lastSuccessAt). */
  readonly lastRefusal?: { readonly at: string; readonly code: string; readonly message: string };
}

/**
 * Where the reloader reads the policy module. The default (no source) is POLICY_WASM's file;
 * a bundle source reads, verifies and unpacks an OPA bundle instead.
 */
export interface PolicySource {
  /** The bytes as they are now; throws EngineLoadError (a policy_bundle_* code) when refused. */
  read(): Promise<PolicyBytes>;
  /** The file the reloader watches for changes; undefined when the source reports changes itself (a bundle server). */
  readonly watchFile: string | undefined;
  status(): PolicyBundleStatus;
}

/** The slice of a pino-style logger a bundle source needs (its poll failures); pino's Logger satisfies it. */
export interface BundleLogger {
  warn(obj: object, msg?: string): void;
}
