/**
 * Everything of a snapshot but its Wasm instances: the files read, the config validated and
 * compiled, the data document cut into shards. The expensive part of a load, and all of it
 * without the engine, so a reload runs it in a child process (prepare-child.ts) while the main
 * thread keeps serving.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, loadConfigFiles, shardDataDocument } from '../config/index.js';
import type { Mode, PluginsConfig } from '../config/types.js';
import type { PolicyBytes } from '../policy-bundle/index.js';
import { policyDigest, readPolicyFile } from './policy.js';

/** The files a snapshot is built from, and how they are read. */
export interface SnapshotFiles {
  pluginsFile: string;
  grantsFile: string;
  /** The built policy module (`make policy` -> build/policy.wasm); with a policy bundle, the bundle's file or URL (for messages). */
  policyFile: string;
  mode: Mode;
  /** Host version that `engine.experience` ranges are resolved against. */
  hostVersion: string;
  bundleMount?: string;
}

/** What a snapshot is built from (structured-cloneable: the child's first message). */
export interface PrepareInput extends SnapshotFiles {
  /** Most bytes of tenant entries per data shard (see shardDataDocument). */
  maxShardBytes?: number;
  /** What serves: when both digests are equal nothing is compiled or sent, else only what changed. */
  serving?: Serving;
  /** The policy already read (a verified policy bundle, policy.ts): no policy file is read then. */
  policy?: PolicyBytes;
}

/** Full sha256 (hex) of the policy (policyDigest) and of the whole config model: equal means nothing changed. */
export interface Digests {
  policy: string;
  config: string;
}

/**
 * What the serving snapshot is made of, so that a reload's build sends the BFF only what changed
 * (an edit of one tenant of thousands: one tenant's model and one shard's data).
 */
export interface Serving extends Digests {
  /** Its data shards' digests: a shard among them is sent without its bytes when the policy is the same. */
  shards?: readonly string[];
  /** Tenant host -> digest of its plugins' model (`tenantDigest`): an equal one is not sent. */
  tenants?: Readonly<Record<string, string>>;
}

/** A data shard: its bytes, or none when the serving engine holds one with this digest. */
export interface PreparedShard {
  tenants: readonly string[];
  digest: string;
  json?: Uint8Array;
}

/** A prepared snapshot, the data shards as UTF-8 bytes (what the engine loads); `S` says whether every shard has them. */
export interface Prepared<S extends PreparedShard = PreparedShard> {
  config: PluginsConfig;
  policy: Uint8Array;
  data: { digest: string; shards: S[] };
  digests: Digests;
  /** Tenant host -> digest of its plugins' model, for the next build's `serving.tenants`. */
  tenantDigests: Record<string, string>;
}

/** A digest of one tenant's plugins (the model: bundle pins, rate limits, everything). */
export function tenantDigest(plugins: PluginsConfig['tenants'][string]): string {
  return createHash('sha256').update(canonicalJson(plugins)).digest('hex').slice(0, 32);
}

/** Whether `prepareSnapshot` found the files serving what already serves. */
export type PrepareResult<S extends PreparedShard = PreparedShard> = { unchanged: true; digests: Digests } | ({ unchanged: false } & Prepared<S>);

/** Reads the files (policy.wasm unless `input.policy` is given) and prepares a snapshot. Throws ConfigError, or EngineLoadError (policy_unreadable); no file is named as shown yet. */
export async function prepareSnapshot(input: PrepareInput): Promise<PrepareResult<Required<PreparedShard>>> {
  const loaded = await loadConfigFiles({
    pluginsFile: input.pluginsFile,
    grantsFile: input.grantsFile,
    mode: input.mode,
    hostVersion: input.hostVersion,
    ...(input.bundleMount ? { bundleMount: input.bundleMount } : {}),
  });
  const policy = input.policy ?? (await readPolicyFile(input.policyFile));
  const digests: Digests = { policy: policyDigest(policy), config: loaded.digest };
  // The whole model, not only the compiled data: bundle pins, files, rate limits and upstreams are
  // config the BFF serves from. The data is compiled from the model and the fixed host version.
  if (input.serving && input.serving.policy === digests.policy && input.serving.config === digests.config) return { unchanged: true, digests };
  const document = shardDataDocument(loaded.registry, input.maxShardBytes === undefined ? {} : { maxShardBytes: input.maxShardBytes });
  const encoder = new TextEncoder();
  const shards = document.shards.map((s) => ({ tenants: s.tenants, digest: s.digest, json: encoder.encode(s.json) }));
  const tenantDigests = Object.fromEntries(Object.entries(loaded.plugins.tenants).map(([host, list]) => [host, tenantDigest(list)]));
  return { unchanged: false, config: loaded.plugins, policy: policy.wasm, data: { digest: document.digest, shards }, digests, tenantDigests };
}
