import { formatIssue, loadIdentityFile } from '../config/index.js';
import { EngineLoadError, type ReloadOutcome, type ReloadStatus, type Snapshot, type SnapshotSource, type WasmEngineOptions } from '../engine/index.js';
import { EMPTY_IDENTITY, resolveIdentity, type IdentityState } from '../identity/index.js';
import type { PolicyBytes, PolicySource } from '../policy-bundle/index.js';
import { buildSnapshot, servingOf, type Built } from './build.js';
import { describeLoadFailure, nameFiles } from './load-failure.js';
import { silentLogger, type ReloadLogger } from './logger.js';
import { isBundleRefusal, policyDigest, readPolicySource } from './policy.js';
import type { PrepareInput, SnapshotFiles } from './prepare.js';
import { watchFiles } from './watch.js';

export interface ReloaderOptions extends SnapshotFiles {
  /**
   * Where the policy module is read instead of `policyFile`: an OPA bundle, read and verified in
   * this process (policy.ts says why), its status in status(). A bundle it refuses at a reload, or
   * whose module the engine refuses, leaves the last good policy serving, with the config as the
   * files now hold it.
   */
  policySource?: PolicySource;
  /** identity.yaml; without it no tenant has an identity provider. */
  identityFile?: string;
  /** Where identity.yaml's secret references are read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Watch the files and reload on change (default false). */
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

/** A built snapshot with its identity providers, before it is numbered and swapped in. */
interface Loaded extends Built {
  identity: IdentityState;
}

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
  /** What serves, as built: its engine, model and digests (the snapshot's are the engine's interface). */
  #built: Loaded;
  #status: ReloadStatus;
  #queue: Promise<unknown> = Promise.resolve();
  /** The bundle module the engine last refused (#buildOrFallBack), and why. */
  #rejected: { digest: string; error: EngineLoadError } | undefined;
  #unwatch: (() => void) | undefined;

  constructor(options: ReloaderOptions, first: Loaded) {
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
    this.#snapshot = snapshotOf(first, 1);
    this.#built = first;
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
    const serving = this.#snapshot;
    const signal = this.#closing.signal;
    let built: Loaded;
    // A bundle the source refused, or one the engine would not take: the last good policy is built with the config instead.
    let refused: EngineLoadError | undefined;
    try {
      let policy: PolicyBytes | undefined;
      if (this.#options.policySource) {
        try {
          policy = await readPolicySource(this.#options.policySource, this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal);
        } catch (error) {
          if (!isBundleRefusal(error) || !this.#built.policy) throw error;
          refused = error;
          policy = this.#built.policy;
        }
        const rejected = this.#rejected;
        if (!refused && rejected && policy && policyDigest(policy) === rejected.digest) {
          refused = rejected.error;
          policy = this.#built.policy;
        }
      }
      const { next, rejected } = await this.#buildOrFallBack(policy, signal);
      refused ??= rejected;
      // Unchanged files keep their engine and model; identity.yaml and its secrets are read again.
      const base: Built = next === 'unchanged' ? this.#built : next;
      built = { ...base, identity: await identityOf(this.#options, serving) };
    } catch (error) {
      return this.#failed(at, trigger, error, refused);
    }
    const old = serving.revision;
    // The whole model, not only the compiled data, decides "changed" (prepare.ts); the identity
    // providers' revision covers identity.yaml and the secrets it references.
    const changed = {
      policy: built.digests.policy !== this.#built.digests.policy,
      config: built.digests.config !== this.#built.digests.config,
      identity: built.identity.revision !== old.identity,
    };
    // Nothing else to take: the reload is the refusal, as a failure.
    if (refused && !changed.config && !changed.identity) return this.#failed(at, trigger, refused);
    const policyRefused = refused ? describeLoadFailure(refused, this.#options).issues : undefined;
    const outcome: ReloadOutcome = { at, ok: true, trigger, ...(policyRefused ? { policyRefused } : {}) };
    if (policyRefused) {
      this.#log.warn({ trigger, issues: policyRefused.map(formatIssue) }, 'reload: the policy bundle was refused; the config is taken with the last good policy');
    }
    if (!changed.policy && !changed.config && !changed.identity) {
      this.#status = { ...this.#status, last: outcome };
      this.#log.info({ trigger, revision: old }, 'reload: nothing changed');
      return outcome;
    }
    this.#snapshot = snapshotOf(built, old.id + 1);
    this.#built = built;
    this.#status = { ...this.#status, revision: this.#snapshot.revision, last: outcome };
    const shards = { total: built.engine.shards, loaded: built.engine.loadedShards };
    this.#log.info({ trigger, changed, revision: this.#snapshot.revision, shards }, 'reload: new policy/config serving');
    for (const listener of this.#listeners) {
      try {
        listener(this.#snapshot);
      } catch (error) {
        this.#log.error({ err: error }, 'reload listener failed');
      }
    }
    return outcome;
  }

  /**
   * Builds the next snapshot with `policy`. A bundle that passed its checks but whose module the
   * engine refuses (no module for an entrypoint, a broken reason catalogue, ...) must not hold back
   * the config any more than a refused bundle does: when the same files build with the last good
   * module, that is what serves, and the bundle is reported as refused (`rejected`). Its digest is
   * kept, so that later reloads go straight to the last good module until the bundle changes.
   */
  async #buildOrFallBack(policy: PolicyBytes | undefined, signal: AbortSignal): Promise<{ next: Built | 'unchanged'; rejected?: EngineLoadError }> {
    const options = { where: 'child' as const, serving: this.#built, signal };
    const lastGood = this.#built.policy;
    try {
      return { next: await build(this.#options, { ...options, ...(policy ? { policy } : {}) }) };
    } catch (error) {
      if (!(error instanceof EngineLoadError) || !policy || !lastGood) throw error;
      // Only a module other than the one serving can be the fault (a bad config would fail twice).
      const digest = policyDigest(policy);
      if (digest === this.#built.digests.policy) throw error;
      let next: Built | 'unchanged';
      try {
        next = await build(this.#options, { ...options, policy: lastGood });
      } catch {
        // The last good module fails too: the config is at fault, and the first error says why.
        throw error;
      }
      this.#rejected = { digest, error };
      return { next, rejected: error };
    }
  }

  /** `refused`: a bundle refused in the same reload, reported after what failed it. */
  #failed(at: string, trigger: string, error: unknown, refused?: EngineLoadError): ReloadOutcome {
    const failed = describeLoadFailure(error, this.#options);
    const also = refused && refused !== error ? describeLoadFailure(refused, this.#options) : undefined;
    const summary = also ? `${failed.summary}; ${also.summary}` : failed.summary;
    const issues = also ? [...failed.issues, ...also.issues] : failed.issues;
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
    const { pluginsFile: plugins, grantsFile: grants, policyFile, policySource, identityFile: identity } = this.#options;
    // A bundle server reports its changes itself (its poller); a file is watched.
    const policy = policySource ? policySource.watchFile : policyFile;
    const files = { plugins, grants, ...(policy ? { policy } : {}), ...(identity ? { identity } : {}) };
    this.#unwatch = watchFiles(files, this.#options.debounceMs ?? 200, (names) => void this.reload(names), this.#log);
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#listeners.clear();
    this.#closing.abort();
    await this.#queue;
  }
}

function snapshotOf(built: Loaded, id: number): Snapshot {
  const { policy, data, loadedAt } = built.engine.revision;
  const config = built.digests.config.slice(0, 12);
  const identity = built.identity.revision;
  const bundleRevision = built.policy?.bundleRevision;
  const bundle = bundleRevision === undefined ? {} : { bundle: bundleRevision };
  return Object.freeze({
    engine: built.engine,
    config: built.config,
    identity: built.identity,
    revision: Object.freeze({ id, policy, data, config, identity, loadedAt, ...bundle }),
  });
}

/**
 * identity.yaml and the relying parties it names, read in this process after the build: a
 * relying party holds connections and discovery state the BFF serves sign-ins from. `previous` is
 * the serving snapshot on a reload (unchanged providers are reused, and one that cannot be reached
 * fails the reload).
 */
async function identityOf(options: ReloaderOptions, previous?: Snapshot): Promise<IdentityState> {
  if (!options.identityFile) return EMPTY_IDENTITY;
  const env = options.env ?? process.env;
  const config = await loadIdentityFile({ file: options.identityFile, mode: options.mode, env });
  return resolveIdentity(config, previous?.identity, { env, strict: previous !== undefined });
}

interface BuildRun {
  where: 'inline' | 'child';
  /** What serves: nothing is built when the files still hold the same, and only what changed otherwise. */
  serving?: Built;
  signal?: AbortSignal;
  /** The policy read from the policy source (a bundle); without it the build reads policyFile. */
  policy?: PolicyBytes;
}

function build(options: ReloaderOptions, { where, serving, signal, policy }: BuildRun): Promise<Built | 'unchanged'> {
  const input: PrepareInput = {
    pluginsFile: options.pluginsFile,
    grantsFile: options.grantsFile,
    policyFile: options.policyFile,
    mode: options.mode,
    hostVersion: options.hostVersion,
    ...(options.bundleMount ? { bundleMount: options.bundleMount } : {}),
    ...(options.maxShardBytes === undefined ? {} : { maxShardBytes: options.maxShardBytes }),
    ...(serving ? { serving: servingOf(serving) } : {}),
    ...(policy ? { policy } : {}),
  };
  return buildSnapshot(input, {
    where,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(serving ? { previous: serving } : {}),
  });
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
  let first: Loaded;
  try {
    // Before the server listens: blocking is harmless, and a child process would only add its start-up.
    // A bundle refused now has no last good policy to fall back to: the process does not start.
    const policy = options.policySource ? await readPolicySource(options.policySource, options.timeoutMs ?? DEFAULT_TIMEOUT_MS) : undefined;
    const built = await build(options, { where: 'inline', ...(policy ? { policy } : {}) });
    // Without `serving` digests there is nothing to be unchanged against.
    if (built === 'unchanged') throw new Error('the first load cannot be unchanged');
    first = { ...built, identity: await identityOf(options) };
  } catch (error) {
    throw nameFiles(error, options);
  }
  const reloader = new FileReloader(options, first);
  if (options.watch) reloader.startWatching();
  return reloader;
}
