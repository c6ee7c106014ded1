/**
 * A refused policy bundle at a reload never holds back a config edit: the reload is then "the
 * files as they are + the last good policy", still all or nothing, with the refusal reported
 * (`policyRefused`); a reload that brought nothing but the refused bundle fails as before. Real
 * bundles built and signed by the pinned `opa`, from a file and from a loopback bundle server,
 * through the reloader the BFF runs (the build in its child process). Also: the bundle's read,
 * in the BFF's process, is held to the reload timeout and cancelled by close().
 */
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { copyFile, cp, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPolicyBundle, createUrlBundleSource, loadBundleKeys, type PolicySource } from '../../src/policy-bundle/index.js';
import { readTarGz } from '../../src/policy-bundle/tar.js';
import { createReloader, type Reloader } from '../../src/snapshots/index.js';
import { buildProjectBundle, devKey, keysYaml, PROJECT_ENTRYPOINTS, writeTarGz } from '../support/opa-bundle.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const bundles = {} as Record<'rev1' | 'rev2' | 'unsigned' | 'wrongKey' | 'flipped' | 'notGzip' | 'lacksEntrypoint', Buffer>;
/** Every way a bundle is refused with keys configured, and its code. */
const REFUSED = [
  ['unsigned', 'policy_bundle_unsigned'],
  ['flipped', 'policy_bundle_file_mismatch'],
  ['wrongKey', 'policy_bundle_signature_invalid'],
  ['notGzip', 'policy_bundle_invalid'],
] as const;
let keysFile: string;

/** A copy of policy/ whose api decision is no entrypoint (METADATA `entrypoint: true` makes one whatever `-e` says). */
async function lacksApiDecision(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'xp-policy-copy-'));
  await cp(path.join(ROOT, 'policy'), dir, { recursive: true });
  const file = path.join(dir, 'experience/api/api.rego');
  const text = await readFile(file, 'utf8');
  const edited = text.replace('# entrypoint: true\n', '');
  expect(edited).not.toBe(text);
  await writeFile(file, edited);
  return dir;
}

beforeAll(async () => {
  const [key, otherKey] = await Promise.all([devKey('RS256'), devKey('RS256')]);
  const build = (revision: string, sign?: typeof key) =>
    buildProjectBundle({ revision, ...(sign ? { sign } : {}) });
  [bundles.rev1, bundles.rev2, bundles.unsigned, bundles.wrongKey, bundles.lacksEntrypoint] = await Promise.all([
    build('rev-1', key),
    build('rev-2', key),
    build('rev-2'),
    build('rev-2', otherKey),
    // Signed and whole, so the source takes it; built without the api decision, so the engine does not.
    lacksApiDecision().then((dir) =>
      buildProjectBundle({ dir, entrypoints: PROJECT_ENTRYPOINTS.filter((e) => e !== 'experience/api/decision'), revision: 'rev-3', sign: key }),
    ),
  ]);
  const files = [...(await readTarGz(bundles.rev2))].map(([name, bytes]): [string, Uint8Array] => [`/${name}`, bytes]);
  bundles.flipped = writeTarGz(
    files.map(([name, bytes]): [string, Uint8Array] => {
      if (name !== '/policy.wasm') return [name, bytes];
      const copy = Buffer.from(bytes);
      copy[copy.length >> 1] = copy[copy.length >> 1]! ^ 0x01;
      return [name, copy];
    }),
  );
  bundles.notGzip = Buffer.from('not a bundle');
  keysFile = path.join(await mkdtemp(path.join(tmpdir(), 'xp-bundle-reload-keys-')), 'keys.yaml');
  await writeFile(keysFile, keysYaml({ dev: { key } }));
}, 180_000);

let dir: string;
let files: { pluginsFile: string; grantsFile: string; bundleFile: string };
let reloader: Reloader | undefined;
const logs: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
const logger = {
  info: (obj: object, msg?: string) => logs.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
  warn: (obj: object, msg?: string) => logs.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
  error: (obj: object, msg?: string) => logs.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
};
const hello = { tenant: 'localhost', plugin_id: 'hello', method: 'GET', path: '/api/hello' };

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xp-bundle-reload-'));
  files = { pluginsFile: path.join(dir, 'plugins.yaml'), grantsFile: path.join(dir, 'grants.yaml'), bundleFile: path.join(dir, 'bundle.tar.gz') };
  await copyFile(path.join(ROOT, 'config/plugins.yaml'), files.pluginsFile);
  await copyFile(path.join(ROOT, 'config/grants.yaml'), files.grantsFile);
  await writeFile(files.bundleFile, bundles.rev1);
  logs.length = 0;
});

afterEach(async () => {
  await reloader?.close();
  reloader = undefined;
});

async function start(policySource: PolicySource, shown: string, timeoutMs?: number): Promise<Reloader> {
  reloader = await createReloader({
    pluginsFile: files.pluginsFile,
    grantsFile: files.grantsFile,
    policyFile: files.bundleFile,
    policySource,
    shownFiles: { policy: shown },
    mode: 'production',
    hostVersion: '1.4.0',
    logger,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return reloader;
}

async function startWithFile(timeoutMs?: number): Promise<Reloader> {
  const bundle = await createPolicyBundle({ kind: 'file', path: files.bundleFile, named: 'bundle.tar.gz' }, { path: keysFile, named: 'keys.yaml' });
  return start(bundle.source, bundle.shown, timeoutMs);
}

/** Adds `GET <extra>` to hello's allow-list in every tenant: a config edit the engine decides on. */
async function allowHello(extra: string): Promise<void> {
  const text = await readFile(files.pluginsFile, 'utf8');
  const widened = text.replaceAll('path: /api/hello\n', `path: /api/hello\n          - method: GET\n            path: ${extra}\n`);
  expect(widened).not.toBe(text);
  await writeFile(files.pluginsFile, widened);
}

async function replaceFile(file: string, bytes: Buffer): Promise<void> {
  await writeFile(`${file}.next`, bytes);
  await rename(`${file}.next`, file);
}

describe('a refused bundle file at reload', () => {
  it.each(REFUSED)('%s: a config edit is taken with the last good policy; without one the reload fails', async (which, code) => {
    const r = await startWithFile();
    expect(r.current().revision).toMatchObject({ id: 1, bundle: 'rev-1' });
    const policy = r.current().revision.policy;
    await replaceFile(files.bundleFile, bundles[which]);

    // Only the bundle changed: nothing to take, the reload is the refusal.
    const alone = await r.reload('policy');
    expect(alone).toMatchObject({ ok: false, trigger: 'policy', issues: [{ code, file: 'bundle.tar.gz', line: 0 }] });
    expect(alone).not.toHaveProperty('policyRefused');
    expect(r.current().revision.id).toBe(1);

    // A config edit with the bundle still refused: new config, last good policy, as one snapshot.
    await allowHello('/api/hello/extra');
    const edited = await r.reload('plugins');
    expect(edited).toMatchObject({ ok: true, trigger: 'plugins', policyRefused: [{ code, file: 'bundle.tar.gz', line: 0 }] });
    expect(edited).not.toHaveProperty('issues');
    expect(r.current().revision).toMatchObject({ id: 2, bundle: 'rev-1', policy });
    expect(r.current().engine.api({ ...hello, path: '/api/hello/extra' }).allow).toBe(true);
    expect(r.current().engine.api(hello).allow).toBe(true);
    expect(r.current().engine.api({ ...hello, path: '/api/orders' }).allow).toBe(false);
    expect(r.status()).toMatchObject({ failures: 1, last: { ok: true }, bundle: { source: 'file', signed: true, revision: 'rev-1', refused: { [code]: 2 }, lastRefusal: { code } } });
    expect(logs.find((l) => l.level === 'warn' && l.msg?.startsWith('reload: the policy bundle was refused'))?.obj).toMatchObject({
      trigger: 'plugins',
      issues: [expect.stringContaining(`bundle.tar.gz  `)],
    });

    // A good bundle is taken with the config that serves.
    await replaceFile(files.bundleFile, bundles.rev2);
    const good = await r.reload('policy');
    expect(good).toEqual({ at: expect.any(String), ok: true, trigger: 'policy' });
    expect(r.current().revision).toMatchObject({ id: 3, bundle: 'rev-2' });
    expect(r.current().engine.api({ ...hello, path: '/api/hello/extra' }).allow).toBe(true);
  }, 60_000);

  it('a signed bundle whose module the engine refuses is treated like a refused one: the config edit is taken with the last good policy', async () => {
    const r = await startWithFile();
    const policy = r.current().revision.policy;
    await replaceFile(files.bundleFile, bundles.lacksEntrypoint);

    const alone = await r.reload('policy');
    expect(alone).toMatchObject({ ok: false, issues: [{ code: 'policy_entrypoints_missing', file: 'bundle.tar.gz' }] });
    expect(alone.error).toContain('experience/api/decision');
    expect(r.current().revision).toMatchObject({ id: 1, bundle: 'rev-1' });

    // The bundle passed the source's checks: the refusal is the engine's, and the config edit still serves.
    for (const extra of ['/api/hello/extra', '/api/hello/more']) {
      await allowHello(extra);
      const edited = await r.reload('plugins');
      expect(edited).toMatchObject({ ok: true, trigger: 'plugins', policyRefused: [{ code: 'policy_entrypoints_missing', file: 'bundle.tar.gz' }] });
      expect(r.current().revision).toMatchObject({ bundle: 'rev-1', policy });
      expect(r.current().engine.api({ ...hello, path: extra }).allow).toBe(true);
    }
    expect(r.current().revision.id).toBe(3);
    expect(r.status()).toMatchObject({ failures: 1, last: { ok: true }, bundle: { revision: 'rev-3', refused: {} } });
    expect(logs.filter((l) => l.level === 'warn' && l.msg?.startsWith('reload: the policy bundle was refused'))).toHaveLength(2);

    // A bad config with that bundle still fails on the config, and nothing is swapped.
    await writeFile(files.pluginsFile, 'tenants: [unclosed\n');
    const broken = await r.reload('plugins');
    expect(broken.ok).toBe(false);
    expect(broken.issues?.[0]?.code).not.toMatch(/^policy_/);
    expect(r.current().revision.id).toBe(3);

    // A good bundle after it is taken.
    await copyFile(path.join(ROOT, 'config/plugins.yaml'), files.pluginsFile);
    await replaceFile(files.bundleFile, bundles.rev2);
    expect(await r.reload('plugins+policy')).toEqual({ at: expect.any(String), ok: true, trigger: 'plugins+policy' });
    expect(r.current().revision).toMatchObject({ id: 4, bundle: 'rev-2' });
  }, 60_000);

  it('a config that is invalid fails the reload as before, its issues first and the refusal after them; nothing is swapped', async () => {
    const r = await startWithFile();
    await replaceFile(files.bundleFile, bundles.unsigned);
    await writeFile(files.pluginsFile, 'tenants: [unclosed\n');
    const outcome = await r.reload('plugins+policy');
    expect(outcome.ok).toBe(false);
    const codes = (outcome.issues ?? []).map((i) => i.code);
    expect(codes.at(-1)).toBe('policy_bundle_unsigned');
    expect(codes.length).toBeGreaterThan(1);
    expect(codes.slice(0, -1).every((c) => !c.startsWith('policy_'))).toBe(true);
    expect(outcome.error).toContain('bundle.tar.gz');
    expect(r.current().revision).toMatchObject({ id: 1, bundle: 'rev-1' });
  }, 60_000);
});

/** A loopback bundle server with ETags; `serve` swaps what it sends. */
async function bundleServer(first: Buffer) {
  let served = { bundle: first, etag: '"b1"' };
  let n = 1;
  const server = http.createServer((req, res) => {
    if (req.headers['if-none-match'] === served.etag) return void res.writeHead(304, { ETag: served.etag }).end();
    res.writeHead(200, { 'Content-Type': 'application/gzip', ETag: served.etag }).end(served.bundle);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/experience.tar.gz`),
    serve: (bundle: Buffer) => void (served = { bundle, etag: `"b${++n}"` }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a refused bundle from a bundle server', () => {
  let server: Awaited<ReturnType<typeof bundleServer>> | undefined;
  afterAll(async () => server?.close());

  it('no longer blocks plugins.yaml edits while the server serves it; the good one after it is taken', async () => {
    server = await bundleServer(bundles.rev1);
    const source = createUrlBundleSource({ url: server.url, keys: await loadBundleKeys(keysFile, 'keys.yaml'), pollSeconds: 0 });
    const r = await start(source, 'experience.tar.gz');
    try {
      for (const [i, [which, code]] of REFUSED.entries()) {
        server.serve(bundles[which]);
        expect(await source.poll()).toBe('changed');
        expect(await r.reload('policy-bundle')).toMatchObject({ ok: false, issues: [{ code, file: 'experience.tar.gz' }] });
        // The server still serves it (a 304 now): every plugins.yaml edit is taken with rev-1.
        expect(await source.poll()).toBe('unchanged');
        await allowHello(`/api/hello/extra-${i}`);
        expect(await r.reload('plugins')).toMatchObject({ ok: true, policyRefused: [{ code, file: 'experience.tar.gz' }] });
        expect(r.current().revision).toMatchObject({ id: 2 + i, bundle: 'rev-1' });
        expect(r.current().engine.api({ ...hello, path: `/api/hello/extra-${i}` }).allow).toBe(true);
      }
      server.serve(bundles.rev2);
      expect(await source.poll()).toBe('changed');
      expect(await r.reload('policy-bundle')).toEqual({ at: expect.any(String), ok: true, trigger: 'policy-bundle' });
      expect(r.current().revision).toMatchObject({ id: 2 + REFUSED.length, bundle: 'rev-2' });
      expect(r.current().engine.api({ ...hello, path: `/api/hello/extra-${REFUSED.length - 1}` }).allow).toBe(true);
    } finally {
      await source.close();
    }
  }, 60_000);
});

describe('the bundle read in the BFF process keeps the reload limits', () => {
  /** Replaces `file` with a FIFO nobody writes: reading it blocks, as on a stalled file system. */
  async function stall(file: string): Promise<void> {
    await rm(file);
    execFileSync('mkfifo', [file]);
  }
  /** Lets a reader blocked on the FIFO go (end of file), so no thread stays blocked after the test. */
  async function release(file: string): Promise<void> {
    await open(file, constants.O_WRONLY | constants.O_NONBLOCK).then((h) => h.close(), () => undefined);
  }

  it('a read that does not finish is snapshot_build_timeout, the last good state serving', async () => {
    const r = await startWithFile(1_000);
    await stall(files.bundleFile);
    try {
      const outcome = await r.reload('policy');
      expect(outcome).toMatchObject({ ok: false, issues: [{ code: 'snapshot_build_timeout', file: '' }], error: 'reading the policy bundle took longer than 1000 ms' });
      expect(r.current().revision).toMatchObject({ id: 1, bundle: 'rev-1' });
      expect(r.current().engine.api(hello).allow).toBe(true);
    } finally {
      await release(files.bundleFile);
    }
  }, 30_000);

  it('close() cancels a read in progress: snapshot_build_cancelled', async () => {
    const r = await startWithFile(600_000);
    await stall(files.bundleFile);
    try {
      const pending = r.reload('policy');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await r.close();
      reloader = undefined;
      expect(await pending).toMatchObject({ ok: false, issues: [{ code: 'snapshot_build_cancelled' }] });
      expect(r.current().revision.id).toBe(1);
    } finally {
      await release(files.bundleFile);
    }
  }, 30_000);
});
