import type { ConfigIssue, PluginsConfig } from '../config/types.js';
import type { IdentityState } from '../identity/index.js';
import type { PolicyBundleStatus } from '../policy-bundle/types.js';
import type { DecisionEngine } from './types.js';

/**
 * One consistent state of the platform: a policy engine and the config model it was built
 * from. The BFF takes one snapshot per request and uses only it, so a reload can never hand a
 * request half of an old state and half of a new one.
 */
export interface Snapshot {
  readonly engine: DecisionEngine;
  /** The validated plugins.yaml model (bundle files, integrity, versions, rate limits, upstreams). */
  readonly config: PluginsConfig;
  /** identity.yaml and the relying party of each tenant that has a provider. */
  readonly identity: IdentityState;
  readonly revision: SnapshotRevision;
}

export interface SnapshotRevision {
  /** 1 for the first load; increments on every reload that changed the policy or the config. */
  readonly id: number;
  /** sha256 (hex, 12 chars) of policy.wasm. */
  readonly policy: string;
  /** sha256 (hex, 12 chars) of the compiled data document. */
  readonly data: string;
  /**
   * sha256 (hex, 12 chars) of the whole validated config model, both files: also what
   * data.registry leaves out (bundle file/url/integrity, rateLimit, upstreams, engine ranges).
   * With `policy` it identifies what serves; comments and layout do not change it.
   */
  readonly config: string;
  /** The identity providers' revision (config + secret fingerprints), `none` without any. */
  readonly identity: string;
  /** The OPA bundle's `.manifest` revision when the policy came from a bundle ('' if it has none). */
  readonly bundle?: string;
  readonly loadedAt: string;
}

export interface ReloadOutcome {
  readonly at: string;
  readonly ok: boolean;
  /** What was (or would have been) loaded: `plugins`, `grants`, `policy`, `identity`. */
  readonly trigger: string;
  /** Present when ok is false: a one-line summary. */
  readonly error?: string;
  /**
   * Present when ok is false, never empty: the config's issues, or the policy module's one (its
   * code is an EngineLoadCode, line 0). Files are named as the operator configured them.
   */
  readonly issues?: readonly ConfigIssue[];
  /**
   * Present when ok is true but the policy bundle read at this reload was refused (its policy_bundle_*
   * issue): the config the files hold now serves with the last good policy.
   */
  readonly policyRefused?: readonly ConfigIssue[];
}

export interface ReloadStatus {
  readonly revision: SnapshotRevision;
  /** The most recent reload attempt (the initial load counts), successful or not. */
  readonly last: ReloadOutcome;
  /** Failed attempts since the process started. */
  readonly failures: number;
  /** With a policy bundle: its checks and refusals since the process started. */
  readonly bundle?: PolicyBundleStatus;
}

/** What the server asks for the current state. Implemented by the reloader (src/snapshots/reloader.ts). */
export interface SnapshotSource {
  current(): Snapshot;
  status(): ReloadStatus;
  /** Called after every successful swap, with the new snapshot. Returns an unsubscribe function. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
}
