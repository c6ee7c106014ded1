/**
 * Worker thread entry: prepares one snapshot (workerData: a PrepareInput) and posts it in parts
 * (wire.ts), then has nothing left to do and ends. Started by prepare-in-worker.ts, one per build.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareSnapshot, type PrepareInput } from './prepare.js';
import { toWire, type WorkerMessage } from './wire.js';

// About this many plugins per message: each one is deserialised on the main thread in one go.
const PLUGINS_PER_MESSAGE = 200;

const port = parentPort;
if (!port) throw new Error('prepare-worker.ts runs as a worker thread only');
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

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
        post({ kind: 'tenants', entries });
        entries = [];
        plugins = 0;
      }
    }
    if (entries.length > 0) post({ kind: 'tenants', entries });
    for (const shard of result.data.shards) {
      const json = owned(shard.json);
      post({ kind: 'shard', tenants: shard.tenants, json }, [json.buffer as ArrayBuffer]);
    }
    const policy = owned(result.policy);
    post({ kind: 'done', upstreams: result.config.upstreams, policy, dataDigest: result.data.digest, digests: result.digests }, [policy.buffer as ArrayBuffer]);
  }
} catch (error) {
  post({ kind: 'failed', error: toWire(error) });
}
