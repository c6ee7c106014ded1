import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { formatIssue, loadConfigFiles } from '../config/index.js';
import type { Mode, PluginsConfig } from '../config/types.js';
import { EngineLoadError } from './errors.js';
import { describeLoadFailure, nameFiles } from './load-failure.js';
import { silentLogger, type EngineLogger } from './logger.js';
import type { ReloadOutcome, ReloadStatus, Snapshot, SnapshotSource } from './state.js';
import { createWasmEngine, type WasmEngine, type WasmEngineOptions } from './wasm-engine.js';

export interface ReloaderOptions {
  pluginsFile: string;
  grantsFile: string;
  /** The built policy module (`make policy` -> build/policy.wasm). */
  policyFile: string;
  mode: Mode;
  /** Host version that `engine.experience` ranges are resolved against. */
  hostVersion: string;
  bundleMount?: string;
  /** Watch the three files and reload on change (default false). */
  watch?: boolean;
  /** Quiet period after the last file event before reloading (default 200 ms). */
  debounceMs?: number;
  logger?: EngineLogger;
  engine?: Pick<WasmEngineOptions, 'cache' | 'onError'>;
  /** How errors, logs and /readyz name the files: as the operator configured them (default: the paths above). */
  shownFiles?: { plugins?: string; grants?: string; policy?: string };
}

export interface Reloader extends SnapshotSource {
  /** Loads everything again; on failure the previous snapshot keeps serving. Never rejects. */
  reload(trigger?: string): Promise<ReloadOutcome>;
  close(): Promise<void>;
}

interface Built {
  engine: WasmEngine;
  config: PluginsConfig;
  /** Full sha256 of policy.wasm and of the whole config model: equal means nothing changed. */
  digests: { policy: string; config: string };
}

/**
 * Loads config + policy into an engine, serves it as a Snapshot, and swaps in a new one
 * atomically when the files change. A failed reload is reported and changes nothing.
 */
class FileReloader implements Reloader {
  readonly #options: ReloaderOptions;
  readonly #log: EngineLogger;
  readonly #listeners = new Set<(snapshot: Snapshot) => void>();
  readonly #watchers: FSWatcher[] = [];
  #snapshot: Snapshot;
  #digests: Built['digests'];
  #status: ReloadStatus;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #pending = new Set<string>();

  constructor(options: ReloaderOptions, first: Built) {
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
    this.#snapshot = FileReloader.#snapshotOf(first, 1);
    this.#digests = first.digests;
    this.#status = {
      revision: this.#snapshot.revision,
      last: { at: this.#snapshot.revision.loadedAt, ok: true, trigger: 'startup' },
      failures: 0,
    };
  }

  static #snapshotOf(built: Built, id: number): Snapshot {
    const { policy, data, loadedAt } = built.engine.revision;
    const config = built.digests.config.slice(0, 12);
    return Object.freeze({ engine: built.engine, config: built.config, revision: Object.freeze({ id, policy, data, config, loadedAt }) });
  }

  static async build(options: ReloaderOptions): Promise<Built> {
    const loaded = await loadConfigFiles({
      pluginsFile: options.pluginsFile,
      grantsFile: options.grantsFile,
      mode: options.mode,
      hostVersion: options.hostVersion,
      ...(options.bundleMount ? { bundleMount: options.bundleMount } : {}),
    });
    let wasm: Uint8Array;
    try {
      wasm = await readFile(options.policyFile);
    } catch (cause) {
      // The code only (ENOENT, EISDIR, ...): the system message carries the resolved path. The file is named later.
      const code = (cause as NodeJS.ErrnoException).code ?? 'error';
      throw new EngineLoadError('policy_unreadable', `cannot read the file (${code}): build it with \`make policy\``, { cause });
    }
    const engine = await createWasmEngine({
      wasm,
      dataJson: `{"registry":${loaded.registryJson}}`,
      ...options.engine,
    });
    return { engine, config: loaded.plugins, digests: { policy: createHash('sha256').update(wasm).digest('hex'), config: loaded.digest } };
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
    let built: Built;
    try {
      built = await FileReloader.build(this.#options);
    } catch (error) {
      return this.#failed(at, trigger, error);
    }
    const old = this.#snapshot.revision;
    // The whole model, not only the compiled data: bundle pins, files, rate limits and upstreams
    // are config the BFF serves from, and a change to any of them must be applied. (The data is
    // compiled from the model and the fixed host version: equal models give equal data.)
    const changed = { policy: built.digests.policy !== this.#digests.policy, config: built.digests.config !== this.#digests.config };
    if (!changed.policy && !changed.config) {
      const outcome: ReloadOutcome = { at, ok: true, trigger };
      this.#status = { ...this.#status, last: outcome };
      this.#log.info({ trigger, revision: old }, 'reload: nothing changed');
      return outcome;
    }
    this.#snapshot = FileReloader.#snapshotOf(built, old.id + 1);
    this.#digests = built.digests;
    const outcome: ReloadOutcome = { at, ok: true, trigger };
    this.#status = { ...this.#status, revision: this.#snapshot.revision, last: outcome };
    this.#log.info({ trigger, changed, revision: this.#snapshot.revision }, 'reload: new policy/config serving');
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
    const unexpected = issues[0]?.code === 'internal_error' ? { err: error } : {};
    this.#log.error(
      { trigger, error: summary, issues: issues.map(formatIssue), serving: this.#snapshot.revision, ...unexpected },
      'reload failed: the previous policy/config keeps serving',
    );
    return outcome;
  }

  /** Watches the folders, not the files: editors and `mv` replace files, which ends a file watch. */
  startWatching(): void {
    const files = new Map<string, string>([
      [resolve(this.#options.pluginsFile), 'plugins'],
      [resolve(this.#options.grantsFile), 'grants'],
      [resolve(this.#options.policyFile), 'policy'],
    ]);
    const dirs = new Set([...files.keys()].map((f) => dirname(f)));
    for (const dir of dirs) {
      const watcher = watch(dir, (_event, name) => {
        if (!name) return;
        const trigger = files.get(resolve(dir, basename(name.toString())));
        if (trigger) this.#schedule(trigger);
      });
      watcher.on('error', (err) => this.#log.warn({ err, dir }, 'file watch error'));
      this.#watchers.push(watcher);
    }
  }

  #schedule(trigger: string): void {
    this.#pending.add(trigger);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      const triggers = [...this.#pending].sort().join('+');
      this.#pending.clear();
      void this.reload(triggers);
    }, this.#options.debounceMs ?? 200);
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    for (const w of this.#watchers) w.close();
    this.#watchers.length = 0;
    this.#listeners.clear();
    await this.#queue;
  }
}

/**
 * Loads the first snapshot (rejecting with ConfigError or EngineLoadError, files named as in
 * `shownFiles`, if it cannot) and returns a Reloader serving it.
 *
 * @example
 * const source = await createReloader({ pluginsFile: 'config/plugins.yaml', grantsFile: 'config/grants.yaml',
 *   policyFile: 'build/policy.wasm', mode: 'production', hostVersion: '1.4.0', watch: true });
 * source.current().engine.api({ tenant: 'localhost', plugin_id: 'hello', method: 'GET', path: '/api/hello' });
 */
export async function createReloader(options: ReloaderOptions): Promise<Reloader> {
  let first: Built;
  try {
    first = await FileReloader.build(options);
  } catch (error) {
    throw nameFiles(error, options);
  }
  const reloader = new FileReloader(options, first);
  if (options.watch) reloader.startWatching();
  return reloader;
}
