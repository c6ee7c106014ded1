/**
 * A reload applies every field of plugins.yaml and grants.yaml, not only what is compiled into
 * data.registry: one case per field, each changed alone through a running BFF, checking that the
 * NEW value serves and that the revision changed; and edits that change nothing (comments,
 * layout, quoting) leaving the revision as it was. Cases marked `inData: false` are the ones a
 * reload used to drop as "nothing changed".
 */
import { createHash } from 'node:crypto';
import { copyFile, readFile, rename, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/program.js';
import { MemoryRateLimiter } from '../../src/server/index.js';
import { eventually, login, startBff, type TestBff } from './support/bff.js';
import { HELLO_JS, ORDERS_JS } from './support/fixture.js';
import { openSse } from './support/sse.js';
import { startRecordingUpstream, type RecordingUpstream } from './support/upstream.js';

const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const OTHER_PIN = sha256('bytes nobody built');
const REBUILT_JS = Buffer.from('export default { id: "hello", components: {}, rebuilt: true };\n');
const NEXT_JS = Buffer.from('export default { id: "orders", next: true };\n');
const TAMPERED_PIN_LINE = `        integrity: "${sha256('the bytes the operator signed off')}"\n`;
const DEV_A = 'export default { id: "devplug", from: "a" };\n';
const DEV_B = 'export default { id: "devplug", from: "b" };\n';
const ROLES = ['member', 'dashboard-user'];

interface Ctx {
  b: TestBff;
  cookie: string;
  /** A second upstream service, for routing changes. */
  second: RecordingUpstream;
  /** The rate limiter's clock (ms): frozen unless a case moves it, so token counts are exact. */
  clock: { now: number };
  /** What a case's `before` hands to its `after` (a cookie, an ETag). */
  memo: Record<string, string>;
}

interface Revision {
  id: number;
  policy: string;
  data: string;
  config: string;
  loadedAt: string;
}

/** Replaces the first occurrence; an edit that matches nothing is a broken test, not a no-op. */
function replaceFirst(text: string, from: string | RegExp, to: string): string {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit did not apply: ${String(from)}`);
  return next;
}

/** Write then rename, as editors and config tools do. */
async function rewrite(file: string, edit: (text: string) => string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const next = edit(text);
  if (next === text) throw new Error(`the edit changed nothing in ${path.basename(file)}`);
  await writeFile(`${file}.tmp`, next);
  await rename(`${file}.tmp`, file);
}

const plugins = (c: Ctx, from: string | RegExp, to: string) => rewrite(c.b.fixture.pluginsFile, (t) => replaceFirst(t, from, to));
const grants = (c: Ctx, from: string | RegExp, to: string) => rewrite(c.b.fixture.grantsFile, (t) => replaceFirst(t, from, to));

async function revision(b: TestBff): Promise<Revision> {
  return (await b.http().get('/readyz')).body.revision as Revision;
}

async function reload(c: Ctx): Promise<void> {
  expect(await c.b.running.reloader.reload('test')).toMatchObject({ ok: true, trigger: 'test' });
}

async function bundle(c: Ctx, id: string, version: string, host = 'localhost', cookie = c.cookie) {
  const res = await c.b
    .http()
    .get(`/api/plugins/bundle?entry=${encodeURIComponent(`${id}@${version}`)}&id=${encodeURIComponent(id)}`)
    .set('Host', host)
    .set('Cookie', cookie)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (chunk: Buffer) => chunks.push(chunk));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return { status: res.status, body: res.body as Buffer, etag: res.headers.etag as string | undefined };
}

async function expectBundle(c: Ctx, id: string, version: string, bytes: Buffer | string): Promise<void> {
  const res = await bundle(c, id, version);
  expect(res.status).toBe(200);
  expect(res.body.toString('utf8')).toBe(bytes.toString());
}

const call = (c: Ctx, plugin: string, apiPath: string, host = 'localhost', cookie = c.cookie) =>
  c.b.http().get(apiPath).set('Host', host).set('Cookie', cookie).set('X-Plugin-Id', plugin);

/** Statuses of `n` calls in a row. */
async function burst(c: Ctx, plugin: string, apiPath: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await call(c, plugin, apiPath)).status);
  return statuses;
}

interface Manifest {
  revision: string;
  plugins: Array<{ id: string; version: string; devUrl?: string; integrity?: string; contributions: { routes: Array<{ path: string }> } }>;
}

async function manifests(c: Ctx, host = 'localhost', cookie = c.cookie): Promise<{ status: number; body: Manifest }> {
  const res = await c.b.http().get('/api/plugins/manifests').set('Host', host).set('Cookie', cookie);
  return { status: res.status, body: res.body as Manifest };
}

/** `experience-plugins hash --write <bundle>...` against the fixture, run as a function. */
async function hashWrite(c: Ctx, ...bundles: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: Io = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {}, cwd: c.b.fixture.dir };
  const args = ['hash', '--write', '--config', c.b.fixture.pluginsFile, '--plugins-root', c.b.fixture.pluginsRoot, ...bundles];
  const code = await run(args, io);
  return { code, out };
}

/** Two dev servers on loopback (bundle.url cases). */
let devA: http.Server;
let devB: http.Server;
const devUrl = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/src/index.js`;

function devServer(js: string): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(js);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  [devA, devB] = await Promise.all([devServer(DEV_A), devServer(DEV_B)]);
});
afterAll(async () => {
  for (const server of [devA, devB]) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

let open: Ctx | undefined;
afterEach(async () => {
  await open?.b.close();
  await open?.second.close();
  open = undefined;
});

async function start(env: Record<string, string> = {}): Promise<Ctx> {
  const clock = { now: 0 };
  const second = await startRecordingUpstream();
  // Explicit reloads: each case knows exactly when its change is loaded.
  const b = await startBff({ CONFIG_WATCH: 'false', ...env }, { limiter: new MemoryRateLimiter({ now: () => clock.now }) });
  open = { b, cookie: await login(b), second, clock, memo: {} };
  return open;
}

interface FieldCase {
  name: string;
  /** Whether the field is compiled into data.registry (the only thing a reload used to compare). */
  inData: boolean;
  env?: Record<string, string>;
  /** Brings the BFF to the starting state (may edit and reload); its revision is the "before". */
  setup?(c: Ctx): Promise<void>;
  /** The old value is serving. */
  before(c: Ctx): Promise<void>;
  /** Changes the one field in the files. */
  edit(c: Ctx): Promise<void>;
  /** The new value is serving. */
  after(c: Ctx): Promise<void>;
}

const DEVPLUG = (url: string) =>
  `    - id: devplug\n      version: "0.0.1"\n      engine: { experience: ">=1.0.0 <2.0.0" }\n      bundle: { url: "${url}" }\n      permissions: { api: [], sse: [] }\n      contributions: { routes: [], widgets: [] }\n  acme.localhost:\n`;

const NEW_TENANT = `  new.localhost:
    - id: hello
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle: { file: /app/plugins/hello/1.0.0/index.esm.js }
      permissions:
        api:
          - { method: GET, path: /api/hello }
        sse: []
      contributions: { routes: [], widgets: [] }
upstreams:
`;

const FIELDS: FieldCase[] = [
  {
    name: 'bundle.integrity added (200 becomes 409 for bytes that do not match the new pin)',
    inData: false,
    before: (c) => expectBundle(c, 'orders', '2.1.0', ORDERS_JS),
    edit: (c) => plugins(c, '        file: /app/plugins/orders/2.1.0/index.esm.js\n', `        file: /app/plugins/orders/2.1.0/index.esm.js\n        integrity: "${OTHER_PIN}"\n`),
    after: async (c) => {
      expect((await bundle(c, 'orders', '2.1.0')).status).toBe(409);
      expect((await manifests(c)).body.plugins.find((p) => p.id === 'orders')?.integrity).toBe(OTHER_PIN);
    },
  },
  {
    name: 'bundle.integrity tightened (200 becomes 409, also for a browser revalidating its copy)',
    inData: false,
    before: async (c) => {
      const res = await bundle(c, 'hello', '1.0.0');
      expect(res.status).toBe(200);
      expect(res.body.equals(HELLO_JS)).toBe(true);
      c.memo['etag'] = res.etag ?? '';
    },
    edit: (c) => plugins(c, sha256(HELLO_JS), OTHER_PIN),
    after: async (c) => {
      expect((await bundle(c, 'hello', '1.0.0')).status).toBe(409);
      // A browser revalidating the copy it holds gets the refusal, not a 304.
      const revalidated = await c.b.http().get('/api/plugins/bundle?entry=hello%401.0.0&id=hello').set('Host', 'localhost').set('Cookie', c.cookie).set('If-None-Match', c.memo['etag'] ?? '');
      expect(revalidated.status).toBe(409);
    },
  },
  {
    name: 'bundle.integrity updated by `hash --write` after a rebuild (409 becomes 200)',
    inData: false,
    setup: (c) => writeFile(path.join(c.b.fixture.pluginsRoot, 'hello', '1.0.0', 'index.esm.js'), REBUILT_JS),
    before: async (c) => expect((await bundle(c, 'hello', '1.0.0')).status).toBe(409),
    edit: async (c) => {
      const result = await hashWrite(c, '/app/plugins/hello/1.0.0/index.esm.js');
      expect(result.code, result.out).toBe(0);
      expect(result.out).toContain(`updated to ${sha256(REBUILT_JS)}`);
    },
    after: (c) => expectBundle(c, 'hello', '1.0.0', REBUILT_JS),
  },
  {
    name: 'bundle.integrity removed (409 becomes 200)',
    inData: false,
    before: async (c) => expect((await bundle(c, 'tampered', '1.0.0')).status).toBe(409),
    edit: (c) => plugins(c, TAMPERED_PIN_LINE, ''),
    after: async (c) => {
      const res = await bundle(c, 'tampered', '1.0.0');
      expect(res.status).toBe(200);
      expect(res.body.toString('utf8')).toBe(c.b.fixture.bundles['tampered']?.toString('utf8'));
    },
  },
  {
    name: 'bundle.file repointed (the new file serves, with its own ETag)',
    inData: false,
    setup: (c) => writeFile(path.join(c.b.fixture.pluginsRoot, 'orders', '2.1.0', 'next.esm.js'), NEXT_JS),
    before: async (c) => {
      await expectBundle(c, 'orders', '2.1.0', ORDERS_JS);
      c.memo['etag'] = (await bundle(c, 'orders', '2.1.0')).etag ?? '';
    },
    edit: (c) => plugins(c, 'file: /app/plugins/orders/2.1.0/index.esm.js', 'file: /app/plugins/orders/2.1.0/next.esm.js'),
    after: async (c) => {
      await expectBundle(c, 'orders', '2.1.0', NEXT_JS);
      const revalidated = await bundle(c, 'orders', '2.1.0');
      expect(revalidated.etag).toBeTruthy();
      expect(revalidated.etag).not.toBe(c.memo['etag']);
    },
  },
  {
    name: 'bundle.url changed in development (the new dev server is fetched, devUrl says so)',
    inData: false,
    env: { NODE_ENV: 'development' },
    setup: async (c) => {
      await plugins(c, '  acme.localhost:\n', DEVPLUG(devUrl(devA)));
      await reload(c);
    },
    before: (c) => expectBundle(c, 'devplug', '0.0.1', DEV_A),
    edit: (c) => plugins(c, devUrl(devA), devUrl(devB)),
    after: async (c) => {
      await expectBundle(c, 'devplug', '0.0.1', DEV_B);
      expect((await manifests(c)).body.plugins.find((p) => p.id === 'devplug')?.devUrl).toBe(devUrl(devB));
    },
  },
  {
    name: 'rateLimit tightened (the new capacity applies to the existing bucket at once)',
    inData: false,
    before: async (c) => expect(await burst(c, 'orders', '/api/orders', 5)).toEqual([200, 200, 200, 200, 200]),
    edit: (c) => plugins(c, 'rateLimit: { requestsPerSecond: 1000, burst: 1000 }', 'rateLimit: { requestsPerSecond: 1, burst: 1 }'),
    after: async (c) => expect(await burst(c, 'orders', '/api/orders', 3)).toEqual([200, 200, 429]),
  },
  {
    name: 'rateLimit loosened (refills at the new rate: 5 in the next second where the old rate gave 1)',
    inData: false,
    before: async (c) => expect(await burst(c, 'limited', '/api/hello', 3)).toEqual([200, 200, 429]),
    edit: (c) => plugins(c, 'rateLimit: { requestsPerSecond: 1, burst: 1 }', 'rateLimit: { requestsPerSecond: 5, burst: 5 }'),
    after: async (c) => {
      expect(await burst(c, 'limited', '/api/hello', 1)).toEqual([429]);
      c.clock.now += 1000;
      expect(await burst(c, 'limited', '/api/hello', 6)).toEqual([200, 200, 200, 200, 200, 429]);
    },
  },
  {
    name: 'rateLimit removed (the server default applies)',
    inData: false,
    env: { RATE_LIMIT_RPS: '3', RATE_LIMIT_BURST: '0' },
    before: async (c) => expect(await burst(c, 'limited', '/api/hello', 3)).toEqual([200, 200, 429]),
    edit: (c) => plugins(c, '      rateLimit: { requestsPerSecond: 1, burst: 1 }\n', ''),
    after: async (c) => {
      c.clock.now += 1000;
      expect(await burst(c, 'limited', '/api/hello', 4)).toEqual([200, 200, 200, 429]);
    },
  },
  {
    name: "upstreams: a route's url changed (the new upstream receives the call)",
    inData: false,
    before: async (c) => expect((await call(c, 'orders', '/api/down/status')).status).toBe(502),
    edit: (c) => plugins(c, /(- \{ prefix: \/api\/down, url: )"[^"]+"/, `$1"${c.second.url}"`),
    after: async (c) => {
      expect((await call(c, 'orders', '/api/down/status')).status).toBe(200);
      expect(c.second.received.map((r) => r.url)).toEqual(['/api/down/status']);
    },
  },
  {
    name: 'upstreams: a route added (calls under its prefix go to it, others do not)',
    inData: false,
    before: async (c) => {
      expect((await call(c, 'orders', '/api/orders')).status).toBe(200);
      expect(c.b.upstream.saw('/api/orders')).toBe(true);
    },
    edit: (c) => plugins(c, 'upstreams:\n', `upstreams:\n  - { prefix: /api/orders, url: "${c.second.url}" }\n`),
    after: async (c) => {
      c.b.upstream.clear();
      expect((await call(c, 'orders', '/api/orders')).status).toBe(200);
      expect((await call(c, 'orders', '/api/catalog/x')).status).toBe(200);
      expect(c.second.received.map((r) => r.url)).toEqual(['/api/orders']);
      expect(c.b.upstream.received.map((r) => r.url)).toEqual(['/api/catalog/x']);
    },
  },
  {
    name: 'upstreams: a route removed (UPSTREAM_URL takes its calls)',
    inData: false,
    before: async (c) => expect((await call(c, 'orders', '/api/down/status')).status).toBe(502),
    edit: (c) => plugins(c, /\s+- \{ prefix: \/api\/down, url: "[^"]+" \}/, ' []'),
    after: async (c) => {
      expect((await call(c, 'orders', '/api/down/status')).status).toBe(200);
      expect(c.b.upstream.saw('/api/down/status')).toBe(true);
    },
  },
  {
    name: 'engine range narrowed, still compatible (the model serving holds the new range)',
    inData: false,
    before: async (c) => expect(c.b.running.reloader.current().config.tenants['localhost']?.[0]?.engine.experience).toBe('>=1.0.0 <2.0.0'),
    edit: (c) => plugins(c, 'engine: { experience: ">=1.0.0 <2.0.0" }', 'engine: { experience: ">=1.4.0 <2.0.0" }'),
    after: async (c) => {
      expect(c.b.running.reloader.current().config.tenants['localhost']?.[0]?.engine.experience).toBe('>=1.4.0 <2.0.0');
      await expectBundle(c, 'hello', '1.0.0', HELLO_JS);
    },
  },
  {
    name: 'engine range excludes the host (the plugin is no longer offered or served)',
    inData: true,
    before: async (c) => expect((await manifests(c)).body.plugins.map((p) => p.id)).toContain('hello'),
    edit: (c) => plugins(c, 'engine: { experience: ">=1.0.0 <2.0.0" }', 'engine: { experience: ">=2.0.0 <3.0.0" }'),
    after: async (c) => {
      expect((await manifests(c)).body.plugins.map((p) => p.id)).not.toContain('hello');
      expect((await bundle(c, 'hello', '1.0.0')).status).toBe(404);
    },
  },
  {
    name: 'version changed (the new entry serves, the old one is gone)',
    inData: true,
    before: async (c) => {
      expect((await bundle(c, 'orders', '2.1.0')).status).toBe(200);
      expect((await bundle(c, 'orders', '2.2.0')).status).toBe(404);
    },
    edit: (c) => plugins(c, 'version: "2.1.0"', 'version: "2.2.0"'),
    after: async (c) => {
      expect((await bundle(c, 'orders', '2.1.0')).status).toBe(404);
      await expectBundle(c, 'orders', '2.2.0', ORDERS_JS);
    },
  },
  {
    name: 'contributions: a route moved',
    inData: true,
    before: async (c) => expect((await manifests(c)).body.plugins.find((p) => p.id === 'hello')?.contributions.routes.map((r) => r.path)).toEqual(['/hello']),
    edit: (c) => plugins(c, '{ path: /hello, component: Hello,', '{ path: /hi, component: Hello,'),
    after: async (c) => expect((await manifests(c)).body.plugins.find((p) => p.id === 'hello')?.contributions.routes.map((r) => r.path)).toEqual(['/hi']),
  },
  {
    name: 'permissions.api: an entry added (403 becomes 200)',
    inData: true,
    before: async (c) => expect((await call(c, 'hello', '/api/orders')).status).toBe(403),
    edit: (c) => plugins(c, '          - { method: GET, path: /api/hello }\n', '          - { method: GET, path: /api/hello }\n          - { method: GET, path: /api/orders }\n'),
    after: async (c) => expect((await call(c, 'hello', '/api/orders')).status).toBe(200),
  },
  {
    name: 'permissions.sse: a topic added (403 becomes a stream)',
    inData: true,
    before: async (c) => {
      const refused = await openSse(`${c.b.url}/events/stream?topics=orders`, { cookie: c.cookie, 'x-plugin-id': 'hello' });
      expect(refused.status).toBe(403);
    },
    edit: (c) => plugins(c, '          - { method: GET, path: /api/hello }\n        sse: []\n', '          - { method: GET, path: /api/hello }\n        sse: [orders]\n'),
    after: async (c) => {
      const stream = await openSse(`${c.b.url}/events/stream?topics=orders`, { cookie: c.cookie, 'x-plugin-id': 'hello' });
      expect(stream.status).toBe(200);
      stream.close();
    },
  },
  {
    name: 'grants: a role loses a grant (its route is no longer offered)',
    inData: true,
    before: async (c) => expect((await manifests(c)).body.plugins.flatMap((p) => p.contributions.routes.map((r) => r.path))).toContain('/orders'),
    edit: (c) => grants(c, '        - { resource: orders.page, action: view }\n', ''),
    after: async (c) => expect((await manifests(c)).body.plugins.flatMap((p) => p.contributions.routes.map((r) => r.path))).not.toContain('/orders'),
  },
  {
    name: 'tenant added (its host is served)',
    inData: true,
    before: async (c) => expect((await c.b.http().post('/auth/dev/login').set('Host', 'new.localhost').send({ user: 'alice', roles: ROLES })).status).toBe(404),
    edit: (c) => plugins(c, 'upstreams:\n', NEW_TENANT),
    after: async (c) => {
      const cookie = await login(c.b, 'alice', ROLES, 'new.localhost');
      expect((await call(c, 'hello', '/api/hello', 'new.localhost', cookie)).status).toBe(200);
      expect(c.b.upstream.received.at(-1)?.headers['x-experience-tenant']).toBe('new.localhost');
    },
  },
  {
    name: 'tenant removed from both files in one change (its host is no longer served)',
    inData: true,
    before: async (c) => {
      c.memo['acme'] = await login(c.b, 'alice', ROLES, 'acme.localhost');
      expect((await manifests(c, 'acme.localhost', c.memo['acme'])).status).toBe(200);
    },
    edit: async (c) => {
      await plugins(c, /  acme\.localhost:\n[\s\S]*?(?=upstreams:)/, '');
      await grants(c, /  acme\.localhost:\n[\s\S]*$/, '');
    },
    after: async (c) => {
      const res = await c.b.http().get('/api/plugins/manifests').set('Host', 'acme.localhost').set('Cookie', c.memo['acme'] ?? '');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('unknown_tenant');
    },
  },
];

async function metricLine(b: TestBff, name: string): Promise<string | undefined> {
  return (await b.http().get('/metrics')).text.split('\n').find((l) => l.startsWith(`${name} `));
}

describe('a reload applies every config field, each changed alone', () => {
  it.each(FIELDS.map((f) => [f.name, f] as const))('%s', async (_name, field) => {
    const c = await start(field.env);
    await field.setup?.(c);
    const before = await revision(c.b);
    const manifestBefore = (await manifests(c)).body.revision;
    await field.before(c);

    await field.edit(c);
    await reload(c);

    const after = await revision(c.b);
    expect(after.id).toBe(before.id + 1);
    expect(after.config).not.toBe(before.config);
    expect(after.policy).toBe(before.policy);
    // The compiled data moves only for the fields it holds: the others are what was dropped.
    if (field.inData) expect(after.data).not.toBe(before.data);
    else expect(after.data).toBe(before.data);
    expect(await metricLine(c.b, 'experience_config_revision')).toBe(`experience_config_revision ${after.id}`);
    expect((await manifests(c)).body.revision).not.toBe(manifestBefore);
    expect(c.b.logs().some((l) => l.msg === 'reload: new policy/config serving')).toBe(true);
    await field.after(c);
  });
});

interface NoopCase {
  name: string;
  edit(c: Ctx): Promise<void>;
}

const NOOPS: NoopCase[] = [
  { name: 'a comment added to plugins.yaml', edit: (c) => plugins(c, 'tenants:\n', '# reviewed by ops\ntenants:\n') },
  { name: 'a comment added to grants.yaml', edit: (c) => grants(c, 'tenants:\n', 'tenants: # per host\n') },
  { name: 'trailing spaces and blank lines', edit: (c) => rewrite(c.b.fixture.pluginsFile, (t) => `${t.replace(/\n/g, '  \n')}\n\n`) },
  { name: 'a flow mapping written as a block', edit: (c) => plugins(c, 'rateLimit: { requestsPerSecond: 1000, burst: 1000 }', 'rateLimit:\n        requestsPerSecond: 1000\n        burst: 1000') },
  { name: 'keys in another order', edit: (c) => plugins(c, '{ method: GET, path: /api/hello }', '{ path: /api/hello, method: GET }') },
  { name: 'other quoting', edit: (c) => plugins(c, 'version: "2.1.0"', "version: '2.1.0'") },
  { name: 'policy.wasm rewritten with the same bytes', edit: (c) => copyFile(c.b.fixture.policyFile, `${c.b.fixture.policyFile}.tmp`).then(() => rename(`${c.b.fixture.policyFile}.tmp`, c.b.fixture.policyFile)) },
];

describe('a reload of an edit that changes no field keeps the revision', () => {
  it.each(NOOPS.map((n) => [n.name, n] as const))('%s', async (_name, noop) => {
    const c = await start();
    const before = await revision(c.b);
    const snapshot = c.b.running.reloader.current();
    await noop.edit(c);
    await reload(c);
    expect(await revision(c.b)).toEqual(before);
    expect(c.b.running.reloader.current()).toBe(snapshot);
    expect(c.b.logs().some((l) => l.msg === 'reload: nothing changed')).toBe(true);
    expect(await metricLine(c.b, 'experience_config_revision')).toBe('experience_config_revision 1');
    await expectBundle(c, 'hello', '1.0.0', HELLO_JS);
  });
});

describe('through the file watcher, with no explicit reload', () => {
  const watched = () => start({ CONFIG_WATCH: 'true' });

  it('`hash --write` after a rebuild: 409 becomes 200', async () => {
    const c = await watched();
    await writeFile(path.join(c.b.fixture.pluginsRoot, 'hello', '1.0.0', 'index.esm.js'), REBUILT_JS);
    expect((await bundle(c, 'hello', '1.0.0')).status).toBe(409);
    expect((await hashWrite(c, '/app/plugins/hello/1.0.0/index.esm.js')).code).toBe(0);
    await eventually(async () => expect((await bundle(c, 'hello', '1.0.0')).status).toBe(200), 'the re-pinned bundle');
    await expectBundle(c, 'hello', '1.0.0', REBUILT_JS);
    expect((await revision(c.b)).id).toBe(2);
  });

  it('a tightened pin: 200 becomes 409', async () => {
    const c = await watched();
    await expectBundle(c, 'hello', '1.0.0', HELLO_JS);
    await plugins(c, sha256(HELLO_JS), OTHER_PIN);
    await eventually(async () => expect((await bundle(c, 'hello', '1.0.0')).status).toBe(409), 'the tightened pin');
  });

  it('a comment-only edit is reloaded and keeps the revision', async () => {
    const c = await watched();
    const before = await revision(c.b);
    const last = c.b.running.reloader.status().last;
    await plugins(c, 'tenants:\n', '# a note\ntenants:\n');
    await eventually(() => expect(c.b.running.reloader.status().last).not.toBe(last), 'the watcher to reload');
    expect(c.b.running.reloader.status().last).toMatchObject({ ok: true, trigger: 'plugins' });
    expect(await revision(c.b)).toEqual(before);
  });
});

// Not a config change: the bundle files are read per request (cached by inode, size and mtime),
// so replaced bytes serve from the next request and the revision stays; a pin keeps guarding.
describe('bundle bytes replaced on disk, config unchanged', () => {
  it('an unpinned bundle serves the new bytes at once; a pinned one is refused until re-pinned', async () => {
    const c = await start();
    const before = await revision(c.b);
    await expectBundle(c, 'orders', '2.1.0', ORDERS_JS);
    await expectBundle(c, 'hello', '1.0.0', HELLO_JS);
    await writeFile(path.join(c.b.fixture.pluginsRoot, 'orders', '2.1.0', 'index.esm.js'), NEXT_JS);
    await writeFile(path.join(c.b.fixture.pluginsRoot, 'hello', '1.0.0', 'index.esm.js'), REBUILT_JS);
    await expectBundle(c, 'orders', '2.1.0', NEXT_JS);
    expect((await bundle(c, 'hello', '1.0.0')).status).toBe(409);
    expect(await revision(c.b)).toEqual(before);
  });
});
