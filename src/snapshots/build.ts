/**
 * Builds the next snapshot without stalling the main thread: the files are read, parsed,
 * validated and compiled in a child process (prepare-in-child.ts); here only the Wasm instances
 * are made, one data shard per event-loop turn (src/engine, WasmEngine.create), and only for the
 * shards that changed: the serving snapshot's model and instances are kept for the rest. The
 * first load, before the server listens, may block: it prepares in this thread and spares a
 * process's start.
 */
import type { PluginsConfig } from '../config/types.js';
import { createWasmEngine, type WasmEngine, type WasmEngineOptions } from '../engine/index.js';
import type { PolicyBytes } from '../policy-bundle/index.js';
import { prepareInChild } from './prepare-in-child.js';
import { prepareSnapshot, type Digests, type PrepareInput, type Serving } from './prepare.js';

/** A built snapshot before it is numbered and swapped in. */
export interface Built {
  engine: WasmEngine;
  config: PluginsConfig;
  digests: Digests;
  /** Its data shards' digests and its tenants' model digests: what the next build need not send. */
  parts: { shards: string[]; tenants: Record<string, string> };
  /** The policy when it came from a policy bundle (`input.policy`): its revision, and what serves on if a later bundle is refused. */
  policy?: PolicyBytes;
}

/** What a build of `built` serving need not send again. */
export function servingOf(built: Built): Serving {
  return { ...built.digests, shards: built.parts.shards, tenants: built.parts.tenants };
}

export interface BuildOptions {
  /** `inline`: prepare in this thread (start-up only); `child` (default): in a child process. */
  where?: 'inline' | 'child';
  /** The child (reading, parsing, validating, compiling) fails after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  engine?: Pick<WasmEngineOptions, 'cache' | 'onError'>;
  /** What serves (`input.serving` describes it): its model and Wasm instances are kept where unchanged. */
  previous?: Built;
}

/**
 * The snapshot the files describe, or `unchanged` when they serve what `input.serving` names.
 * Rejects with ConfigError, EngineLoadError (no file named as shown yet), SnapshotBuildError or
 * an unexpected Error; nothing is half-built on failure.
 */
export async function buildSnapshot(input: PrepareInput, options: BuildOptions): Promise<Built | 'unchanged'> {
  const prepared =
    options.where === 'inline'
      ? await prepareSnapshot(input)
      : await prepareInChild(input, {
          timeoutMs: options.timeoutMs,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.previous ? { servingTenants: options.previous.config.tenants } : {}),
        });
  if (prepared.unchanged) return 'unchanged';
  const previous = options.previous ? { previous: options.previous.engine } : {};
  const engine = await createWasmEngine({ wasm: prepared.policy, data: prepared.data, ...options.engine, ...previous });
  const parts = { shards: prepared.data.shards.map((s) => s.digest), tenants: prepared.tenantDigests };
  return { engine, config: prepared.config, digests: prepared.digests, parts, ...(input.policy ? { policy: input.policy } : {}) };
}
