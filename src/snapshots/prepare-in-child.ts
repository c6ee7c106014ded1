/**
 * Runs prepareSnapshot in a child process of its own (prepare-child.ts) and collects what it
 * sends. A process, not a worker thread: its heap, its garbage collector's threads and its memory
 * being given back are then no concern of the BFF's main thread (measured: fewer and shorter
 * stalls than a worker thread at the same priority), and a build that runs out of memory cannot
 * take the BFF with it. Fail-closed: a child that crashes, exits early or overruns the timeout is
 * a failed build (SnapshotBuildError), and it is killed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PluginConfig, PluginsConfig } from '../config/types.js';
import { SnapshotBuildError } from './errors.js';
import type { PrepareInput, PrepareResult, Prepared } from './prepare.js';
import { fromWire, type ChildMessage } from './wire.js';

export interface ChildRunOptions {
  /** Kill the child and fail after this long. */
  timeoutMs: number;
  /** Aborting kills the child and fails with snapshot_build_cancelled. */
  signal?: AbortSignal;
  /** The child's entry (default prepare-child beside this file); tests run misbehaving ones. */
  script?: URL;
  /** The serving model: the tenants the child does not send (their digest in `input.serving.tenants` is unchanged) are taken from it. */
  servingTenants?: PluginsConfig['tenants'];
}

// How long a child that answered may take to exit before its answer is used anyway.
const EXIT_WAIT_MS = 2_000;

// Beside this file: prepare-child.ts when running from source, prepare-child.js from dist/.
const CHILD_URL = new URL(`./prepare-child${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);

function startChild(url: URL): ChildProcess {
  // From source (tsx, vitest) the child needs the TypeScript loader; from dist/ nothing.
  const execArgv = url.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return fork(fileURLToPath(url), [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
}

/** prepareSnapshot(input), in a child process. Rejects with what it threw (ConfigError, EngineLoadError, Error) or a SnapshotBuildError. */
export function prepareInChild(input: PrepareInput, options: ChildRunOptions): Promise<PrepareResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new SnapshotBuildError('snapshot_build_cancelled', 'the reload was cancelled: the reloader closed'));
      return;
    }
    const child = startChild(options.script ?? CHILD_URL);
    const sent = new Map<string, PluginConfig[]>();
    const shards: Prepared['data']['shards'] = [];
    let settled = false;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    /** Ends the child; a success is reported once it has exited (its memory given back) or EXIT_WAIT_MS passed, a failure at once. */
    const finish = (outcome: () => void, success = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (!success) {
        child.kill('SIGKILL');
        outcome();
        return;
      }
      if (child.connected) child.disconnect();
      let waited: NodeJS.Timeout | undefined;
      void Promise.race([exited, new Promise((r) => (waited = setTimeout(r, EXIT_WAIT_MS)))]).then(() => {
        clearTimeout(waited);
        child.kill('SIGKILL');
        outcome();
      });
    };
    const fail = (error: Error) => finish(() => reject(error));
    const onAbort = () => fail(new SnapshotBuildError('snapshot_build_cancelled', 'the reload was cancelled: the reloader closed'));
    const timer = setTimeout(
      () => fail(new SnapshotBuildError('snapshot_build_timeout', `building the snapshot took longer than ${options.timeoutMs} ms: its process was stopped`)),
      options.timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });

    // One part per event-loop turn: the next is asked for only after other callbacks had their turn.
    const askNext = () =>
      setImmediate(() => {
        if (!settled && child.connected) child.send('next');
      });
    child.on('message', (message: ChildMessage) => {
      switch (message.kind) {
        case 'tenants':
          for (const [host, list] of message.entries) sent.set(host, list);
          askNext();
          return;
        case 'shard':
          shards.push({ tenants: message.tenants, digest: message.digest, ...(message.json ? { json: message.json } : {}) });
          askNext();
          return;
        case 'unchanged':
          finish(() => resolve({ unchanged: true, digests: message.digests }), true);
          return;
        case 'failed':
          fail(fromWire(message.error));
          return;
        case 'done': {
          const kept = options.servingTenants ?? {};
          const missing = message.hosts.find((h) => !sent.has(h) && !Object.hasOwn(kept, h));
          if (missing !== undefined) {
            fail(new Error(`the build process neither sent tenant ${JSON.stringify(missing)} nor does the serving model hold it`));
            return;
          }
          const tenants = Object.fromEntries(message.hosts.map((h) => [h, sent.get(h) ?? kept[h]!]));
          const config = { tenants, upstreams: message.upstreams };
          const data = { digest: message.dataDigest, shards };
          const prepared = { unchanged: false as const, config, policy: message.policy, data, digests: message.digests, tenantDigests: message.tenantDigests };
          finish(() => resolve(prepared), true);
        }
      }
    });
    // Not a config or policy issue and not the operator's to read in /readyz: the log has the cause.
    child.on('error', (error) => fail(new SnapshotBuildError('snapshot_build_crashed', 'the process building the snapshot could not run (see the log)', { cause: error })));
    child.on('exit', (code, signal) => {
      const how = signal ? `was killed (${signal})` : `exited (code ${code})`;
      fail(new SnapshotBuildError('snapshot_build_crashed', `the process building the snapshot ${how} before it finished`));
    });
    child.send(input);
  });
}
