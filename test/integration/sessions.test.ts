import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSecurityHeaders, login, startBff, unreachableProviderYaml, type TestBff } from './support/bff.js';
import { optOutUnpinned } from './support/fixture.js';

let bff: TestBff;

beforeAll(async () => {
  bff = await startBff();
});
afterAll(async () => {
  await bff?.close();
});

/** Every route of the spec: without a session each is 401 before any disk, policy or upstream work. */
const SESSION_ROUTES: Array<{ method: 'get' | 'post'; path: string; headers?: Record<string, string>; body?: unknown }> = [
  { method: 'get', path: '/api/plugins/manifests' },
  { method: 'get', path: '/api/plugins/bundle?entry=hello%401.0.0&id=hello' },
  { method: 'get', path: '/api/hello', headers: { 'X-Plugin-Id': 'hello' } },
  { method: 'post', path: '/api/orders/1/notes', headers: { 'X-Plugin-Id': 'orders' }, body: { text: 'x' } },
  { method: 'get', path: '/api/not-a-route' },
  { method: 'post', path: '/api/authz/evaluate', body: { resource: 'plugin.route', action: 'view' } },
  { method: 'post', path: '/api/telemetry', body: { events: [] } },
  { method: 'get', path: '/events/stream?topics=orders', headers: { 'X-Plugin-Id': 'orders' } },
  { method: 'get', path: '/auth/session' },
];

describe('sessions', () => {
  it.each(SESSION_ROUTES)('$method $path without a session is 401 and reaches nothing', async (route) => {
    bff.upstream.clear();
    const before = bff.running.bff.metrics.registry.getSingleMetric('experience_plugin_requests_total');
    const judged = JSON.stringify(await before?.get());
    let req = bff.http()[route.method](route.path).set('Host', 'localhost');
    for (const [k, v] of Object.entries(route.headers ?? {})) req = req.set(k, v);
    const res = route.body === undefined ? await req : await req.send(route.body as object);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'unauthenticated', message: expect.any(String) });
    expect(res.headers['cache-control']).toBe('no-store');
    expectSecurityHeaders(res);
    expect(bff.upstream.received).toHaveLength(0);
    // No policy decision was counted either.
    expect(JSON.stringify(await before?.get())).toBe(judged);
  });

  it('dev login answers 204 with an HttpOnly, SameSite=Lax cookie that holds only an opaque id', async () => {
    const res = await bff.http().post('/auth/dev/login').set('Host', 'localhost').send({ user: 'alice', roles: ['member'] });
    expect(res.status).toBe(204);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(cookies).toHaveLength(1);
    const session = cookies[0] ?? '';
    expect(session).toMatch(/^exp_session=[A-Za-z0-9_-]{43};/);
    expect(session).toMatch(/httponly/i);
    expect(session).toMatch(/samesite=lax/i);
    expect(session).toMatch(/;\s*path=\/(;|$)/i);
    // NODE_ENV=test is "outside development": Secure.
    expect(session).toMatch(/;\s*secure/i);
    // Nothing about the user is in it (the data lives in the server's session store).
    const value = session.split(';')[0]!.slice('exp_session='.length);
    expect(Buffer.from(value, 'base64url').toString('latin1')).not.toMatch(/alice|member/);
  });

  it('GET /auth/session says who is signed in, until when, and how to sign out', async () => {
    const cookie = await login(bff, 'alice', ['member', 'dashboard-user']);
    const res = await bff.http().get('/auth/session').set('Host', 'localhost').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: 'alice',
      roles: ['member', 'dashboard-user'],
      tenant: 'localhost',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      idleTimeoutSeconds: 3600,
      provider: null,
      logoutUrl: '/auth/logout',
    });
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(8 * 3600 * 1000 - 60_000);
  });

  it('refuses a session id the server never issued (guessed, forged or altered)', async () => {
    const cookie = await login(bff, 'bob', ['member']);
    const id = /exp_session=([^;]+)/.exec(cookie)![1]!;
    const altered = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
    for (const value of [altered, 'A'.repeat(43), Buffer.from(JSON.stringify({ user: 'admin', roles: ['admin'] })).toString('base64url'), `${id}x`]) {
      const res = await bff.http().get('/auth/session').set('Host', 'localhost').set('Cookie', `exp_session=${value}`);
      expect(res.status, value).toBe(401);
    }
  });

  it('logout ends the session: the same cookie is refused afterwards', async () => {
    const cookie = await login(bff);
    const out = await bff.http().post('/auth/logout').set('Host', 'localhost').set('Cookie', cookie);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/exp_session=;/);
    const res = await bff.http().get('/api/plugins/manifests').set('Host', 'localhost').set('Cookie', cookie);
    expect(res.status).toBe(401);
  });

  it('rejects malformed sign-in bodies with 400 and wrong media types with 415', async () => {
    const bad = await bff.http().post('/auth/dev/login').set('Host', 'localhost').send({ user: 'a b', roles: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_body');
    const roles = await bff.http().post('/auth/dev/login').set('Host', 'localhost').send({ user: 'alice', roles: 'admin' });
    expect(roles.status).toBe(400);
    const form = await bff.http().post('/auth/dev/login').set('Host', 'localhost').type('form').send('user=alice');
    expect(form.status).toBe(415);
    const broken = await bff.http().post('/auth/dev/login').set('Host', 'localhost').set('Content-Type', 'application/json').send('{"user":');
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid_json');
  });

  it('an unknown provider is 404', async () => {
    const res = await bff.http().post('/auth/github/login').set('Host', 'localhost').send({ user: 'alice' });
    expect(res.status).toBe(404);
  });
});

describe('tenants', () => {
  it('a host that is not a tenant is 404, even with a valid session', async () => {
    const cookie = await login(bff);
    const res = await bff.http().get('/api/plugins/manifests').set('Host', 'evil.example').set('Cookie', cookie);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('unknown_tenant');
    expectSecurityHeaders(res);
  });

  it('normalises the host: case and port do not matter', async () => {
    const cookie = await login(bff);
    for (const host of ['LOCALHOST', 'localhost:8080', 'LocalHost:1']) {
      const res = await bff.http().get('/auth/session').set('Host', host).set('Cookie', cookie);
      expect(res.status, host).toBe(200);
      expect(res.body.tenant).toBe('localhost');
    }
  });

  it('a session made on one tenant is 403 on another', async () => {
    const cookie = await login(bff, 'alice', ['member'], 'localhost');
    bff.upstream.clear();
    const res = await bff.http().get('/api/hello').set('Host', 'acme.localhost').set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('session_tenant_mismatch');
    expect(bff.upstream.received).toHaveLength(0);
    const own = await login(bff, 'alice', ['member'], 'acme.localhost');
    const ok = await bff.http().get('/api/hello').set('Host', 'acme.localhost').set('Cookie', own).set('X-Plugin-Id', 'hello');
    expect(ok.status).toBe(200);
    expect(bff.upstream.received.at(-1)?.headers['x-experience-tenant']).toBe('acme.localhost');
  });

  it('ignores X-Forwarded-Host when no trusted proxy is configured', async () => {
    const cookie = await login(bff, 'alice', ['member'], 'localhost');
    const res = await bff.http().get('/auth/session').set('Host', 'localhost').set('X-Forwarded-Host', 'acme.localhost').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.body.tenant).toBe('localhost');
    const spoof = await bff.http().get('/auth/session').set('Host', 'nope.example').set('X-Forwarded-Host', 'localhost').set('Cookie', cookie);
    expect(spoof.status).toBe(404);
  });
});

describe('with a trusted proxy', () => {
  let proxied: TestBff;
  beforeAll(async () => {
    proxied = await startBff({ TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await proxied.close();
  });

  it('takes the tenant from X-Forwarded-Host; several values are refused (hostile-input-host.test.ts)', async () => {
    const several = await proxied.http().post('/auth/dev/login').set('Host', 'internal:8080').set('X-Forwarded-Host', 'acme.localhost, localhost').send({ user: 'alice', roles: [] });
    expect(several.status).toBe(400);
    expect(several.body.code).toBe('malformed_request');
    const res = await proxied.http().post('/auth/dev/login').set('Host', 'internal:8080').set('X-Forwarded-Host', 'acme.localhost').send({ user: 'alice', roles: [] });
    expect(res.status).toBe(204);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    const who = await proxied.http().get('/auth/session').set('Host', 'internal:8080').set('X-Forwarded-Host', 'acme.localhost').set('Cookie', cookie);
    expect(who.body.tenant).toBe('acme.localhost');
  });
});

describe('without dev login', () => {
  let prod: TestBff;
  beforeAll(async () => {
    // Production needs an identity provider to start (this one is never reached), and
    // bundle.integrity on every bundle: the fixture's unpinned ones opt out.
    prod = await startBff(
      async (fixture) => {
        await fixture.editPlugins(optOutUnpinned);
        return { NODE_ENV: 'production', DEV_LOGIN: 'false', TEST_IDP_SECRET: 'test-secret' };
      },
      {},
      { identity: await unreachableProviderYaml() },
    );
  });
  afterAll(async () => {
    await prod.close();
  });

  it('POST /auth/dev/login is 404', async () => {
    const res = await prod.http().post('/auth/dev/login').set('Host', 'localhost').send({ user: 'alice', roles: [] });
    expect(res.status).toBe(404);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('production adds HSTS to the security headers', async () => {
    const res = await prod.http().get('/healthz');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expectSecurityHeaders(res);
  });
});
