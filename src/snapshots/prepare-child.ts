/**
 * Child process entry: prepares one snapshot and sends it in parts (wire.ts), each after the BFF
 * asked for the next, then exits. Started by prepare-in-child.ts, one per build, with an IPC
 * channel (advanced serialisation). Its first message is the PrepareInput.
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { prepareSnapshot, type PrepareInput } from './prepare.js';
import { toWire, type ChildMessage } from './wire.js';

// About this many plugins per message: each one is deserialised on the BFF's main thread in one go.
const PLUGINS_PER_MESSAGE = 200;

if (!process.send) throw new Error('prepare-child runs as a child process with an IPC channel only');
const send = (message: ChildMessage) => process.send!(message);

// Serving comes first: on a busy machine the build should wait for a core, not the requests. A
// thread's nice value is its own on Linux, so every thread there is now (V8's GC and compiler
// helpers) is lowered; threads started later inherit it. Elsewhere this is skipped.
try {
  for (const tid of readdirSync('/proc/self/task')) setPriority(Number(tid), 10);
} catch {
  // Not Linux, or not allowed: the build runs at the BFF's priority.
}
// The BFF gone (or done with this build): nothing is left to do.
process.on('disconnect', () => process.exit(0));

// The first message is the input; every later one asks for the next part. Node delivers every
// message waiting on the channel in one go, so the parts must not be sent all at once.
const asked: (() => void)[] = [];
let input: ((value: PrepareInput) => void) | undefined;
const received = new Promise<PrepareInput>((resolve) => (input = resolve));
process.on('message', (message: unknown) => {
  if (input) {
    input(message as PrepareInput);
    input = undefined;
  } else {
    asked.shift()?.();
  }
});
const sendPart = (message: ChildMessage) =>
  new Promise<void>((resolve) => {
    asked.push(resolve);
    send(message);
  });

try {
  const result = await prepareSnapshot(await received);
  if (result.unchanged) {
    send({ kind: 'unchanged', digests: result.digests });
  } else {
    let entries: [string, (typeof result.config.tenants)[string]][] = [];
    let plugins = 0;
    for (const [host, list] of Object.entries(result.config.tenants)) {
      entries.push([host, list]);
      plugins += list.length + 1;
      if (plugins >= PLUGINS_PER_MESSAGE) {
        await sendPart({ kind: 'tenants', entries });
        entries = [];
        plugins = 0;
      }
    }
    if (entries.length > 0) await sendPart({ kind: 'tenants', entries });
    for (const shard of result.data.shards) await sendPart({ kind: 'shard', tenants: shard.tenants, json: shard.json });
    send({ kind: 'done', upstreams: result.config.upstreams, policy: result.policy, dataDigest: result.data.digest, digests: result.digests });
  }
} catch (error) {
  send({ kind: 'failed', error: toWire(error) });
}
