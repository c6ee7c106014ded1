/**
 * Worker thread entry: prepares one snapshot (workerData: a PrepareInput) and posts it in parts
 * (wire.ts), each after the main thread asked for the next, then waits to be stopped. Started by
 * prepare-in-worker.ts, one per build.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { prepareSnapshot, type PrepareInput } from './prepare.js';
import { toWire, type WorkerMessage } from './wire.js';

// About this many plugins per message: each one is deserialised on the main thread in one go.
const PLUGINS_PER_MESSAGE = 200;

const port = parentPort;
if (!port) throw new Error('prepare-worker.ts runs as a worker thread only');

// Serving comes first: on a busy machine the build should wait for a core, not the requests. On
// Linux a thread has a nice value of its own (setpriority on its thread id); elsewhere this is skipped.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
} catch {
  // Not Linux, or not allowed: the build runs at the process's priority.
}
// Node delivers every message waiting on a port in one task: posted all at once, the parts would
// be deserialised on the main thread in one go after all. So each part waits for its `next`.
const asked: (() => void)[] = [];
port.on('message', () => asked.shift()?.());
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const postPart = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
  new Promise<void>((resolve) => {
    asked.push(resolve);
    post(message, transfer);
  });

/** A copy that owns its whole buffer, so transferring it moves nothing else (file reads may share a pool). */
const owned = (bytes: Uint8Array): Uint8Array => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice());

try {
  const result = await prepareSnapshot(workerData as PrepareInput);
  if (result.unchanged) {
    post({ kind: 'unchanged', digests: result.digests });
  } else {
    let entries: [string, (typeof result.config.tenants)[string]][] = [];
    let plugins = 0;
    for (const [host, list] of Object.entries(result.config.tenants)) {
      entries.push([host, list]);
      plugins += list.length + 1;
      if (plugins >= PLUGINS_PER_MESSAGE) {
        await postPart({ kind: 'tenants', entries });
        entries = [];
        plugins = 0;
      }
    }
    if (entries.length > 0) await postPart({ kind: 'tenants', entries });
    for (const shard of result.data.shards) {
      const json = owned(shard.json);
      await postPart({ kind: 'shard', tenants: shard.tenants, json }, [json.buffer as ArrayBuffer]);
    }
    const policy = owned(result.policy);
    post({ kind: 'done', upstreams: result.config.upstreams, policy, dataDigest: result.data.digest, digests: result.digests }, [policy.buffer as ArrayBuffer]);
  }
} catch (error) {
  post({ kind: 'failed', error: toWire(error) });
}
