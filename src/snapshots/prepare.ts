/**
 * Everything of a snapshot but its Wasm instances: the files read, the config validated and
 * compiled, the data document cut into shards. The expensive part of a load, and all of it
 * without the engine, so a reload runs it in a child process (prepare-child.ts) while the main
 * thread keeps serving.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadConfigFiles, shardDataDocument } from '../config/index.js';
import type { Mode, PluginsConfig } from '../config/types.js';
import { EngineLoadError } from '../engine/index.js';

/** The files a snapshot is built from, and how they are read. */
export interface SnapshotFiles {
  pluginsFile: string;
  grantsFile: string;
  /** The built policy module (`make policy` -> build/policy.wasm). */
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
  /** The serving snapshot's digests: when both are equal nothing is compiled or sent. */
  serving?: Digests;
}

/** Full sha256 (hex) of policy.wasm and of the whole config model: equal means nothing changed. */
export interface Digests {
  policy: string;
  config: string;
}

/** A prepared snapshot, the data shards as UTF-8 bytes (what the engine loads). */
export interface Prepared {
  config: PluginsConfig;
  policy: Uint8Array;
  data: { digest: string; shards: { tenants: readonly string[]; json: Uint8Array }[] };
  digests: Digests;
}

/** Whether `prepareSnapshot` found the files serving what already serves. */
export type PrepareResult = { unchanged: true; digests: Digests } | ({ unchanged: false } & Prepared);

/** Reads the files and prepares a snapshot. Throws ConfigError, or EngineLoadError (policy_unreadable); no file is named as shown yet. */
export async function prepareSnapshot(input: PrepareInput): Promise<PrepareResult> {
  const loaded = await loadConfigFiles({
    pluginsFile: input.pluginsFile,
    grantsFile: input.grantsFile,
    mode: input.mode,
    hostVersion: input.hostVersion,
    ...(input.bundleMount ? { bundleMount: input.bundleMount } : {}),
  });
  let policy: Uint8Array;
  try {
    policy = await readFile(input.policyFile);
  } catch (cause) {
    // The code only (ENOENT, EISDIR, ...): the system message carries the resolved path. The file is named later.
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new EngineLoadError('policy_unreadable', `cannot read the file (${code}): build it with \`make policy\``, { cause });
  }
  const digests: Digests = { policy: createHash('sha256').update(policy).digest('hex'), config: loaded.digest };
  // The whole model, not only the compiled data: bundle pins, files, rate limits and upstreams are
  // config the BFF serves from. The data is compiled from the model and the fixed host version.
  if (input.serving && input.serving.policy === digests.policy && input.serving.config === digests.config) return { unchanged: true, digests };
  const document = shardDataDocument(loaded.registry, input.maxShardBytes === undefined ? {} : { maxShardBytes: input.maxShardBytes });
  const encoder = new TextEncoder();
  const shards = document.shards.map((s) => ({ tenants: s.tenants, json: encoder.encode(s.json) }));
  return { unchanged: false, config: loaded.plugins, policy, data: { digest: document.digest, shards }, digests };
}
