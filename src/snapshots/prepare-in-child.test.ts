import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, dataDocumentJson, loadConfigFiles } from '../config/index.js';
import { EngineLoadError } from '../engine/index.js';
import { SnapshotBuildError } from './errors.js';
import { prepareInChild } from './prepare-in-child.js';
import type { PrepareInput } from './prepare.js';

const input: PrepareInput = {
  pluginsFile: 'config/plugins.yaml',
  grantsFile: 'config/grants.yaml',
  policyFile: 'build/policy.wasm',
  mode: 'production',
  hostVersion: '1.4.0',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xp-prepare-'));
});

/** A child entry of our own, as plain JavaScript. */
async function script(name: string, body: string): Promise<URL> {
  const file = path.join(dir, `${name}.mjs`);
  await writeFile(file, `${body}\n`);
  return pathToFileURL(file);
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

// Each case starts a Node process (from source, through tsx, at a low priority): seconds on a busy machine.
describe('prepareInChild', { timeout: 60_000 }, () => {
  it('brings back what the files hold: the model in file order, the data shards, the policy and the digests', async () => {
    const result = await prepareInChild({ ...input, maxShardBytes: 1 }, { timeoutMs: 60_000 });
    if (result.unchanged) throw new Error('expected a snapshot');
    const loaded = await loadConfigFiles(input);
    expect(result.config).toEqual(loaded.plugins);
    expect(Object.keys(result.config.tenants)).toEqual(Object.keys(loaded.plugins.tenants));
    expect(result.data.digest).toBe(sha256(dataDocumentJson(loaded.registry)));
    expect(result.data.shards.map((s) => s.tenants)).toEqual(Object.keys(loaded.registry.tenants).map((t) => [t]));
    for (const shard of result.data.shards) {
      const doc = JSON.parse(new TextDecoder().decode(shard.json)) as { registry: { tenants: Record<string, unknown> } };
      expect(doc.registry.tenants[shard.tenants[0]!]).toEqual(loaded.registry.tenants[shard.tenants[0]!]);
    }
    const wasm = await readFile(input.policyFile);
    expect(Buffer.from(result.policy).equals(wasm)).toBe(true);
    expect(result.digests).toEqual({ policy: sha256(wasm), config: loaded.digest });
  });

  it('answers unchanged, and sends nothing more, when the files hold what serves', async () => {
    const first = await prepareInChild(input, { timeoutMs: 60_000 });
    const again = await prepareInChild({ ...input, serving: first.digests }, { timeoutMs: 60_000 });
    expect(again).toEqual({ unchanged: true, digests: first.digests });
    const otherPolicy = await prepareInChild({ ...input, serving: { ...first.digests, policy: 'x' } }, { timeoutMs: 60_000 });
    expect(otherPolicy.unchanged).toBe(false);
  });

  it('sends only what the serving snapshot lacks: changed tenants\' models, changed shards\' bytes (same policy)', async () => {
    const first = await prepareInChild({ ...input, maxShardBytes: 1 }, { timeoutMs: 60_000 });
    if (first.unchanged) throw new Error('expected a snapshot');
    const [changedHost, ...rest] = Object.keys(first.config.tenants);
    const tenants = { ...first.tenantDigests, [changedHost!]: 'another digest' };
    const shards = first.data.shards.filter((s) => !s.tenants.includes(changedHost!)).map((s) => s.digest);
    const serving = { policy: first.digests.policy, config: 'another config', shards, tenants };
    // Only the changed tenant is sent: the rest come from the serving model given here, a copy marked to tell them apart.
    const servingTenants = Object.fromEntries(rest.map((h) => [h, first.config.tenants[h]!.map((p) => ({ ...p, kept: true }))]));
    const again = await prepareInChild({ ...input, maxShardBytes: 1, serving }, { timeoutMs: 60_000, servingTenants });
    if (again.unchanged) throw new Error('expected a snapshot');
    expect(Object.keys(again.config.tenants)).toEqual(Object.keys(first.config.tenants));
    expect(again.config.tenants[changedHost!]).toEqual(first.config.tenants[changedHost!]);
    for (const h of rest) expect(again.config.tenants[h]).toBe(servingTenants[h]);
    expect(again.data.shards.map((s) => s.digest)).toEqual(first.data.shards.map((s) => s.digest));
    expect(again.data.shards.filter((s) => s.json !== undefined).map((s) => s.tenants)).toEqual([[changedHost]]);
    expect(again.tenantDigests).toEqual(first.tenantDigests);
    // Under another policy every shard's bytes are sent: an instance holds its module.
    const otherPolicy = await prepareInChild({ ...input, maxShardBytes: 1, serving: { ...serving, policy: 'x' } }, { timeoutMs: 60_000, servingTenants });
    if (otherPolicy.unchanged) throw new Error('expected a snapshot');
    expect(otherPolicy.data.shards.every((s) => s.json !== undefined)).toBe(true);
    // A tenant the child does not send and the serving model lacks is a failed build.
    await expect(prepareInChild({ ...input, serving }, { timeoutMs: 60_000 })).rejects.toThrow(/neither sent tenant/);
  });

  it('rejects with the config issues the child found, as a ConfigError', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'tenants: [\n');
    const error = await prepareInChild({ ...input, grantsFile: bad }, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]).toMatchObject({ file: bad, line: expect.any(Number) });
  });

  it('rejects with policy_unreadable, as an EngineLoadError, when the policy cannot be read', async () => {
    const error = await prepareInChild({ ...input, policyFile: path.join(dir, 'absent.wasm') }, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineLoadError);
    expect(error).toMatchObject({ code: 'policy_unreadable', message: expect.stringMatching(/ENOENT.*make policy/) });
  });

  it.each([
    ['throws', 'throw new Error("boom at /srv/secret/path.ts");', /^the process building the snapshot exited \(code 1\) before it finished$/],
    ['rejects', 'await Promise.reject(new TypeError("bad"));', /exited \(code 1\) before it finished/],
    ['exits without an answer', 'process.exit(3);', /^the process building the snapshot exited \(code 3\) before it finished$/],
    ['ends without an answer', 'process.disconnect();', /exited \(code 0\) before it finished/],
    ['is killed', 'process.kill(process.pid, "SIGKILL");', /^the process building the snapshot was killed \(SIGKILL\) before it finished$/],
    // What V8 does when the heap is full: "FATAL ERROR: ... out of memory", then abort().
    ['aborts, as out of memory', 'process.abort();', /^the process building the snapshot was killed \(SIGABRT\) before it finished$/],
  ])('fails closed when the child %s (snapshot_build_crashed)', async (name, body, message) => {
    const error = await prepareInChild(input, { timeoutMs: 120_000, script: await script(name.replaceAll(' ', '-'), body) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotBuildError);
    expect(error).toMatchObject({ code: 'snapshot_build_crashed', message: expect.stringMatching(message) });
    // No path or stack for /readyz; the cause (for the log) keeps what happened.
    expect((error as Error).message).not.toContain('/srv');
  });

  it('kills a child that does not answer in time (snapshot_build_timeout)', async () => {
    const hang = await script('hang', 'setInterval(() => {}, 1000);');
    await expect(prepareInChild(input, { timeoutMs: 200, script: hang })).rejects.toMatchObject({ code: 'snapshot_build_timeout', message: expect.stringMatching(/longer than 200 ms/) });
  });

  it('kills the child when cancelled, or never starts one when already cancelled (snapshot_build_cancelled)', async () => {
    const hang = await script('hang-cancel', 'setInterval(() => {}, 1000);');
    const controller = new AbortController();
    const running = prepareInChild(input, { timeoutMs: 60_000, script: hang, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toMatchObject({ code: 'snapshot_build_cancelled' });
    await expect(prepareInChild(input, { timeoutMs: 60_000, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'snapshot_build_cancelled' });
  });

  it('ignores what a child sends after its answer', async () => {
    const chatty = await script(
      'chatty',
      `process.send({ kind: 'unchanged', digests: { policy: 'p', config: 'c' } });
       process.send({ kind: 'failed', error: { kind: 'other', name: 'Error', message: 'late' } });
       setInterval(() => {}, 1000);`,
    );
    await expect(prepareInChild(input, { timeoutMs: 60_000, script: chatty })).resolves.toEqual({ unchanged: true, digests: { policy: 'p', config: 'c' } });
  });
});
