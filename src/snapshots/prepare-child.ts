/**
 * Child process entry: prepares one snapshot and sends it in parts (wire.ts), each after the BFF
 * asked for the next, then exits. Started by prepare-in-child.ts, one per build, with an IPC
 * channel (advanced serialisation). Its first message is the PrepareInput. What the serving
 * snapshot already holds (`input.serving`: a tenant's model with the same digest, a data shard
 * with the same digest under the same policy) is named, not sent: every byte sent is
 * deserialised on the BFF's main thread, and every shard sent is a Wasm instance loaded there.
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
  const prepareInput = await received;
  const result = await prepareSnapshot(prepareInput);
  if (result.unchanged) {
    send({ kind: 'unchanged', digests: result.digests });
  } else {
    const serving = prepareInput.serving;
    const keptTenants = serving?.tenants ?? {};
    // A Wasm instance holds its module's code: a shard is kept only under the same policy.
    const keptShards = new Set(serving && serving.policy === result.digests.policy ? (serving.shards ?? []) : []);
    let entries: [string, (typeof result.config.tenants)[string]][] = [];
    let plugins = 0;
    for (const [host, list] of Object.entries(result.config.tenants)) {
      if (keptTenants[host] === result.tenantDigests[host]) continue;
      entries.push([host, list]);
      plugins += list.length + 1;
      if (plugins >= PLUGINS_PER_MESSAGE) {
        await sendPart({ kind: 'tenants', entries });
        entries = [];
        plugins = 0;
      }
    }
    if (entries.length > 0) await sendPart({ kind: 'tenants', entries });
    for (const shard of result.data.shards) {
      if (keptShards.has(shard.digest)) await sendPart({ kind: 'shard', tenants: shard.tenants, digest: shard.digest });
      else await sendPart({ kind: 'shard', tenants: shard.tenants, digest: shard.digest, json: shard.json });
    }
    send({
      kind: 'done',
      hosts: Object.keys(result.config.tenants),
      tenantDigests: result.tenantDigests,
      upstreams: result.config.upstreams,
      policy: result.policy,
      dataDigest: result.data.digest,
      digests: result.digests,
    });
  }
} catch (error) {
  send({ kind: 'failed', error: toWire(error) });
}
