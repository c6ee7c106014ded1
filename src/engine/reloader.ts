import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { formatIssue, loadConfigFiles, loadIdentityFile } from '../config/index.js';
import type { Mode, PluginsConfig } from '../config/types.js';
import { EMPTY_IDENTITY, resolveIdentity, type IdentityState } from '../identity/index.js';
import type { PolicyBytes, PolicySource } from '../policy-bundle/index.js';
import { EngineLoadError } from './errors.js';
import { describeLoadFailure, nameFiles } from './load-failure.js';
import { silentLogger, type EngineLogger } from './logger.js';
import type { ReloadOutcome, ReloadStatus, Snapshot, SnapshotSource } from './state.js';
import { createWasmEngine, type WasmEngine, type WasmEngineOptions } from './wasm-engine.js';

export interface ReloaderOptions {
  pluginsFile: string;
  grantsFile: string;
  /** The built policy module (`make policy` -> build/policy.wasm); with `policySource`, the bundle's file or URL (for messages). */
  policyFile: string;
  /** Where the policy module is read instead of `policyFile` (an OPA bundle, verified); its status shows in status(). */
  policySource?: PolicySource;
  mode: Mode;
  /** Host version that `engine.experience` ranges are resolved against. */
  hostVersion: string;
  bundleMount?: string;
  /** identity.yaml; without it no tenant has an identity provider. */
  identityFile?: string;
  /** Where identity.yaml's secret references are read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Watch the files and reload on change (default false). */
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
  /** Full sha256 of policy.wasm (and the bundle revision) and of the whole config model: equal means nothing changed. */
  digests: { policy: string; config: string };
  identity: IdentityState;
  bundleRevision: string | undefined;
}

/** policy.wasm as a file (POLICY_WASM), the default PolicySource's read. */
async function readPolicyFile(file: string): Promise<PolicyBytes> {
  try {
    return { wasm: await readFile(file) };
  } catch (cause) {
    // The code only (ENOENT, EISDIR, ...): the system message carries the resolved path. The file is named later.
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new EngineLoadError('policy_unreadable', `cannot read the file (${code}): build it with \`make policy\``, { cause });
  }
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
    const identity = built.identity.revision;
    const bundle = built.bundleRevision === undefined ? {} : { bundle: built.bundleRevision };
    return Object.freeze({
      engine: built.engine,
      config: built.config,
      identity: built.identity,
      revision: Object.freeze({ id, policy, data, config, identity, loadedAt, ...bundle }),
    });
  }

  /** `previous` is the serving snapshot on a reload (unchanged identity providers are reused). */
  static async build(options: ReloaderOptions, previous?: Snapshot): Promise<Built> {
    const loaded = await loadConfigFiles({
      pluginsFile: options.pluginsFile,
      grantsFile: options.grantsFile,
      mode: options.mode,
      hostVersion: options.hostVersion,
      ...(options.bundleMount ? { bundleMount: options.bundleMount } : {}),
    });
    const { wasm, bundleRevision } = await (options.policySource?.read() ?? readPolicyFile(options.policyFile));
    const engine = await createWasmEngine({
      wasm,
      dataJson: `{"registry":${loaded.registryJson}}`,
      ...options.engine,
    });
    const identity = options.identityFile
      ? await resolveIdentity(await loadIdentityFile({ file: options.identityFile, mode: options.mode, env: options.env ?? process.env }), previous?.identity, {
          env: options.env ?? process.env,
          strict: previous !== undefined,
        })
      : EMPTY_IDENTITY;
    const policy = createHash('sha256').update(wasm).update(`\0${bundleRevision ?? ''}`).digest('hex');
    return { engine, config: loaded.plugins, identity, bundleRevision, digests: { policy, config: loaded.digest } };
  }

  current(): Snapshot {
    return this.#snapshot;
  }

  status(): ReloadStatus {
    const bundle = this.#options.policySource?.status();
    return bundle ? { ...this.#status, bundle } : this.#status;
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
      built = await FileReloader.build(this.#options, this.#snapshot);
    } catch (error) {
      return this.#failed(at, trigger, error);
    }
    const old = this.#snapshot.revision;
    // The whole model, not only the compiled data: bundle pins, files, rate limits and upstreams
    // are config the BFF serves from, and a change to any of them must be applied. (The data is
    // compiled from the model and the fixed host version: equal models give equal data.) The
    // identity providers' revision covers identity.yaml and the secrets it references.
    const changed = { policy: built.digests.policy !== this.#digests.policy, config: built.digests.config !== this.#digests.config, identity: built.identity.revision !== old.identity };
    if (!changed.policy && !changed.config && !changed.identity) {
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
    // A bundle server reports its changes itself (its poller); a file is watched.
    const policyFile = this.#options.policySource ? this.#options.policySource.watchFile : this.#options.policyFile;
    const files = new Map<string, string>([
      [resolve(this.#options.pluginsFile), 'plugins'],
      [resolve(this.#options.grantsFile), 'grants'],
      ...(policyFile ? [[resolve(policyFile), 'policy'] as [string, string]] : []),
      ...(this.#options.identityFile ? [[resolve(this.#options.identityFile), 'identity'] as [string, string]] : []),
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
