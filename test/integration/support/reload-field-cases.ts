/**
 * The cases of test/integration/reload-fields.test.ts: one per config field, each changing only
 * that field, and edits that change no field at all.
 */
import { copyFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { HELLO_JS, ORDERS_JS } from './fixture.js';
import {
  bundle, burst, call, expectBundle, grants, hashWrite, manifests, plugins, reload, rewrite, sha256, type Ctx,
} from './reload-kit.js';
import { login } from './bff.js';
import { openSse } from './sse.js';

export const OTHER_PIN = sha256('bytes nobody built');
export const REBUILT_JS = Buffer.from('export default { id: "hello", components: {}, rebuilt: true };\n');
export const NEXT_JS = Buffer.from('export default { id: "orders", next: true };\n');
export const DEV_A = 'export default { id: "devplug", from: "a" };\n';
export const DEV_B = 'export default { id: "devplug", from: "b" };\n';
const TAMPERED_PIN_LINE = `        integrity: "${sha256('the bytes the operator signed off')}"\n`;
const ROLES = ['member', 'dashboard-user'];

export interface FieldCase {
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

export const FIELDS: FieldCase[] = [
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
      await plugins(c, '  acme.localhost:\n', DEVPLUG(c.dev.a));
      await reload(c);
    },
    before: (c) => expectBundle(c, 'devplug', '0.0.1', DEV_A),
    edit: (c) => plugins(c, c.dev.a, c.dev.b),
    after: async (c) => {
      await expectBundle(c, 'devplug', '0.0.1', DEV_B);
      expect((await manifests(c)).body.plugins.find((p) => p.id === 'devplug')?.devUrl).toBe(c.dev.b);
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

export interface NoopCase {
  name: string;
  edit(c: Ctx): Promise<void>;
}

export const NOOPS: NoopCase[] = [
  { name: 'a comment added to plugins.yaml', edit: (c) => plugins(c, 'tenants:\n', '# reviewed by ops\ntenants:\n') },
  { name: 'a comment added to grants.yaml', edit: (c) => grants(c, 'tenants:\n', 'tenants: # per host\n') },
  { name: 'trailing spaces and blank lines', edit: (c) => rewrite(c.b.fixture.pluginsFile, (t) => `${t.replace(/\n/g, '  \n')}\n\n`) },
  { name: 'a flow mapping written as a block', edit: (c) => plugins(c, 'rateLimit: { requestsPerSecond: 1000, burst: 1000 }', 'rateLimit:\n        requestsPerSecond: 1000\n        burst: 1000') },
  { name: 'keys in another order', edit: (c) => plugins(c, '{ method: GET, path: /api/hello }', '{ path: /api/hello, method: GET }') },
  { name: 'other quoting', edit: (c) => plugins(c, 'version: "2.1.0"', "version: '2.1.0'") },
  { name: 'policy.wasm rewritten with the same bytes', edit: (c) => copyFile(c.b.fixture.policyFile, `${c.b.fixture.policyFile}.tmp`).then(() => rename(`${c.b.fixture.policyFile}.tmp`, c.b.fixture.policyFile)) },
];
