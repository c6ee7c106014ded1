import { formatIssue } from '../config/index.js';
import type { ReloadOutcome, ReloadStatus, Snapshot, SnapshotSource, WasmEngineOptions } from '../engine/index.js';
import { buildSnapshot, type Built } from './build.js';
import { describeLoadFailure, nameFiles } from './load-failure.js';
import { silentLogger, type ReloadLogger } from './logger.js';
import type { PrepareInput, SnapshotFiles } from './prepare.js';
import { watchFiles } from './watch.js';

export interface ReloaderOptions extends SnapshotFiles {
  /** Watch the three files and reload on change (default false). */
  watch?: boolean;
  /** Quiet period after the last file event before reloading (default 200 ms). */
  debounceMs?: number;
  /**
   * A reload whose reading, parsing and compiling takes longer fails, its process killed (default
   * 5 min: a guard against a hang, not a budget; the build runs at a low priority and takes longer
   * on a busy machine, e.g. 120 s for 3,000 tenants on 2 shared cores at a load average of 17).
   */
  timeoutMs?: number;
  /** Most bytes of tenant entries per data shard, i.e. per Wasm instance and event-loop turn (default 512 KiB). */
  maxShardBytes?: number;
  logger?: ReloadLogger;
  engine?: Pick<WasmEngineOptions, 'cache' | 'onError'>;
  /** How errors, logs and /readyz name the files: as the operator configured them (default: the paths above). */
  shownFiles?: { plugins?: string; grants?: string; policy?: string };
}

export interface Reloader extends SnapshotSource {
  /** Loads everything again; on failure the previous snapshot keeps serving. Never rejects. */
  reload(trigger?: string): Promise<ReloadOutcome>;
  /** Stops watching, cancels a reload in progress (it fails, nothing is swapped) and waits for it. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 300_000;

/**
 * Serves a Snapshot and swaps in a new one atomically when the files change. Every reload is
 * built off the main thread (build.ts); a failed reload is reported and changes nothing.
 */
class FileReloader implements Reloader {
  readonly #options: ReloaderOptions;
  readonly #log: ReloadLogger;
  readonly #listeners = new Set<(snapshot: Snapshot) => void>();
  readonly #closing = new AbortController();
  #snapshot: Snapshot;
  #digests: Built['digests'];
  #status: ReloadStatus;
  #queue: Promise<unknown> = Promise.resolve();
  #unwatch: (() => void) | undefined;

  constructor(options: ReloaderOptions, first: Built) {
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
    this.#snapshot = snapshotOf(first, 1);
    this.#digests = first.digests;
    this.#status = {
      revision: this.#snapshot.revision,
      last: { at: this.#snapshot.revision.loadedAt, ok: true, trigger: 'startup' },
      failures: 0,
    };
  }

  current(): Snapshot {
    return this.#snapshot;
  }

  status(): ReloadStatus {
    return this.#status;
  }

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  reload(trigger = 'manual'): Promise<ReloadOutcome> {
    // One reload at a time, in order: a burst of changes can never interleave two builds.
    const next = this.#queue.then(() => this.#reloadNow(trigger));
    this.#queue = next;
    return next;
  }

  async #reloadNow(trigger: string): Promise<ReloadOutcome> {
    const at = new Date().toISOString();
    let built: Built | 'unchanged';
    try {
      built = await build(this.#options, { where: 'child', serving: { ...this.#digests }, signal: this.#closing.signal });
    } catch (error) {
      return this.#failed(at, trigger, error);
    }
    const old = this.#snapshot.revision;
    const outcome: ReloadOutcome = { at, ok: true, trigger };
    if (built === 'unchanged') {
      this.#status = { ...this.#status, last: outcome };
      this.#log.info({ trigger, revision: old }, 'reload: nothing changed');
      return outcome;
    }
    const changed = { policy: built.digests.policy !== this.#digests.policy, config: built.digests.config !== this.#digests.config };
    this.#snapshot = snapshotOf(built, old.id + 1);
    this.#digests = built.digests;
    this.#status = { ...this.#status, revision: this.#snapshot.revision, last: outcome };
    this.#log.info({ trigger, changed, revision: this.#snapshot.revision, shards: built.engine.shards }, 'reload: new policy/config serving');
    for (const listener of this.#listeners) {
      try {
        listener(this.#snapshot);
      } catch (error) {
        this.#log.error({ err: error }, 'reload listener failed');
      }
    }
    return outcome;
  }

  #failed(at: string, trigger: string, error: unknown): ReloadOutcome {
    const { summary, issues } = describeLoadFailure(error, this.#options);
    const outcome: ReloadOutcome = { at, ok: false, trigger, error: summary, issues };
    this.#status = { ...this.#status, last: outcome, failures: this.#status.failures + 1 };
    const code = issues[0]?.code;
    const unexpected = code === 'internal_error' || code === 'snapshot_build_crashed' ? { err: error } : {};
    this.#log.error(
      { trigger, error: summary, issues: issues.map(formatIssue), serving: this.#snapshot.revision, ...unexpected },
      'reload failed: the previous policy/config keeps serving',
    );
    return outcome;
  }

  startWatching(): void {
    const { pluginsFile: plugins, grantsFile: grants, policyFile: policy } = this.#options;
    this.#unwatch = watchFiles({ plugins, grants, policy }, this.#options.debounceMs ?? 200, (names) => void this.reload(names), this.#log);
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#listeners.clear();
    this.#closing.abort();
    await this.#queue;
  }
}

function snapshotOf(built: Built, id: number): Snapshot {
  const { policy, data, loadedAt } = built.engine.revision;
  const config = built.digests.config.slice(0, 12);
  return Object.freeze({ engine: built.engine, config: built.config, revision: Object.freeze({ id, policy, data, config, loadedAt }) });
}

interface BuildRun {
  where: 'inline' | 'child';
  /** The serving snapshot's digests (nothing is built when the files still hold the same). */
  serving?: Built['digests'];
  signal?: AbortSignal;
}

function build(options: ReloaderOptions, { where, serving, signal }: BuildRun): Promise<Built | 'unchanged'> {
  const input: PrepareInput = {
    pluginsFile: options.pluginsFile,
    grantsFile: options.grantsFile,
    policyFile: options.policyFile,
    mode: options.mode,
    hostVersion: options.hostVersion,
    ...(options.bundleMount ? { bundleMount: options.bundleMount } : {}),
    ...(options.maxShardBytes === undefined ? {} : { maxShardBytes: options.maxShardBytes }),
    ...(serving ? { serving } : {}),
  };
  return buildSnapshot(input, { where, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(signal ? { signal } : {}), ...(options.engine ? { engine: options.engine } : {}) });
}

/**
 * Loads the first snapshot (rejecting with ConfigError or EngineLoadError, files named as in
 * `shownFiles`, or SnapshotBuildError, if it cannot) and returns a Reloader serving it.
 *
 * @example
 * const source = await createReloader({ pluginsFile: 'config/plugins.yaml', grantsFile: 'config/grants.yaml',
 *   policyFile: 'build/policy.wasm', mode: 'production', hostVersion: '1.4.0', watch: true });
 * source.current().engine.api({ tenant: 'localhost', plugin_id: 'hello', method: 'GET', path: '/api/hello' });
 */
export async function createReloader(options: ReloaderOptions): Promise<Reloader> {
  let first: Built | 'unchanged';
  try {
    // Before the server listens: blocking is harmless, and a child process would only add its start-up.
    first = await build(options, { where: 'inline' });
  } catch (error) {
    throw nameFiles(error, options);
  }
  // Without `serving` digests there is nothing to be unchanged against.
  if (first === 'unchanged') throw new Error('the first load cannot be unchanged');
  const reloader = new FileReloader(options, first);
  if (options.watch) reloader.startWatching();
  return reloader;
}
