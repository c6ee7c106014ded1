/**
 * Signed policy bundles with a real BFF: bundles built and signed by the pinned `opa` from
 * policy/ with development keys made here. A signed bundle is accepted (decisions work, its
 * revision shows); an unsigned, tampered or wrongly signed one is refused at start-up (the
 * process exits non-zero with the code) and at reload (the last good policy keeps serving,
 * /readyz and /metrics say so), from a file and from a loopback bundle server polled with ETags.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readTarGz } from '../../src/policy-bundle/tar.js';
import { buildProjectBundle, devKey, keysYaml, writeTarGz, type DevKey } from '../support/opa-bundle.js';
import { eventually, login, startBff, type TestBff } from './support/bff.js';
import { createFixture, type Fixture } from './support/fixture.js';
import { closedPortUrl } from './support/upstream.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const MAIN = path.join(ROOT, 'src/server/main.ts');
// As the Makefile builds build/bundle.tar.gz.

let key: DevKey;
let otherKey: DevKey;
let keysFile: string;
const bundles = {} as Record<'rev1' | 'rev2' | 'unsigned' | 'wrongKey' | 'flipped' | 'added', Buffer>;

/** Every way a bundle is refused when keys are configured, and the code it is refused with. */
const REFUSED = [
  ['unsigned', 'policy_bundle_unsigned'],
  ['flipped', 'policy_bundle_file_mismatch'],
  ['added', 'policy_bundle_file_mismatch'],
  ['wrongKey', 'policy_bundle_signature_invalid'],
] as const;
const WHAT: Record<string, string> = { unsigned: 'unsigned', flipped: 'one byte of policy.wasm changed', added: 'a file added', wrongKey: 'signed with another key' };

beforeAll(async () => {
  [key, otherKey] = await Promise.all([devKey('RS256'), devKey('RS256')]);
  const build = (revision: string, sign?: DevKey) =>
    buildProjectBundle({ revision, ...(sign ? { sign } : {}) });
  [bundles.rev1, bundles.rev2, bundles.unsigned, bundles.wrongKey] = await Promise.all([build('rev-1', key), build('rev-2', key), build('rev-2'), build('rev-2', otherKey)]);
  // Tampered copies of the signed rev-2, in OPA's order and with OPA's names.
  const files = [...(await readTarGz(bundles.rev2))].map(([name, bytes]): [string, Uint8Array] => [`/${name}`, bytes]);
  bundles.flipped = writeTarGz(
    files.map(([name, bytes]): [string, Uint8Array] => {
      if (name !== '/policy.wasm') return [name, bytes];
      const copy = Buffer.from(bytes);
      copy[copy.length >> 1] = copy[copy.length >> 1]! ^ 0x01;
      return [name, copy];
    }),
  );
  bundles.added = writeTarGz([...files, ['/experience/extra.rego', Buffer.from('package experience.extra\n\nx := 1\n')]]);
  const dir = await mkdtemp(path.join(tmpdir(), 'xp-bundle-keys-'));
  keysFile = path.join(dir, 'bundle-keys.yaml');
  await writeFile(keysFile, keysYaml({ dev: { key } }));
}, 120_000);

interface Readyz {
  revision: { id: number; policy: string; bundle?: string };
  lastReload: { ok: boolean; at: string; trigger: string; issues?: Array<{ code: string; file: string; message: string }> };
  policyBundle?: { source: string; signed: boolean; revision?: string; lastSuccessAt?: string; refused: Record<string, number>; lastRefusal?: { code: string } };
}

/** The operators' /readyz (the public one shows neither the trigger nor the policy bundle). */
const readyz = async (b: TestBff) => (await b.metricsHttp().get('/readyz')).body as Readyz;
const metrics = async (b: TestBff) => (await b.metricsHttp().get('/metrics')).text;
const refusedMetric = (text: string, code: string) => Number(new RegExp(`^experience_policy_bundle_refused_total\\{code="${code}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);

/** A decision the real policy makes: hello may call /api/hello (allowed, proxied), not /api/orders. */
async function expectDecisions(b: TestBff): Promise<void> {
  const cookie = await login(b);
  const call = (p: string) => b.http().get(p).set('Host', 'localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
  expect((await call('/api/hello')).status).toBe(200);
  expect((await call('/api/orders')).status).toBe(403);
}

/** Replaces a file at once (rename), as a deployment does, so the watcher never reads half of it. */
async function replaceFile(file: string, bytes: Buffer): Promise<void> {
  const next = `${file}.next`;
  await writeFile(next, bytes);
  await rename(next, file);
}

let bff: TestBff | undefined;
afterEach(async () => {
  await bff?.close();
  bff = undefined;
});

describe('a bundle file (POLICY_BUNDLE)', () => {
  it('a signed bundle is accepted: decisions work and its revision shows in /readyz and the log', async () => {
    bff = await startBff(async (f) => {
      await writeFile(path.join(path.dirname(f.policyFile), 'bundle.tar.gz'), bundles.rev1);
      // POLICY_WASM points nowhere: the policy can only come from the bundle.
      return { POLICY_BUNDLE: path.join(path.dirname(f.policyFile), 'bundle.tar.gz'), POLICY_BUNDLE_KEYS: keysFile, POLICY_WASM: path.join(f.dir, 'missing.wasm') };
    });
    await expectDecisions(bff);
    const status = await readyz(bff);
    expect(status.revision.bundle).toBe('rev-1');
    expect(status.policyBundle).toMatchObject({ source: 'file', signed: true, revision: 'rev-1', refused: {} });
    expect(Date.parse(status.policyBundle!.lastSuccessAt!)).toBeGreaterThan(0);
    const listening = bff.logs().find((l) => l.msg === 'BFF listening') as { revision?: { bundle?: string } } | undefined;
    expect(listening?.revision?.bundle).toBe('rev-1');
    expect(await metrics(bff)).toMatch(/^experience_policy_bundle_last_success_timestamp_seconds\{source="file"\} [1-9]\d*(\.\d+)?$/m);
  });

  it('at reload, each unsigned, tampered or wrongly signed bundle is refused; the last good keeps serving; a good one is taken', async () => {
    let bundleFile = '';
    bff = await startBff(async (f) => {
      bundleFile = path.join(path.dirname(f.policyFile), 'bundle.tar.gz');
      await writeFile(bundleFile, bundles.rev1);
      return { POLICY_BUNDLE: bundleFile, POLICY_BUNDLE_KEYS: keysFile };
    });
    const b = bff;
    for (const [which, code] of REFUSED) {
      const { policyBundle: held, lastReload: previous } = await readyz(b);
      const before = held?.refused[code] ?? 0;
      const beforeAt = previous.at;
      const metricBefore = refusedMetric(await metrics(b), code);
      await replaceFile(bundleFile, bundles[which]);
      // The refusal is counted when the bundle is read, the reload's outcome once its build (the config) is done.
      await eventually(async () => {
        const now = await readyz(b);
        expect(now.policyBundle?.refused[code] ?? 0).toBeGreaterThan(before);
        expect(now.lastReload.at).not.toBe(beforeAt);
      }, `${which} refused`, 400);
      const status = await readyz(b);
      expect(status.lastReload).toMatchObject({ ok: false, trigger: 'policy' });
      expect(status.lastReload.issues?.[0]?.file).toBe('bundle.tar.gz');
      expect(status.revision).toMatchObject({ id: 1, bundle: 'rev-1' });
      expect(status.policyBundle?.lastRefusal?.code).toBe(code);
      expect(status.lastReload.issues?.[0]?.code, WHAT[which]).toBe(code);
      expect(refusedMetric(await metrics(b), code), WHAT[which]).toBeGreaterThan(metricBefore);
      await expectDecisions(b);
    }
    expect(await metrics(b)).toMatch(/^experience_config_last_reload_ok 0$/m);
    await replaceFile(bundleFile, bundles.rev2);
    await eventually(async () => expect((await readyz(b)).revision.bundle).toBe('rev-2'), 'rev-2 serving');
    expect((await readyz(b)).lastReload.ok).toBe(true);
    await expectDecisions(b);
  }, 60_000);
});

/** A loopback bundle server: ETag per bundle, 304 to a matching If-None-Match; counts what it was asked. */
async function bundleServer(first: Buffer) {
  let served = { bundle: first, etag: '"b1"' };
  const answers: Array<{ ifNoneMatch: string | undefined; status: number }> = [];
  const server = http.createServer((req, res) => {
    const ifNoneMatch = req.headers['if-none-match'];
    const status = ifNoneMatch === served.etag ? 304 : 200;
    answers.push({ ifNoneMatch, status });
    if (status === 304) return void res.writeHead(304, { ETag: served.etag }).end();
    res.writeHead(200, { 'Content-Type': 'application/gzip', ETag: served.etag }).end(served.bundle);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let n = 1;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/experience.tar.gz`,
    answers,
    /** Serves `bundle` from now on; returns its ETag. */
    serve(bundle: Buffer): string {
      served = { bundle, etag: `"b${++n}"` };
      return served.etag;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a bundle server (POLICY_BUNDLE_URL)', () => {
  let server: Awaited<ReturnType<typeof bundleServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('polls with If-None-Match (304 keeps the policy), refuses bad bundles at reload, takes a good one', async () => {
    server = await bundleServer(bundles.rev1);
    const s = server;
    bff = await startBff({ POLICY_BUNDLE_URL: s.url, POLICY_BUNDLE_KEYS: keysFile, POLICY_BUNDLE_POLL_S: '1' });
    const b = bff;
    await expectDecisions(b);
    expect((await readyz(b)).revision.bundle).toBe('rev-1');
    // Unchanged: the server answers 304 to the ETag it gave, and nothing is reloaded.
    await eventually(() => expect(s.answers.filter((a) => a.status === 304).length).toBeGreaterThanOrEqual(2), 'two 304s', 400);
    expect(s.answers[0]).toEqual({ ifNoneMatch: undefined, status: 200 });
    expect(s.answers.slice(1).every((a) => a.ifNoneMatch === '"b1"')).toBe(true);
    expect((await readyz(b)).revision.id).toBe(1);
    expect((await readyz(b)).lastReload.trigger).toBe('startup');

    for (const [which, code] of REFUSED) {
      const { policyBundle: held, lastReload: previous } = await readyz(b);
      const before = held?.refused[code] ?? 0;
      const beforeAt = previous.at;
      const etag = s.serve(bundles[which]);
      // The refusal is counted when the bundle is read, the reload's outcome once its build (the config) is done.
      await eventually(async () => {
        const now = await readyz(b);
        expect(now.policyBundle?.refused[code] ?? 0).toBeGreaterThan(before);
        expect(now.lastReload.at).not.toBe(beforeAt);
      }, `${which} refused`, 400);
      const status = await readyz(b);
      expect(status.lastReload).toMatchObject({ ok: false, trigger: 'policy-bundle' });
      expect(status.lastReload.issues?.[0]).toMatchObject({ code, file: 'experience.tar.gz' });
      expect(status.revision).toMatchObject({ id: 1, bundle: 'rev-1' });
      expect(status.policyBundle?.lastRefusal?.code).toBe(code);
      expect(refusedMetric(await metrics(b), code), WHAT[which]).toBe(before + 1);
      await expectDecisions(b);
      // Downloaded once: the refused bundle's ETag is asked with from then on.
      await eventually(() => expect(s.answers.at(-1)).toEqual({ ifNoneMatch: etag, status: 304 }), 'a 304 for the refused bundle', 400);
    }
    s.serve(bundles.rev2);
    await eventually(async () => expect((await readyz(b)).revision.bundle).toBe('rev-2'), 'rev-2 serving', 400);
    expect((await readyz(b)).lastReload).toMatchObject({ ok: true, trigger: 'policy-bundle' });
    await expectDecisions(b);
  }, 60_000);
});

describe('at start-up: the process exits non-zero with the code', () => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.remove();
    fixture = undefined;
  });

  async function run(env: Record<string, string>, dir: string, untilListening = false) {
    const child = spawn(process.execPath, ['--import', TSX, MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
        PLUGINS_CONFIG: 'config/plugins.yaml',
        GRANTS_CONFIG: 'config/grants.yaml',
        POLICY_WASM: 'missing.wasm',
        PLUGINS_ROOT: 'plugins',
        WEB_ROOT: 'web',
        UPSTREAM_URL: 'http://127.0.0.1:9',
        EXPERIENCE_VERSION: '1.4.0',
        SESSION_KEYS: 'policy-bundle-session-key-0123456789abcdef',
        CONFIG_WATCH: 'false',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (untilListening && stdout.includes('"BFF listening"')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A process that starts when it should not is stopped, and the test fails on its exit code.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    return { code, stdout, stderr };
  }

  async function withBundle(bytes: Buffer): Promise<string> {
    fixture = await createFixture({ downUrl: 'http://127.0.0.1:9' });
    expect(path.relative(fixture.dir, fixture.pluginsFile)).toBe(path.join('config', 'plugins.yaml'));
    await writeFile(path.join(fixture.dir, 'bundle.tar.gz'), bytes);
    await writeFile(path.join(fixture.dir, 'keys.yaml'), keysYaml({ dev: { key } }));
    return fixture.dir;
  }

  it('starts with a signed bundle (the harness itself works)', async () => {
    const dir = await withBundle(bundles.rev1);
    const { stdout } = await run({ POLICY_BUNDLE: 'bundle.tar.gz', POLICY_BUNDLE_KEYS: 'keys.yaml' }, dir, true);
    expect(stdout).toContain('"BFF listening"');
    expect(stdout).toContain('"bundle":"rev-1"');
  }, 30_000);

  it.each(REFUSED.map(([which, code]) => [WHAT[which], which, code] as const))('%s', async (_what, which, code) => {
    const dir = await withBundle(bundles[which]);
    const { code: exit, stdout, stderr } = await run({ POLICY_BUNDLE: 'bundle.tar.gz', POLICY_BUNDLE_KEYS: 'keys.yaml' }, dir);
    expect(exit).toBe(1);
    expect(stdout).not.toContain('"BFF listening"');
    expect(stderr).toContain('experience-bff: the policy cannot be loaded:\n');
    expect(stderr).toMatch(new RegExp(`^  bundle\\.tar\\.gz  \\[${code}\\]  \\S`, 'm'));
    expect(stderr).not.toContain(dir);
  }, 30_000);

  it.each([
    ['a keys file that is not the documented shape', async (dir: string) => writeFile(path.join(dir, 'keys.yaml'), 'keys: {}\n'), 'policy_bundle_keys_invalid', 'keys.yaml'],
    ['a missing bundle', async (dir: string) => rm(path.join(dir, 'bundle.tar.gz')), 'policy_bundle_unreadable', 'bundle.tar.gz'],
  ])('%s', async (_what, breakIt, code, file) => {
    const dir = await withBundle(bundles.rev1);
    await breakIt(dir);
    const { code: exit, stderr } = await run({ POLICY_BUNDLE: 'bundle.tar.gz', POLICY_BUNDLE_KEYS: 'keys.yaml' }, dir);
    expect(exit).toBe(1);
    expect(stderr).toMatch(new RegExp(`^  ${file.replace('.', '\\.')}  \\[${code}\\]  \\S`, 'm'));
  }, 30_000);

  it('an unreachable bundle server', async () => {
    const dir = await withBundle(bundles.rev1);
    const url = `${await closedPortUrl()}/bundles/b.tar.gz?token=do-not-print`;
    const { code: exit, stderr } = await run({ POLICY_BUNDLE_URL: url, POLICY_BUNDLE_KEYS: 'keys.yaml' }, dir);
    expect(exit).toBe(1);
    expect(stderr).toMatch(/^  http:\/\/127\.0\.0\.1:\d+\/bundles\/b\.tar\.gz  \[policy_bundle_unreadable\]  the bundle server did not answer/m);
    expect(stderr).not.toContain('do-not-print');
  }, 30_000);

  it('keys without a bundle, or a bundle server without keys in production, is a settings error', async () => {
    const dir = await withBundle(bundles.rev1);
    const keysOnly = await run({ POLICY_BUNDLE_KEYS: 'keys.yaml' }, dir);
    expect(keysOnly.code).toBe(2);
    expect(keysOnly.stderr).toContain('POLICY_BUNDLE_KEYS is set but no bundle is');
    const unsignedServer = await run({ NODE_ENV: 'production', POLICY_BUNDLE_URL: 'http://127.0.0.1:9/b.tar.gz' }, dir);
    expect(unsignedServer.code).toBe(2);
    expect(unsignedServer.stderr).toContain('POLICY_BUNDLE_URL needs POLICY_BUNDLE_KEYS in production');
  }, 30_000);
});
