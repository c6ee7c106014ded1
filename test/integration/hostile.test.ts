/**
 * Hostile requests against the allow-list and the bundle route, sent as raw bytes. Each row
 * asserts the status, the headers, the error code, that the upstream received nothing it
 * should not, and that the only files the BFF read were configured bundles.
 */
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RecordingStore } from './support/recording-store.js';
import { expectProxiedSecurityHeaders, expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { rawRequest, type RawResponse } from './support/raw.js';

let bff: TestBff;
let cookie: string;
const store = new RecordingStore();

beforeAll(async () => {
  bff = await startBff({}, { bundles: store });
  cookie = await login(bff, 'alice', ['member', 'dashboard-user']);
});
afterAll(async () => {
  await bff?.close();
});
beforeEach(() => {
  bff.upstream.clear();
  store.reads.length = 0;
});

interface Case {
  name: string;
  /** Request line, e.g. `GET /api/hello HTTP/1.1`. */
  line: string;
  headers?: string[];
  /** Omit the session cookie / the plugin id header. */
  noCookie?: boolean;
  plugin?: string | null;
  body?: string | Buffer;
  status: number;
  code?: string;
  header?: Record<string, string | undefined>;
  /** What the upstream must have received (default: nothing). */
  upstream?: (received: TestBff['upstream']['received']) => void;
}

const big = 'x'.repeat(2 * 1024 * 1024);

const ALLOWLIST: Case[] = [
  // The shape of a path is the policy's (malformed_path, as explain says); the BFF refuses only
  // what HTTP cannot hand over (malformed_request): docs/contracts.md, "Path rules".
  { name: 'dot-dot segment escaping an allowed prefix', line: 'GET /api/catalog/../orders HTTP/1.1', plugin: 'orders', status: 400, code: 'malformed_path' },
  { name: 'dot-dot escaping an exact path', line: 'GET /api/hello/../orders HTTP/1.1', plugin: 'hello', status: 400, code: 'malformed_path' },
  { name: 'dot-dot with a path parameter (Tomcat-style ..;)', line: 'GET /api/catalog/..;/orders HTTP/1.1', plugin: 'orders', status: 400, code: 'malformed_path' },
  { name: 'single-dot segment', line: 'GET /api/./hello HTTP/1.1', plugin: 'hello', status: 400, code: 'malformed_path' },
  { name: 'percent-encoded dot-dot (lower case)', line: 'GET /api/catalog/%2e%2e/orders/1 HTTP/1.1', plugin: 'orders', status: 400, code: 'malformed_path' },
  { name: 'percent-encoded dot-dot (mixed case)', line: 'GET /api/catalog/%2E%2e/orders HTTP/1.1', plugin: 'orders', status: 400, code: 'malformed_path' },
  { name: 'encoded slash inside a segment', line: 'GET /api/catalog/..%2forders HTTP/1.1', plugin: 'orders', status: 400, code: 'malformed_path' },
  { name: 'encoded slash (upper case)', line: 'GET /api/catalog/a%2Fb HTTP/1.1', plugin: 'orders', status: 400, code: 'malformed_path' },
  { name: 'encoded backslash', line: 'GET /api/catalog/a%5c..%5corders HTTP/1.1', plugin: 'orders', status: 400, code: 'malformed_path' },
  { name: 'raw backslash', line: 'GET /api/catalog/a\\..\\orders HTTP/1.1', plugin: 'orders', status: 400, code: 'malformed_path' },
  { name: 'encoded NUL', line: 'GET /api/catalog/a%00 HTTP/1.1', plugin: 'orders', status: 400, code: 'malformed_path' },
  { name: 'empty segment (double slash)', line: 'GET /api//hello HTTP/1.1', plugin: 'hello', status: 400, code: 'malformed_path' },
  // Outside /api/ a GET is the web shell's business (SPA fallback): never a plugin call.
  { name: 'leading double slash', line: 'GET //api/hello HTTP/1.1', plugin: 'hello', status: 200, header: { 'content-type': 'text/html; charset=utf-8' } },
  { name: 'trailing slash on an exact path', line: 'GET /api/hello/ HTTP/1.1', plugin: 'hello', status: 400, code: 'malformed_path' },
  { name: 'case variation of an allowed path', line: 'GET /API/HELLO HTTP/1.1', plugin: 'hello', status: 200, header: { 'content-type': 'text/html; charset=utf-8' } },
  { name: 'case variation with a write method', line: 'POST /API/HELLO HTTP/1.1', headers: ['Content-Length: 0'], plugin: 'hello', status: 404, code: 'not_found' },
  { name: 'case variation under /api/', line: 'GET /api/HELLO HTTP/1.1', plugin: 'hello', status: 403, code: 'allowlist_violation', header: { 'x-allowlist-violation': '1' } },
  { name: 'percent-encoded letter', line: 'GET /api/%68ello HTTP/1.1', plugin: 'hello', status: 403, code: 'allowlist_violation', header: { 'x-allowlist-violation': '1' } },
  { name: 'matrix parameter on an exact path', line: 'GET /api/hello;x=1 HTTP/1.1', plugin: 'hello', status: 403, code: 'allowlist_violation', header: { 'x-allowlist-violation': '1' } },
  { name: 'absolute-form request target', line: 'GET http://localhost/api/hello HTTP/1.1', plugin: 'hello', status: 400, code: 'malformed_request' },
  { name: 'absolute-form target naming another host', line: 'GET http://evil.example/api/hello HTTP/1.1', plugin: 'hello', status: 400, code: 'malformed_request' },
  { name: 'fragment in the request target', line: 'GET /api/hello#x HTTP/1.1', plugin: 'hello', status: 400, code: 'malformed_request' },
  { name: 'target longer than 8 KiB', line: `GET /api/catalog/${'a'.repeat(8200)} HTTP/1.1`, plugin: 'orders', status: 400, code: 'malformed_request' },
  { name: 'method override header to a denied method', line: 'POST /api/hello HTTP/1.1', headers: ['X-HTTP-Method-Override: GET', 'Content-Length: 0'], plugin: 'hello', status: 403, code: 'allowlist_violation', header: { 'x-allowlist-violation': '1' } },
  {
    name: 'method override headers never reach the upstream',
    line: 'GET /api/hello HTTP/1.1',
    headers: ['X-HTTP-Method-Override: DELETE', 'X-HTTP-Method: DELETE', 'X-Method-Override: DELETE'],
    plugin: 'hello',
    status: 200,
    upstream: (r) => {
      expect(r).toHaveLength(1);
      expect(r[0]?.method).toBe('GET');
      expect(Object.keys(r[0]?.headers ?? {}).filter((h) => h.includes('method'))).toEqual([]);
    },
  },
  { name: 'OPTIONS preflight is not a free pass', line: 'OPTIONS /api/hello HTTP/1.1', plugin: 'hello', status: 403, code: 'allowlist_violation' },
  { name: 'TRACE', line: 'TRACE /api/hello HTTP/1.1', plugin: 'hello', status: 403, code: 'allowlist_violation' },
  { name: 'no X-Plugin-Id', line: 'GET /api/hello HTTP/1.1', plugin: null, status: 403, code: 'missing_plugin_id', header: { 'x-allowlist-violation': undefined } },
  { name: 'empty X-Plugin-Id', line: 'GET /api/hello HTTP/1.1', plugin: '', status: 403, code: 'missing_plugin_id' },
  // Each refusal's code is the policy's reason; all are allow-list violations (the header).
  { name: 'X-Plugin-Id sent twice', line: 'GET /api/hello HTTP/1.1', headers: ['X-Plugin-Id: hello'], plugin: 'hello', status: 403, code: 'unknown_plugin', header: { 'x-allowlist-violation': '1' } },
  { name: 'X-Plugin-Id of another plugin\'s case', line: 'GET /api/orders HTTP/1.1', plugin: 'ORDERS', status: 403, code: 'unknown_plugin', header: { 'x-allowlist-violation': '1' } },
  { name: 'X-Plugin-Id naming a prototype key', line: 'GET /api/hello HTTP/1.1', plugin: '__proto__', status: 403, code: 'unknown_plugin', header: { 'x-allowlist-violation': '1' } },
  { name: 'an incompatible plugin\'s own allow-list', line: 'GET /api/hello HTTP/1.1', plugin: 'legacy', status: 403, code: 'incompatible_plugin', header: { 'x-allowlist-violation': '1' } },
  { name: 'spoofed plugin identity header', line: 'GET /api/orders HTTP/1.1', headers: ['X-Experience-Plugin: orders'], plugin: 'hello', status: 403, code: 'allowlist_violation' },
  {
    name: 'spoofed identity headers are replaced, not forwarded',
    line: 'GET /api/hello HTTP/1.1',
    headers: ['X-Experience-User: root', 'X-Experience-Roles: admin', 'X-Experience-Tenant: acme.localhost', 'X-Experience-Admin: 1', 'X-User-Id: root', 'X-Tenant: acme.localhost', 'X-Forwarded-Host: acme.localhost', 'Forwarded: for=1.2.3.4;host=acme.localhost'],
    plugin: 'hello',
    status: 200,
    upstream: (r) => {
      const h = r[0]?.headers ?? {};
      expect(h['x-experience-user']).toBe('alice');
      expect(h['x-experience-roles']).toBe('member,dashboard-user');
      expect(h['x-experience-tenant']).toBe('localhost');
      expect(h['x-experience-admin']).toBeUndefined();
      expect(h['x-user-id']).toBeUndefined();
      expect(h['x-tenant']).toBeUndefined();
      expect(h.forwarded).toBeUndefined();
      expect(h['x-forwarded-host']).toBeUndefined();
    },
  },
  {
    name: 'hop-by-hop headers named in Connection are dropped',
    line: 'GET /api/hello HTTP/1.1',
    headers: ['X-Secret-Hop: 1', 'Connection: X-Secret-Hop', 'Upgrade: websocket', 'TE: trailers', 'Proxy-Authorization: Basic Zm9vOmJhcg=='],
    plugin: 'hello',
    status: 200,
    upstream: (r) => {
      const h = r[0]?.headers ?? {};
      expect(h['x-secret-hop']).toBeUndefined();
      expect(h.upgrade).toBeUndefined();
      expect(h['proxy-authorization']).toBeUndefined();
    },
  },
  { name: 'query tricks do not change the judged path', line: 'GET /api/hello?path=/api/orders&x=../../etc HTTP/1.1', plugin: 'hello', status: 200, upstream: (r) => expect(r[0]?.url).toBe('/api/hello?path=/api/orders&x=../../etc') },
  { name: 'a forged session cookie', line: 'GET /api/hello HTTP/1.1', noCookie: true, headers: ['Cookie: exp_session=eyJ1c2VyIjoiYWRtaW4ifQ; exp_session.sig=AAAA'], plugin: 'hello', status: 401, code: 'unauthenticated' },
  { name: 'body over the proxy limit', line: 'POST /api/orders/1/notes HTTP/1.1', headers: ['Content-Type: application/json', `Content-Length: ${big.length}`], plugin: 'orders', body: big, status: 413, code: 'payload_too_large' },
  { name: 'chunked body over the proxy limit', line: 'POST /api/orders/1/notes HTTP/1.1', headers: ['Content-Type: application/json', 'Transfer-Encoding: chunked'], plugin: 'orders', body: `${(2 * 1024 * 1024).toString(16)}\r\n${big}\r\n0\r\n\r\n`, status: 413, code: 'payload_too_large' },
  { name: 'request smuggling: Content-Length with Transfer-Encoding', line: 'POST /api/orders/1/notes HTTP/1.1', headers: ['Content-Length: 4', 'Transfer-Encoding: chunked'], plugin: 'orders', body: '0\r\n\r\nGET /api/orders HTTP/1.1\r\n\r\n', status: 400, code: 'bad_request' },
  { name: 'header block over the server limit', line: 'GET /api/hello HTTP/1.1', headers: [`X-Big: ${'a'.repeat(20_000)}`], plugin: 'hello', status: 431, code: 'headers_too_large' },
  { name: 'malformed JSON to authz', line: 'POST /api/authz/evaluate HTTP/1.1', headers: ['Content-Type: application/json', 'Content-Length: 9'], body: '{"resourc', plugin: null, status: 400, code: 'invalid_json' },
  { name: 'oversized telemetry', line: 'POST /api/telemetry HTTP/1.1', headers: ['Content-Type: application/json', `Content-Length: ${big.length}`], body: big, plugin: null, status: 413, code: 'payload_too_large' },
];

const b = (query: string) => `GET /api/plugins/bundle?${query} HTTP/1.1`;
const BUNDLE: Case[] = [
  { name: 'repeated id', line: b('entry=hello%401.0.0&id=hello&id=orders'), status: 400, code: 'invalid_query' },
  { name: 'repeated entry', line: b('entry=hello%401.0.0&entry=orders%402.1.0&id=hello'), status: 400, code: 'invalid_query' },
  { name: 'missing entry', line: b('id=hello'), status: 400, code: 'invalid_query' },
  { name: 'unknown extra parameter', line: b('entry=hello%401.0.0&id=hello&file=..%2F..%2Fsecret.js'), status: 400, code: 'invalid_query' },
  { name: 'entry with dot-dot segments', line: b('entry=..%2F..%2Fsecret.js&id=..%2F..%2Fsecret.js'), status: 404, code: 'bundle_not_found' },
  { name: 'id with dot-dot and separator', line: b('entry=..%2Flinked%401.0.0&id=..%2Flinked'), status: 404, code: 'bundle_not_found' },
  { name: 'absolute path as id', line: b('entry=%2Fetc%2Fpasswd%401.0.0&id=%2Fetc%2Fpasswd'), status: 404, code: 'bundle_not_found' },
  // An entry that names another plugin than id contradicts it: 400 (bundle-forms.test.ts).
  { name: 'absolute path as entry', line: b('entry=%2Fapp%2Fplugins%2Fhello%2F1.0.0%2Findex.esm.js&id=hello'), status: 400, code: 'invalid_query' },
  { name: 'NUL in id', line: b('entry=hello%401.0.0&id=hello%00'), status: 400, code: 'invalid_query' },
  { name: 'NUL in entry', line: b('entry=hello%401.0.0%00.js&id=hello'), status: 400, code: 'invalid_query' },
  { name: 'double-encoded @', line: b('entry=hello%25401.0.0&id=hello'), status: 400, code: 'invalid_query' },
  { name: 'id of another case', line: b('entry=HELLO%401.0.0&id=HELLO'), status: 404, code: 'bundle_not_found' },
  { name: 'prototype key as id', line: b('entry=__proto__%401.0.0&id=__proto__'), status: 404, code: 'bundle_not_found' },
  { name: 'unknown id', line: b('entry=ghost%401.0.0&id=ghost'), status: 404, code: 'bundle_not_found' },
  { name: 'symlink out of the plugin folder', line: b('entry=linked%401.0.0&id=linked'), status: 404, code: 'bundle_not_found' },
  { name: 'over-long query', line: b(`entry=${'a'.repeat(600)}&id=hello`), status: 400, code: 'invalid_query' },
  // Not the bundle route (exact paths only): a plugin call, which the policy refuses.
  { name: 'dot-dot in the route path', line: 'GET /api/plugins/x/../bundle?entry=hello%401.0.0&id=hello HTTP/1.1', status: 403, code: 'missing_plugin_id' },
  { name: 'dot-dot in the route path, as a plugin', line: 'GET /api/plugins/x/../bundle?entry=hello%401.0.0&id=hello HTTP/1.1', plugin: 'hello', status: 400, code: 'malformed_path' },
  { name: 'encoded separators in the route path', line: 'GET /api/plugins%2Fbundle?entry=hello%401.0.0&id=hello HTTP/1.1', plugin: 'hello', status: 400, code: 'malformed_path' },
  { name: 'bundle without a session', line: b('entry=hello%401.0.0&id=hello'), noCookie: true, status: 401, code: 'unauthenticated' },
];

async function send(c: Case): Promise<RawResponse> {
  const headers = ['Host: localhost', ...(c.noCookie ? [] : [`Cookie: ${cookie}`])];
  if (c.plugin !== undefined && c.plugin !== null) headers.push(`X-Plugin-Id: ${c.plugin}`);
  headers.push(...(c.headers ?? []));
  return rawRequest(bff.port, [c.line, ...headers].join('\r\n'), c.body);
}

function assertCase(c: Case, res: RawResponse): void {
  expect(res.status).toBe(c.status);
  // A row with an upstream check is a proxied answer, which carries the sandboxing CSP.
  if (c.upstream) expectProxiedSecurityHeaders(res);
  else expectSecurityHeaders(res);
  if (c.code !== undefined) {
    expect(JSON.parse(res.body)).toEqual({ code: c.code, message: expect.any(String) });
  }
  for (const [name, value] of Object.entries(c.header ?? {})) expect(res.headers[name], name).toBe(value);
  // Never an internal path, the secret, or any part of an allow-list in the answer.
  expect(res.body).not.toContain(bff.fixture.dir);
  expect(res.body).not.toContain('must never be served');
  if (c.status >= 400) expect(res.body).not.toMatch(/\/api\/(orders|catalog|hello)/);
  if (c.upstream) c.upstream(bff.upstream.received);
  else expect(bff.upstream.received, 'upstream received nothing').toEqual([]);
  // The only files read are configured bundles inside their plugin's folder.
  for (const file of store.reads) {
    expect(file.startsWith(bff.fixture.pluginsRoot + path.sep)).toBe(true);
    expect(['hello', 'orders', 'limited', 'tampered']).toContain(path.relative(bff.fixture.pluginsRoot, file).split(path.sep)[0]);
  }
}

describe('hostile requests against the allow-list', () => {
  it.each(ALLOWLIST)('$name -> $status', async (c) => {
    assertCase(c, await send(c));
  });
});

describe('hostile requests against the bundle route', () => {
  it.each(BUNDLE)('$name -> $status', async (c) => {
    assertCase(c, await send(c));
    if (c.status !== 200) expect(store.reads).toEqual([]);
  });
});
