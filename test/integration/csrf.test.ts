/**
 * Cross-site request forgery: every state-changing request to a BFF route must carry the app's
 * own header (X-Experience-Csrf: 1, or X-Plugin-Id for plugin calls) and must not come from
 * another site (Sec-Fetch-Site, else Origin). A refusal is 403 cross_site_request before any
 * work: no body read, no decision, no upstream. Server-to-server endpoints are exempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSecurityHeaders, startBff, type TestBff } from './support/bff.js';
import { rawRequest } from './support/raw.js';

let bff: TestBff;
let cookie: string;
let own: string;

beforeAll(async () => {
  bff = await startBff();
  const res = await bff.http().post('/auth/dev/login').set('Host', 'localhost').send({ user: 'alice', roles: ['member', 'dashboard-user'] });
  cookie = String(res.headers['set-cookie']).split(';')[0]!;
  own = `http://localhost:${bff.port}`;
});
afterAll(async () => {
  await bff?.close();
});

type Method = 'post' | 'put' | 'patch' | 'delete';
const ROUTES: Array<{ method: Method; path: string; plugin?: string; body?: object }> = [
  { method: 'post', path: '/auth/dev/login', body: { user: 'mallory', roles: ['member'] } },
  { method: 'post', path: '/auth/logout' },
  { method: 'post', path: '/api/authz/evaluate', body: { resource: 'plugin.route', action: 'view' } },
  { method: 'post', path: '/api/telemetry', body: { events: [] } },
  { method: 'post', path: '/api/orders/1/notes', plugin: 'orders', body: { text: 'x' } },
  { method: 'delete', path: '/api/orders/1', plugin: 'orders' },
  { method: 'put', path: '/api/orders/1', plugin: 'orders', body: {} },
  { method: 'patch', path: '/api/orders/1', plugin: 'orders', body: {} },
  { method: 'post', path: '/api/plugins/manifests' },
  { method: 'delete', path: '/auth/session' },
];

/** Headers of a forged request; each lacks one thing or comes from elsewhere. */
const FORGED: Array<[string, (route: { plugin?: string }) => Record<string, string>]> = [
  ['no app header at all', () => ({})],
  ['X-Experience-Csrf other than 1', () => ({ 'X-Experience-Csrf': 'true' })],
  ['an empty X-Plugin-Id', () => ({ 'X-Plugin-Id': '' })],
  ['Sec-Fetch-Site: cross-site', (r) => ({ ...app(r), 'Sec-Fetch-Site': 'cross-site' })],
  ['Sec-Fetch-Site: same-site (a sibling tenant)', (r) => ({ ...app(r), 'Sec-Fetch-Site': 'same-site' })],
  ['Sec-Fetch-Site: none', (r) => ({ ...app(r), 'Sec-Fetch-Site': 'none' })],
  ['Origin of another site', (r) => ({ ...app(r), Origin: 'https://evil.example' })],
  ['Origin of another tenant', (r) => ({ ...app(r), Origin: `http://acme.localhost:${bff.port}` })],
  ['Origin of this host on another scheme', (r) => ({ ...app(r), Origin: `https://localhost:${bff.port}` })],
  ['Origin: null (sandboxed frame, file:)', (r) => ({ ...app(r), Origin: 'null' })],
  ['a same-origin Origin but Sec-Fetch-Site: cross-site', (r) => ({ ...app(r), Origin: own, 'Sec-Fetch-Site': 'cross-site' })],
];

function app(route: { plugin?: string }): Record<string, string> {
  return route.plugin ? { 'X-Plugin-Id': route.plugin } : { 'X-Experience-Csrf': '1' };
}

const CASES = ROUTES.flatMap((route) => FORGED.map(([what, headers]) => ({ ...route, what, headers })));

describe('a forged state-changing request', () => {
  it.each(CASES)('$method $path, $what: 403 cross_site_request, nothing done', async (c) => {
    bff.upstream.clear();
    const metric = bff.running.bff.metrics.registry.getSingleMetric('experience_plugin_requests_total');
    const before = JSON.stringify(await metric?.get());
    let req = bff.rawHttp()[c.method](c.path).set('Host', `localhost:${bff.port}`).set('Cookie', cookie);
    for (const [k, v] of Object.entries(c.headers(c))) req = req.set(k, v);
    const res = c.body ? await req.send(c.body) : await req;
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ code: 'cross_site_request', message: expect.any(String) });
    expectSecurityHeaders(res);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(bff.upstream.received).toHaveLength(0);
    expect(JSON.stringify(await metric?.get())).toBe(before);
  });
});

describe('the app itself', () => {
  it.each(ROUTES)('$method $path with its header, same-origin: passes the CSRF rule', async (route) => {
    for (const extra of [{}, { 'Sec-Fetch-Site': 'same-origin', Origin: own }, { Origin: own }]) {
      let req = bff.rawHttp()[route.method](route.path).set('Host', `localhost:${bff.port}`).set('Cookie', cookie);
      for (const [k, v] of Object.entries({ ...app(route), ...extra })) req = req.set(k, v);
      const res = route.body ? await req.send(route.body) : await req;
      expect(res.body?.code, JSON.stringify(extra)).not.toBe('cross_site_request');
    }
    // The dev login above ended alice's session: sign in again for the next row.
    const res = await bff.http().post('/auth/dev/login').set('Host', 'localhost').send({ user: 'alice', roles: ['member', 'dashboard-user'] });
    cookie = String(res.headers['set-cookie']).split(';')[0]!;
  });

  it.each(['get', 'head', 'options'] as const)('%s is never refused for CSRF, wherever it comes from', async (method) => {
    const res = await bff.rawHttp()[method]('/auth/session').set('Host', 'localhost').set('Cookie', cookie).set('Sec-Fetch-Site', 'cross-site').set('Origin', 'https://evil.example');
    expect(res.body?.code).not.toBe('cross_site_request');
  });
});

describe('before any work', () => {
  it('answers without reading the body: a declared 1 MB body that never comes does not hold the answer', async () => {
    for (const path of ['/api/orders/1/notes', '/api/telemetry', '/auth/dev/login']) {
      const head = [`POST ${path} HTTP/1.1`, 'Host: localhost', `Cookie: ${cookie}`, 'Content-Type: application/json', 'Content-Length: 1048576', 'Sec-Fetch-Site: cross-site', ...(path.startsWith('/api/orders') ? ['X-Plugin-Id: orders'] : [])].join('\r\n');
      const res = await rawRequest(bff.port, head, '', { csrfHeader: false });
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'cross_site_request' });
    }
  });
});
