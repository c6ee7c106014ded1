import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProxiedSecurityHeaders, expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';

let bff: TestBff;
let cookie: string;

beforeAll(async () => {
  bff = await startBff();
  cookie = await login(bff, 'alice', ['member', 'dashboard-user']);
});
afterAll(async () => {
  await bff?.close();
});

const call = (method: 'get' | 'post' | 'delete' | 'put', path: string, plugin?: string) => {
  const req = bff.http()[method](path).set('Host', 'localhost').set('Cookie', cookie);
  return plugin === undefined ? req : req.set('X-Plugin-Id', plugin);
};

describe('plugin API calls', () => {
  it('403 without X-Plugin-Id; the upstream sees nothing', async () => {
    bff.upstream.clear();
    const res = await call('get', '/api/hello');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ code: 'missing_plugin_id', message: expect.any(String) });
    expect(res.headers['x-allowlist-violation']).toBeUndefined();
    expectSecurityHeaders(res);
    expect(bff.upstream.received).toHaveLength(0);
  });

  it('403 with X-Allowlist-Violation when not on the plugin\'s allow-list; the code is the policy\'s reason; nothing echoed', async () => {
    bff.upstream.clear();
    for (const [method, path, plugin, code] of [
      ['get', '/api/orders', 'hello', 'allowlist_violation'],
      ['put', '/api/orders/1', 'orders', 'allowlist_violation'],
      ['get', '/api/orders/1/notes', 'orders', 'allowlist_violation'],
      ['get', '/api/hello', 'nobody', 'unknown_plugin'],
      ['get', '/api/hello', 'legacy', 'incompatible_plugin'],
    ] as const) {
      const res = await call(method, path, plugin);
      expect(res.status, `${method} ${path} as ${plugin}`).toBe(403);
      expect(res.headers['x-allowlist-violation']).toBe('1');
      expect(res.body.code).toBe(code);
      expect(res.text).not.toContain('/api/');
    }
    expect(bff.upstream.received).toHaveLength(0);
  });

  it('forwards an allowed call with the same method, path and query, and identity the upstream can trust', async () => {
    bff.upstream.clear();
    const res = await call('get', '/api/catalog/coffee/beans?sort=price&q=a%2Fb&q=2', 'orders')
      .set('X-Experience-User', 'root')
      .set('X-Experience-Tenant', 'acme.localhost')
      .set('X-Experience-Roles', 'admin')
      .set('X-Forwarded-For', '6.6.6.6')
      .set('Accept', 'application/json');
    expect(res.status).toBe(200);
    const seen = bff.upstream.received;
    expect(seen).toHaveLength(1);
    const got = seen[0]!;
    expect(got.method).toBe('GET');
    expect(got.url).toBe('/api/catalog/coffee/beans?sort=price&q=a%2Fb&q=2');
    expect(got.headers['x-experience-tenant']).toBe('localhost');
    expect(got.headers['x-experience-user']).toBe('alice');
    expect(got.headers['x-experience-roles']).toBe('member,dashboard-user');
    expect(got.headers['x-experience-plugin']).toBe('orders');
    expect(got.headers['x-plugin-id']).toBeUndefined(); // the plugin id travels as x-experience-plugin
    expect(got.headers['x-forwarded-for']).not.toContain('6.6.6.6');
    expect(got.headers.accept).toBe('application/json');
    expect(got.headers.cookie).toBeUndefined();
    // Exactly one copy of each identity header: client copies were removed, not merged.
    const names = got.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.filter((n) => n === 'x-experience-user')).toHaveLength(1);
    expect(names.filter((n) => n === 'x-experience-tenant')).toHaveLength(1);
  });

  it('forwards bodies of allowed writes and returns the upstream answer', async () => {
    bff.upstream.clear();
    const res = await call('post', '/api/orders/42/notes', 'orders').send({ text: 'leave at the door' });
    expect(res.status).toBe(200);
    expect(res.body.body).toBe('{"text":"leave at the door"}');
    const got = bff.upstream.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength('{"text":"leave at the door"}')));
  });

  it('keeps the BFF\'s security headers and drops upstream cookies and hop-by-hop headers', async () => {
    const res = await call('get', '/api/orders', 'orders');
    expect(res.status).toBe(200);
    expectProxiedSecurityHeaders(res);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-hop']).toBeUndefined();
    expect(res.headers['x-upstream']).toBe('yes');
  });

  it('passes upstream statuses through (404, 204)', async () => {
    expect((await call('get', '/api/orders/404', 'orders')).status).toBe(404);
    const empty = await call('delete', '/api/orders/204', 'orders');
    expect(empty.status).toBe(204);
  });

  it('429 with Retry-After past the plugin\'s rate limit, counted per tenant and plugin', async () => {
    bff.upstream.clear();
    const statuses: number[] = [];
    let limited: { headers: Record<string, string>; body: { code: string } } | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await call('get', '/api/hello', 'limited');
      statuses.push(res.status);
      if (res.status === 429) limited = res as never;
    }
    // Capacity is requestsPerSecond + burst = 2: then refused until tokens refill.
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(limited?.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(limited?.body.code).toBe('rate_limited');
    expect(bff.upstream.received.length).toBe(statuses.filter((s) => s === 200).length);
    // Another plugin of the same tenant has its own bucket.
    expect((await call('get', '/api/hello', 'hello')).status).toBe(200);
  });

  it('502 with a clear code when the upstream is down', async () => {
    const res = await call('get', '/api/down/status', 'orders');
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ code: 'upstream_unavailable', message: 'The upstream service is unavailable' });
    expect(res.text).not.toContain('127.0.0.1');
    expect(res.text).not.toContain('ECONNREFUSED');
  });

  it('504 when the upstream does not answer in time', async () => {
    const res = await call('get', '/api/slow', 'orders');
    expect(res.status).toBe(504);
    expect(res.body.code).toBe('upstream_timeout');
  });

  it('a BFF route with a wrong method is 405, not a plugin call', async () => {
    bff.upstream.clear();
    const res = await call('post', '/api/plugins/manifests', 'orders');
    expect(res.status).toBe(405);
    expect(res.body.code).toBe('method_not_allowed');
    expect(bff.upstream.received).toHaveLength(0);
  });

  it('logs one JSON line per request with tenant, plugin, decision, reason, status and duration; no cookies', async () => {
    await call('get', '/api/orders', 'hello');
    const line = bff.logs().filter((l) => l.msg === 'request' && l.path === '/api/orders' && l.status === 403).at(-1);
    expect(line).toMatchObject({ tenant: 'localhost', plugin: 'hello', decision: 'deny', reason: 'allowlist_violation', user: 'alice', route: 'plugin_call' });
    expect(typeof line?.ms).toBe('number');
    const secret = cookie.split(';')[0]!.split('=')[1]!;
    expect(bff.logText()).not.toContain(secret);
  });
});
