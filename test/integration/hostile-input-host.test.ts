/**
 * Hostile Host and X-Forwarded-Host values, sent as raw bytes (what Node's parser lets through
 * is what the app must judge) and through supertest. Anything that is not one `host[:port]`
 * is a 400 `malformed_request` on every route (the plugin-call fast path, tenant routes and
 * the routes without a tenant alike), the upstream receives nothing, and no session is issued.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { rawRequest, type RawResponse } from './support/raw.js';

let bff: TestBff;
let proxied: TestBff;
let cookie: string;
let proxiedLocal: string;
let proxiedAcme: string;

/** Signs in on the proxied BFF as a proxy would forward it. */
async function proxiedLogin(host: string): Promise<string> {
  const res = await proxied.http().post('/auth/dev/login').set('Host', 'internal:8080').set('X-Forwarded-Host', host).send({ user: 'alice', roles: ['member'] });
  expect(res.status).toBe(204);
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
}

beforeAll(async () => {
  bff = await startBff();
  proxied = await startBff({ TRUST_PROXY: 'true' });
  cookie = await login(bff, 'alice', ['member', 'dashboard-user']);
  proxiedLocal = await proxiedLogin('localhost');
  proxiedAcme = await proxiedLogin('acme.localhost');
});
afterAll(async () => {
  await bff?.close();
  await proxied?.close();
});
beforeEach(() => {
  bff.upstream.clear();
  proxied.upstream.clear();
});

const LOGIN_BODY = '{"user":"mallory","roles":["admin"]}';

/** One request of each kind that resolves a tenant, plus routes that resolve none. */
const ROUTES: Array<{ name: string; line: string; headers: (cookie: string) => string[]; body?: string }> = [
  { name: 'plugin call (fast path)', line: 'GET /api/hello HTTP/1.1', headers: (c) => [`Cookie: ${c}`, 'X-Plugin-Id: hello'] },
  { name: 'plugin call with a body', line: 'POST /api/orders/1/notes HTTP/1.1', headers: (c) => [`Cookie: ${c}`, 'X-Plugin-Id: orders', 'Content-Type: application/json', 'Content-Length: 2'], body: '{}' },
  { name: 'session', line: 'GET /auth/session HTTP/1.1', headers: (c) => [`Cookie: ${c}`] },
  { name: 'manifests', line: 'GET /api/plugins/manifests HTTP/1.1', headers: (c) => [`Cookie: ${c}`] },
  { name: 'bundle', line: 'GET /api/plugins/bundle?entry=hello%401.0.0&id=hello HTTP/1.1', headers: (c) => [`Cookie: ${c}`] },
  { name: 'stream', line: 'GET /events/stream?topics=orders HTTP/1.1', headers: (c) => [`Cookie: ${c}`, 'X-Plugin-Id: orders'] },
  { name: 'login', line: 'POST /auth/dev/login HTTP/1.1', headers: () => ['Content-Type: application/json', `Content-Length: ${LOGIN_BODY.length}`], body: LOGIN_BODY },
  { name: 'web shell', line: 'GET /orders HTTP/1.1', headers: () => [] },
  { name: 'health (no tenant)', line: 'GET /healthz HTTP/1.1', headers: () => [] },
  { name: 'not found (no tenant)', line: 'POST /nowhere HTTP/1.1', headers: () => ['Content-Length: 0'] },
];

/** Host header lines that reach the app (Node's parser accepts them) and are no `host[:port]`. */
const MALFORMED: Array<[string, string[]]> = [
  ['empty Host', ['Host: ']],
  ['userinfo', ['Host: user@localhost']],
  ['userinfo with password', ['Host: user:pw@localhost']],
  ['userinfo naming another tenant', ['Host: localhost@acme.localhost']],
  ['empty userinfo', ['Host: @localhost']],
  ['port only', ['Host: :8080']],
  ['empty port', ['Host: localhost:']],
  ['port 0', ['Host: localhost:0']],
  ['port above 65535', ['Host: localhost:65536']],
  ['six-digit port', ['Host: localhost:000080']],
  ['non-digit port', ['Host: localhost:http']],
  ['two ports', ['Host: localhost:80:80']],
  ['trailing junk', ['Host: localhost/evil']],
  ['space inside', ['Host: local host']],
  ['tab inside', ['Host: local\thost']],
  ['percent-encoding', ['Host: local%68ost']],
  ['comma-joined duplicates', ['Host: localhost, evil.example']],
  ['comma-joined without space', ['Host: evil.example,localhost']],
  ['two Host lines', ['Host: localhost', 'Host: evil.example']],
  ['two identical Host lines', ['Host: localhost', 'host: localhost']],
  ['backslash', ['Host: evil.example\\localhost']],
  ['backslash before @', ['Host: evil.example\\@localhost']],
  ['semicolon', ['Host: localhost;evil.example']],
  ['query', ['Host: localhost?x']],
  ['non-ASCII (UTF-8 bytes)', ['Host: l\u00c3\u00b6calhost']],
  ['unterminated IPv6', ['Host: [::1']],
  ['IPv6 zone id', ['Host: [fe80::1%25eth0]']],
  ['IPvFuture', ['Host: [v1.x]']],
  ['no Host at all (HTTP/1.1)', []],
];

async function send(port: number, line: string, hostLines: string[], extra: string[], body?: string): Promise<RawResponse> {
  return rawRequest(port, [line, ...hostLines, ...extra].join('\r\n'), body);
}

function expectMalformed(res: RawResponse, upstream: TestBff['upstream'], header = 'Host'): void {
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body)).toEqual({ code: 'malformed_request', message: `Malformed ${header} header` });
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['set-cookie']).toBeUndefined();
  expectSecurityHeaders(res);
  expect(upstream.received, 'upstream received nothing').toEqual([]);
}

describe('a Host that is not host[:port] is 400 malformed_request on every route', () => {
  const cases = MALFORMED.flatMap(([name, hostLines]) => ROUTES.map((route) => ({ name, hostLines, route })));
  it.each(cases)('$name on $route.name', async ({ hostLines, route }) => {
    const res = await send(bff.port, route.line, hostLines, route.headers(cookie), route.body);
    expectMalformed(res, bff.upstream);
  });
});

describe('Host values Node\'s parser refuses never reach the app', () => {
  it.each([
    ['NUL', 'Host: local\u0000host'],
    ['control character', 'Host: local\u0001host'],
    ['DEL', 'Host: localhost\u007f'],
    ['bare CR', 'Host: local\rhost'],
    ['obs-fold continuation', 'Host: localhost\r\n evil.example'],
    ['space before the colon', 'Host : localhost'],
  ])('%s -> 400 bad_request from the parser, with the security headers', async (_name, hostLine) => {
    const res = await send(bff.port, 'GET /api/hello HTTP/1.1', [hostLine], [`Cookie: ${cookie}`, 'X-Plugin-Id: hello']);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 'bad_request', message: 'Bad Request' });
    expectSecurityHeaders(res);
    expect(bff.upstream.received).toEqual([]);
  });
});

describe('well-formed hosts', () => {
  it.each([
    ['localhost', 200, 'localhost'],
    ['LOCALHOST', 200, 'localhost'],
    ['LocalHost:8080', 200, 'localhost'],
    ['localhost:1', 200, 'localhost'],
    ['localhost:65535', 200, 'localhost'],
    // optional whitespace around a field value is not part of it (RFC 9110 §5.5)
    ['  localhost  ', 200, 'localhost'],
    ['evil.example', 404, undefined],
    ['localhost.', 404, undefined],
    ['127.0.0.1:8080', 404, undefined],
    ['[::1]:8080', 404, undefined],
    ['a_b~c', 404, undefined],
  ])('%j -> %i', async (host, status, tenant) => {
    const res = await send(bff.port, 'GET /auth/session HTTP/1.1', [`Host: ${host}`], [`Cookie: ${cookie}`]);
    expect(res.status).toBe(status);
    expectSecurityHeaders(res);
    if (tenant) expect(JSON.parse(res.body).tenant).toBe(tenant);
    else expect(JSON.parse(res.body).code).toBe('unknown_tenant');
  });

  it('HTTP/1.0 without Host: served where no tenant is needed, 400 where one is', async () => {
    const health = await rawRequest(bff.port, 'GET /healthz HTTP/1.0');
    expect(health.status).toBe(200);
    const session = await rawRequest(bff.port, `GET /auth/session HTTP/1.0\r\nCookie: ${cookie}`);
    expectMalformed(session, bff.upstream);
    const call = await rawRequest(bff.port, `GET /api/hello HTTP/1.0\r\nCookie: ${cookie}\r\nX-Plugin-Id: hello`);
    expectMalformed(call, bff.upstream);
  });

  it('the plugin call with a good host still goes through', async () => {
    const res = await send(bff.port, 'GET /api/hello HTTP/1.1', ['Host: LOCALHOST:8080'], [`Cookie: ${cookie}`, 'X-Plugin-Id: hello']);
    expect(res.status).toBe(200);
    expect(bff.upstream.received).toHaveLength(1);
    expect(bff.upstream.received[0]?.headers['x-experience-tenant']).toBe('localhost');
  });
});

describe('through an HTTP client (supertest)', () => {
  it.each(['user@localhost', 'localhost, evil.example', 'localhost:', 'local%68ost', 'localhost:99999', 'evil.example\\localhost', ''])('%j -> 400', async (host) => {
    const res = await bff.http().get('/api/hello').set('Host', host).set('Cookie', cookie).set('X-Plugin-Id', 'hello');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'malformed_request', message: 'Malformed Host header' });
    expectSecurityHeaders(res);
    expect(bff.upstream.received).toEqual([]);
  });
});

describe('X-Forwarded-Host', () => {
  it('is neither read nor judged without TRUST_PROXY', async () => {
    for (const xfh of ['acme.localhost', 'user@evil.example', 'a, b', '']) {
      const res = await send(bff.port, 'GET /auth/session HTTP/1.1', ['Host: localhost', `X-Forwarded-Host: ${xfh}`], [`Cookie: ${cookie}`]);
      expect(res.status, xfh).toBe(200);
      expect(JSON.parse(res.body).tenant).toBe('localhost');
    }
  });

  it.each([
    { name: 'one value', lines: ['Host: internal:8080', 'X-Forwarded-Host: acme.localhost'], as: () => proxiedAcme, status: 200, tenant: 'acme.localhost' },
    { name: 'one value with a port', lines: ['Host: internal:8080', 'X-Forwarded-Host: ACME.localhost:8443'], as: () => proxiedAcme, status: 200, tenant: 'acme.localhost' },
    { name: 'absent: the Host', lines: ['Host: localhost'], as: () => proxiedLocal, status: 200, tenant: 'localhost' },
    { name: 'not a tenant', lines: ['Host: internal:8080', 'X-Forwarded-Host: evil.example'], as: () => proxiedLocal, status: 404, code: 'unknown_tenant' },
    { name: 'empty', lines: ['Host: localhost', 'X-Forwarded-Host: '], as: () => proxiedLocal, status: 400, code: 'malformed_request' },
    { name: 'userinfo', lines: ['Host: internal:8080', 'X-Forwarded-Host: user@acme.localhost'], as: () => proxiedAcme, status: 400, code: 'malformed_request' },
    { name: 'comma-joined values', lines: ['Host: internal:8080', 'X-Forwarded-Host: acme.localhost, localhost'], as: () => proxiedAcme, status: 400, code: 'malformed_request' },
    { name: 'comma-joined, same value', lines: ['Host: internal:8080', 'X-Forwarded-Host: localhost,localhost'], as: () => proxiedLocal, status: 400, code: 'malformed_request' },
    { name: 'two lines', lines: ['Host: internal:8080', 'X-Forwarded-Host: acme.localhost', 'X-Forwarded-Host: localhost'], as: () => proxiedAcme, status: 400, code: 'malformed_request' },
    { name: 'two identical lines', lines: ['Host: internal:8080', 'X-Forwarded-Host: localhost', 'x-forwarded-host: localhost'], as: () => proxiedLocal, status: 400, code: 'malformed_request' },
    { name: 'port 0', lines: ['Host: internal:8080', 'X-Forwarded-Host: localhost:0'], as: () => proxiedLocal, status: 400, code: 'malformed_request' },
    { name: 'percent-encoding', lines: ['Host: internal:8080', 'X-Forwarded-Host: local%68ost'], as: () => proxiedLocal, status: 400, code: 'malformed_request' },
    { name: 'backslash', lines: ['Host: internal:8080', 'X-Forwarded-Host: evil.example\\localhost'], as: () => proxiedLocal, status: 400, code: 'malformed_request' },
    { name: 'a good one, but a malformed Host', lines: ['Host: user@internal', 'X-Forwarded-Host: localhost'], as: () => proxiedLocal, status: 400, code: 'malformed_request' },
    { name: 'a good one, but no Host', lines: ['X-Forwarded-Host: localhost'], as: () => proxiedLocal, status: 400, code: 'malformed_request' },
  ])('with TRUST_PROXY: $name -> $status', async (c) => {
    const res = await send(proxied.port, 'GET /auth/session HTTP/1.1', c.lines, [`Cookie: ${c.as()}`]);
    expect(res.status).toBe(c.status);
    expectSecurityHeaders(res);
    const body = JSON.parse(res.body);
    if (c.tenant) expect(body.tenant).toBe(c.tenant);
    else expect(body.code).toBe(c.code);
  });

  it.each([
    ['userinfo', 'user@localhost'],
    ['comma-joined values', 'localhost, acme.localhost'],
    ['empty', ''],
  ])('with TRUST_PROXY the plugin-call fast path refuses it too: %s', async (_name, xfh) => {
    const res = await send(proxied.port, 'GET /api/hello HTTP/1.1', ['Host: internal:8080', `X-Forwarded-Host: ${xfh}`], [`Cookie: ${proxiedLocal}`, 'X-Plugin-Id: hello']);
    expectMalformed(res, proxied.upstream, 'X-Forwarded-Host');
    const ok = await send(proxied.port, 'GET /api/hello HTTP/1.1', ['Host: internal:8080', 'X-Forwarded-Host: localhost'], [`Cookie: ${proxiedLocal}`, 'X-Plugin-Id: hello']);
    expect(ok.status).toBe(200);
    expect(proxied.upstream.received.map((r) => r.headers['x-experience-tenant'])).toEqual(['localhost']);
  });
});
