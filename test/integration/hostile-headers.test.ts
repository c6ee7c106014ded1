/**
 * What a real upstream receives when a client sends hostile request headers through the
 * BFF: aliases (`_` or `.` for `-`, any case) of every header the BFF owns or strips, URL
 * rewrite headers, and `Connection` tricks. Each row asserts the status, the BFF's headers,
 * the one request the recording upstream got, and that the BFF's identity arrived once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STRIPPED_REQUEST_HEADERS, STRIPPED_REQUEST_PREFIXES } from '../../src/server/proxy/headers.js';
import { aliasSpellings, canonical, MUST_STRIP_REQUEST, MUST_STRIP_REQUEST_PREFIXES } from '../support/header-names.js';
import { expectProxiedSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { rawRequest, type RawResponse } from './support/raw.js';
import type { Received } from './support/upstream.js';

let bff: TestBff;
let cookie: string;

beforeAll(async () => {
  // Hundreds of calls as `hello`: a rate limit that never refuses one.
  bff = await startBff({ RATE_LIMIT_RPS: '100000', RATE_LIMIT_BURST: '100000' });
  cookie = await login(bff, 'alice', ['member', 'dashboard-user']);
});
afterAll(async () => {
  await bff?.close();
});
beforeEach(() => bff.upstream.clear());

// Sent exactly as named these are the real header to Node or to the BFF (framing, the
// session cookie, the judged plugin id): only their aliases are rows of the table.
const REAL_ONLY = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings', 'host', 'expect', 'content-length', 'cookie', 'x-plugin-id']);
const title = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());

/** Every spelling of `name` to send: aliases always, the name itself unless Node or the BFF reads it. */
function spellings(name: string): string[] {
  const own = REAL_ONLY.has(name) ? [] : [title(name), name.toUpperCase()];
  return [...own, ...aliasSpellings(name)];
}

// Names under a stripped prefix, so a prefix is tested with real members, not only itself.
const PREFIXED = ['x-experience-user', 'x-experience-admin', 'x-forwarded-user', 'x-forwarded-client-cert', 'x-forwarded-server', 'x-envoy-original-url', 'x-amzn-oidc-identity', 'x-goog-authenticated-user-email', 'x-ms-client-principal-name', 'x-auth-request-user', 'cf-access-authenticated-user-email'];
const NAMES = [...new Set([...MUST_STRIP_REQUEST, ...STRIPPED_REQUEST_HEADERS, ...PREFIXED])].filter((n) => spellings(n).length > 0);

/** Stripped by the tests' own reading of the rules (not the proxy's code). */
function mustNotArrive(name: string): boolean {
  const c = canonical(name);
  return NAMES.includes(c) || [...MUST_STRIP_REQUEST_PREFIXES, ...STRIPPED_REQUEST_PREFIXES].some((p) => c.startsWith(p));
}

const ATTACHED = ['x-experience-tenant', 'x-experience-user', 'x-experience-roles', 'x-experience-plugin', 'x-request-id', 'x-forwarded-for'];

function send(lines: string[], target = '/api/hello', plugin = 'hello'): Promise<RawResponse> {
  return rawRequest(bff.port, [`GET ${target} HTTP/1.1`, 'Host: localhost', `Cookie: ${cookie}`, `X-Plugin-Id: ${plugin}`, ...lines].join('\r\n'));
}

/** One forwarded request, exactly the judged target, carrying no client copy and the BFF's identity once. */
function expectForwarded(res: RawResponse, target: string): Received {
  expect(res.status, res.body).toBe(200);
  expectProxiedSecurityHeaders(res);
  expect(bff.upstream.received).toHaveLength(1);
  const got = bff.upstream.received[0]!;
  expect(got.method).toBe('GET');
  expect(got.url).toBe(target);
  const names = got.rawHeaders.filter((_, i) => i % 2 === 0);
  const values = got.rawHeaders.filter((_, i) => i % 2 === 1);
  // The BFF sets these three itself; nothing else the client could not set may arrive.
  const theBffs = new Set([...ATTACHED, 'host', 'connection', 'content-length']);
  expect(names.filter((n) => mustNotArrive(n) && !theBffs.has(n.toLowerCase()))).toEqual([]);
  expect(values.filter((v) => v.includes('spoof'))).toEqual([]);
  for (const name of ATTACHED) expect(names.filter((n) => canonical(n) === name), name).toEqual([name]);
  expect(got.headers['x-experience-user']).toBe('alice');
  expect(got.headers['x-experience-roles']).toBe('member,dashboard-user');
  expect(got.headers['x-experience-tenant']).toBe('localhost');
  expect(got.headers['x-experience-plugin']).toBe('hello');
  expect(got.headers['x-request-id']).toBe(res.headers['x-request-id']);
  expect(got.headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  expect(got.headers.host).toBe(new URL(bff.upstream.url).host);
  return got;
}

describe('aliases of owned and stripped request headers never reach the upstream', () => {
  it('the table covers every name the review lists and every name the proxy strips', () => {
    for (const name of [...MUST_STRIP_REQUEST, ...STRIPPED_REQUEST_HEADERS]) {
      if (name.includes('-') || !REAL_ONLY.has(name)) expect(NAMES, name).toContain(name);
    }
  });

  it.each(NAMES.map((name) => ({ name, sent: spellings(name) })))('$name as $sent', async ({ sent }) => {
    const res = await send(sent.map((s, i) => `${s}: spoof-${i}`));
    expectForwarded(res, '/api/hello');
  });

  it('all of them at once, with Connection naming the BFF\'s own headers', async () => {
    const lines = NAMES.flatMap((name) => spellings(name)).map((s, i) => `${s}: spoof-${i}`);
    const res = await send([...lines, `Connection: ${[...ATTACHED, 'x_experience_user', 'X-Experience_Roles'].join(', ')}`]);
    expectForwarded(res, '/api/hello');
  });

  it.each([
    ['client headers named in Connection', ['Connection: x-hop-a, X-Hop-B', 'X-Hop-A: 1', 'X-Hop-B: 1', 'X-Kept: 1'], ['x-hop-a', 'x-hop-b']],
    ['identity names in Connection do not remove the BFF\'s identity', [`Connection: ${ATTACHED.join(',')}`, 'X-Kept: 1'], []],
  ])('%s', async (_name, lines, gone) => {
    const got = expectForwarded(await send(lines), '/api/hello');
    for (const name of gone) expect(got.headers[name]).toBeUndefined();
    expect(got.headers['x-kept']).toBe('1');
  });

  it('ordinary headers, and names that only look like stripped ones, cross unchanged', async () => {
    const kept = ['Accept: application/json', 'X-Api-Version: 2', 'X_Custom_Thing: 1', 'X-Experience: 1', 'X-Plugin-Ids: a', 'X-Forwarded: 1', 'If-None-Match: "1"'];
    const got = expectForwarded(await send(kept), '/api/hello');
    const names = got.rawHeaders.filter((_, i) => i % 2 === 0);
    for (const line of kept) expect(names).toContain(line.slice(0, line.indexOf(':')).toLowerCase());
  });
});

// URL rewrite headers as the review names them and as frameworks read them.
const REWRITE = ['X-Original-URL', 'X-Rewrite-URL', 'X-Override-URL', 'X-HTTP-DestinationURL', 'X-Forwarded-Path', 'X-Envoy-Original-Path', 'X-Original-Uri', 'X-Forwarded-Uri', 'X-Forwarded-Prefix', 'X-Original-Path', 'X-Rewrite-Path', 'X-Original-Host', 'X-Forwarded-Host', 'X-Host', 'X-Script-Name', 'X-Proxy-Url', 'X-Request-Uri', 'Destination'];

describe('URL rewrite headers never reach the upstream: the judged path is the only path it sees', () => {
  it.each(REWRITE.flatMap((name) => [name, ...aliasSpellings(name.toLowerCase())]))('%s', async (name) => {
    const res = await send([`${name}: /api/orders/1?spoof`, 'X-Kept: 1']);
    const got = expectForwarded(res, '/api/hello');
    expect(JSON.stringify(got.rawHeaders)).not.toContain('/api/orders');
  });

  // Allowed for `orders` under /api/catalog/**; forwarded byte for byte as the policy judged it.
  it.each([
    '/api/catalog/a;b=c',
    '/api/catalog/%41%42',
    '/api/catalog/a%20b',
    '/api/catalog/:x@y',
    '/api/catalog/a+b',
    '/api/catalog/~u',
    "/api/catalog/!$&'()*,=",
    '/api/catalog/x?',
    '/api/catalog/x??y',
    '/api/catalog/x?a=/api/orders&b=%2e%2e/x',
    '/api/catalog/x?next=http://evil.example/api/orders',
    '/api/catalog/x?%00',
    '/api/catalog/x?q="<>`{}|^\\',
  ])('request line %s', async (target) => {
    const res = await send(['X-Original-URL: /api/orders', 'X-Forwarded-Prefix: /admin'], target, 'orders');
    expect(res.status, res.body).toBe(200);
    expect(bff.upstream.received.map((r) => r.url)).toEqual([target]);
    expect(bff.upstream.received[0]?.headers['x-original-url']).toBeUndefined();
    expect(bff.upstream.received[0]?.headers['x-forwarded-prefix']).toBeUndefined();
  });
});
