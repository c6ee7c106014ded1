/**
 * Runs prepareSnapshot in a worker thread of its own and collects what it posts. Fail-closed:
 * a worker that throws, crashes, runs out of memory, exits early or overruns the timeout is a
 * failed build (SnapshotBuildError), and the worker is stopped.
 */
import { Worker } from 'node:worker_threads';
import type { PluginConfig } from '../config/types.js';
import { SnapshotBuildError } from './errors.js';
import type { PrepareInput, PrepareResult, Prepared } from './prepare.js';
import { fromWire, type WorkerMessage } from './wire.js';

export interface WorkerRunOptions {
  /** Stop the worker and fail after this long. */
  timeoutMs: number;
  /** Aborting stops the worker and fails with snapshot_build_cancelled. */
  signal?: AbortSignal;
  /** The worker's entry (default prepare-worker beside this file); tests run misbehaving ones. */
  script?: URL;
}

// How long a worker that answered may take to exit before its answer is used anyway.
const EXIT_WAIT_MS = 2_000;

// Beside this file: prepare-worker.ts when running from source, prepare-worker.js from dist/.
const WORKER_URL = new URL(`./prepare-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);

function startWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  // From source (tsx, vitest) a worker does not inherit the TypeScript loader: register it first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** Why a worker stopped, in words fit for /readyz (no paths, no stack): the log gets the error itself. */
function crashMessage(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'the worker building the snapshot ran out of memory';
  return 'the worker building the snapshot stopped unexpectedly (see the log)';
}

/** prepareSnapshot(input), in a worker. Rejects with what the worker threw (ConfigError, EngineLoadError, Error) or a SnapshotBuildError. */
export function prepareInWorker(input: PrepareInput, options: WorkerRunOptions): Promise<PrepareResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new SnapshotBuildError('snapshot_build_cancelled', 'the reload was cancelled: the reloader closed'));
      return;
    }
    const worker = startWorker(options.script ?? WORKER_URL, input);
    const tenants: [string, PluginConfig[]][] = [];
    const shards: Prepared['data']['shards'] = [];
    let settled = false;
    /** Stops the worker; a success is reported once it has exited (or EXIT_WAIT_MS passed), a failure at once. */
    const finish = (outcome: () => void, afterExit = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const exited = worker.terminate();
      if (!afterExit) {
        // A worker stuck in a read may not exit until the read returns: do not wait for it.
        outcome();
        return;
      }
      // Its heap (over a GB for 3,000 tenants) is unmapped as it exits, which stalled this
      // thread's own mappings for up to 0.1 s: the Wasm data is loaded after, not meanwhile.
      let waited: NodeJS.Timeout | undefined;
      void Promise.race([exited, new Promise((r) => (waited = setTimeout(r, EXIT_WAIT_MS)))]).then(() => {
        clearTimeout(waited);
        outcome();
      });
    };
    const fail = (error: Error) => finish(() => reject(error));
    const onAbort = () => fail(new SnapshotBuildError('snapshot_build_cancelled', 'the reload was cancelled: the reloader closed'));
    const timer = setTimeout(
      () => fail(new SnapshotBuildError('snapshot_build_timeout', `building the snapshot took longer than ${options.timeoutMs} ms: its worker was stopped`)),
      options.timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });

    // One part per event-loop turn: the next is asked for only after other callbacks had their turn.
    const askNext = () =>
      setImmediate(() => {
        if (!settled) worker.postMessage('next');
      });
    worker.on('message', (message: WorkerMessage) => {
      switch (message.kind) {
        case 'tenants':
          tenants.push(...message.entries);
          askNext();
          return;
        case 'shard':
          shards.push({ tenants: message.tenants, json: message.json });
          askNext();
          return;
        case 'unchanged':
          finish(() => resolve({ unchanged: true, digests: message.digests }), true);
          return;
        case 'failed':
          fail(fromWire(message.error));
          return;
        case 'done': {
          const config = { tenants: Object.fromEntries(tenants), upstreams: message.upstreams };
          const data = { digest: message.dataDigest, shards };
          finish(() => resolve({ unchanged: false, config, policy: message.policy, data, digests: message.digests }), true);
        }
      }
    });
    worker.on('error', (error) => fail(new SnapshotBuildError('snapshot_build_crashed', crashMessage(error), { cause: error })));
    worker.on('messageerror', (error) => fail(new SnapshotBuildError('snapshot_build_crashed', crashMessage(error), { cause: error })));
    worker.on('exit', (code) => fail(new SnapshotBuildError('snapshot_build_crashed', `the worker building the snapshot exited (code ${code}) before it finished`)));
  });
}
