/**
 * What a client receives from the plugin-call path: calls a browser would use as a script,
 * style, document, frame or worker are refused before the upstream is contacted; a hostile
 * upstream (JSONP, HTML error pages, loosened security headers in any spelling) can neither
 * make its answer executable nor replace, repeat or alias a header the BFF owns; and every
 * refusal on the path carries nosniff.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aliasSpellings, canonical, MUST_OWN_RESPONSE } from '../support/header-names.js';
import { expectProxiedSecurityHeaders, expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { rawRequest, type RawResponse } from './support/raw.js';
import { upstreamAnswer, type UpstreamAnswer } from './support/upstream.js';

let bff: TestBff;
let cookie: string;

beforeAll(async () => {
  bff = await startBff();
  cookie = await login(bff, 'alice', ['member', 'dashboard-user']);
});
afterAll(async () => {
  await bff?.close();
});
beforeEach(() => bff.upstream.clear());

function send(target: string, options: { plugin?: string; lines?: string[]; method?: string; cookie?: boolean; body?: string } = {}): Promise<RawResponse> {
  const head = [`${options.method ?? 'GET'} ${target} HTTP/1.1`, 'Host: localhost'];
  if (options.cookie !== false) head.push(`Cookie: ${cookie}`);
  if (options.plugin !== undefined) head.push(`X-Plugin-Id: ${options.plugin}`);
  return rawRequest(bff.port, [...head, ...(options.lines ?? [])].join('\r\n'), options.body);
}

function expectRefusal(res: RawResponse, status: number, code: string): void {
  expect(res.status, res.body).toBe(status);
  expect(JSON.parse(res.body)).toEqual({ code, message: expect.any(String) });
  expectSecurityHeaders(res);
  expect(res.headers['cache-control']).toBe('no-store');
}

// Every destination of the Fetch standard but "empty", and spellings no browser sends.
const REFUSED_DESTINATIONS = [
  'script', 'style', 'document', 'iframe', 'frame', 'object', 'embed', 'worker', 'sharedworker', 'serviceworker',
  'audioworklet', 'paintworklet', 'xslt', 'manifest', 'json', 'image', 'font', 'audio', 'video', 'track', 'report',
  'webidentity', 'speculationrules', 'nested-document', '', 'EMPTY', 'Script',
];

describe('Sec-Fetch-Dest: only what fetch() and XHR send', () => {
  it.each(REFUSED_DESTINATIONS)('%j: 403 forbidden_fetch_destination, the upstream sees nothing', async (dest) => {
    const res = await send('/api/hello', { plugin: 'hello', lines: [`Sec-Fetch-Dest: ${dest}`, 'Sec-Fetch-Mode: no-cors'] });
    expectRefusal(res, 403, 'forbidden_fetch_destination');
    expect(res.headers['x-allowlist-violation']).toBeUndefined();
    expect(bff.upstream.received).toEqual([]);
  });

  it('a repeated header (empty, then script) is refused', async () => {
    const res = await send('/api/hello', { plugin: 'hello', lines: ['Sec-Fetch-Dest: empty', 'Sec-Fetch-Dest: script'] });
    expectRefusal(res, 403, 'forbidden_fetch_destination');
    expect(bff.upstream.received).toEqual([]);
  });

  it.each([['empty', ['Sec-Fetch-Dest: empty', 'Sec-Fetch-Mode: cors']], ['absent (non-browser client)', []]])('%s: forwarded', async (_name, lines) => {
    const res = await send('/api/hello', { plugin: 'hello', lines });
    expect(res.status).toBe(200);
    expectProxiedSecurityHeaders(res);
    expect(bff.upstream.received).toHaveLength(1);
  });

  it('is refused before the policy and the rate limit: no decision logged, no token spent', async () => {
    // `limited` holds two tokens; refused calls must not use them.
    for (let i = 0; i < 4; i++) {
      expectRefusal(await send('/api/hello', { plugin: 'limited', lines: ['Sec-Fetch-Dest: script'] }), 403, 'forbidden_fetch_destination');
    }
    const line = bff.logs().filter((l) => l.msg === 'request' && l.status === 403 && l.reason === 'forbidden_fetch_destination').at(-1);
    expect(line).toMatchObject({ route: 'plugin_call', user: 'alice', tenant: 'localhost' });
    expect(line?.decision).toBeUndefined();
    expect((await send('/api/hello', { plugin: 'limited' })).status).toBe(200);
    expect((await send('/api/hello', { plugin: 'limited' })).status).toBe(200);
  });
});

// Upstream headers that loosen or fake what the BFF owns; the BFF's answer must not carry them.
const HOSTILE: Array<[string, string]> = [
  ['Content-Security-Policy', "script-src * 'unsafe-inline' 'unsafe-eval'"],
  ['content-security-policy', 'default-src *'],
  ['CONTENT-SECURITY-POLICY', 'sandbox allow-scripts allow-same-origin'],
  ['Content_Security_Policy', 'script-src *'],
  ['Content-Security-Policy-Report-Only', 'script-src *'],
  ['X-Content-Type-Options', 'sniff'],
  ['X_Content_Type_Options', 'sniff'],
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['X-Frame-Options', 'ALLOWALL'],
  ['Referrer-Policy', 'unsafe-url'],
  ['Cross-Origin-Opener-Policy', 'unsafe-none'],
  ['X-Request-Id', 'from-upstream'],
  ['X-Allowlist-Violation', '1'],
  ['Set-Cookie', 'exp_session=stolen; Path=/'],
  ['Service-Worker-Allowed', '/'],
  ['NEL', '{"report_to":"evil","max_age":86400}'],
  ['Report-To', '{"group":"evil","max_age":86400,"endpoints":[{"url":"https://evil.example/"}]}'],
  ['Reporting-Endpoints', 'evil="https://evil.example/"'],
  ['Clear-Site-Data', '"*"'],
  ['Strict-Transport-Security', 'max-age=0'],
  ['Alt-Svc', 'h2="evil.example:443"'],
  ['X-Upstream', 'kept'],
];
const NOT_RELAYED = new Set([...MUST_OWN_RESPONSE, 'service-worker-allowed', 'nel', 'report-to', 'reporting-endpoints', 'clear-site-data', 'strict-transport-security', 'alt-svc']);
// The BFF's own headers on the answer: each exactly once, under its own name.
const THE_BFFS = new Set(['content-security-policy', 'x-content-type-options', 'cross-origin-resource-policy', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy', 'x-request-id', 'connection', 'transfer-encoding']);

function expectHardened(res: RawResponse): void {
  expectProxiedSecurityHeaders(res);
  expect(Object.keys(res.headers).filter((n) => NOT_RELAYED.has(canonical(n)) && !THE_BFFS.has(n))).toEqual([]);
  expect(Object.values(res.headers).filter((v) => /from-upstream|stolen|evil|unsafe|allow-scripts|^sniff$|^cross-origin$|ALLOWALL|spoof/.test(v))).toEqual([]);
  expect(res.headers['x-request-id']).toMatch(/^[\w-]+-[0-9a-z]+$/);
}

const answer = (status: number, contentType: string | undefined, body: string, extra: Array<[string, string]> = HOSTILE): UpstreamAnswer => ({
  status,
  headers: [...(contentType ? ([['Content-Type', contentType]] as Array<[string, string]>) : []), ...extra],
  body,
});

describe('a hostile upstream cannot make its answer a script or loosen the BFF\'s headers', () => {
  it.each([
    ['JSONP', 200, 'application/javascript', 'callback({"ok":true})'],
    ['a script', 200, 'text/javascript; charset=utf-8', 'alert(document.cookie)'],
    ['a module script', 200, 'application/x-javascript', 'import("/x")'],
    ['an HTML error page', 500, 'text/html; charset=utf-8', '<!doctype html><script>alert(1)</script>'],
    ['an HTML 200', 200, 'text/html', '<iframe src="/"></iframe>'],
    ['XHTML', 200, 'application/xhtml+xml', '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'],
    ['SVG', 200, 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ['XML with a stylesheet', 200, 'text/xml', '<?xml-stylesheet href="/x.xsl"?><a/>'],
    ['CSS', 200, 'text/css', 'body{background:url(/x)}'],
    ['JSON', 200, 'application/json', '{"ok":true}'],
    ['no content type', 200, undefined, '<script>alert(1)</script>'],
  ])('%s (%i %s)', async (_name, status, contentType, body) => {
    const res = await send(upstreamAnswer(answer(status, contentType, body)), { plugin: 'orders' });
    expect(res.status).toBe(status);
    expectHardened(res);
    expect(res.headers['x-upstream']).toBe('kept');
    // Relayed as sent: the headers, not a rewrite of the body, are what make it inert.
    expect(res.headers['content-type']).toBe(contentType);
    expect(res.body).toBe(body);
  });

  // Alias spellings only for framing names: sent as written they would be the real header.
  const FRAMING = new Set(['connection', 'transfer-encoding', 'keep-alive']);
  it.each(MUST_OWN_RESPONSE.map((name) => ({ name, sent: [...(FRAMING.has(name) ? [] : [name, name.toUpperCase()]), ...aliasSpellings(name)] })))(
    '$name as $sent',
    async ({ sent }) => {
      const res = await send(upstreamAnswer(answer(200, 'application/json', '{}', sent.map((s) => [s, 'spoof'] as [string, string]))), { plugin: 'orders' });
      expect(res.status).toBe(200);
      expectHardened(res);
    },
  );

  it('an upstream 403 with X-Allowlist-Violation is not the BFF\'s refusal', async () => {
    const res = await send(upstreamAnswer(answer(403, 'application/json', '{"code":"nope"}')), { plugin: 'orders' });
    expect(res.status).toBe(403);
    expect(res.headers['x-allowlist-violation']).toBeUndefined();
    expectHardened(res);
  });

  it.each([
    ['204', 'DELETE', '/api/orders/204', 204],
    ['404', 'GET', '/api/orders/404', 404],
  ])('upstream %s answers carry the same headers', async (_name, method, target, status) => {
    const res = await send(target, { plugin: 'orders', method });
    expect(res.status).toBe(status);
    expectProxiedSecurityHeaders(res);
  });
});

describe('every refusal on the plugin-call path carries nosniff and the BFF\'s headers', () => {
  const big = 'x'.repeat(2 * 1024 * 1024);
  it.each([
    ['no session', () => send('/api/hello', { plugin: 'hello', cookie: false }), 401, 'unauthenticated'],
    ['no plugin id', () => send('/api/hello'), 403, 'missing_plugin_id'],
    ['not on the allow-list', () => send('/api/orders', { plugin: 'hello' }), 403, 'allowlist_violation'],
    ['a script destination', () => send('/api/hello', { plugin: 'hello', lines: ['Sec-Fetch-Dest: script'] }), 403, 'forbidden_fetch_destination'],
    ['a malformed path', () => send('/api/catalog/a%2Fb', { plugin: 'orders' }), 400, 'malformed_path'],
    ['a body over the limit', () => send('/api/orders/1/notes', { plugin: 'orders', method: 'POST', lines: ['Content-Type: application/json', `Content-Length: ${big.length}`], body: big }), 413, 'payload_too_large'],
    ['the upstream is down', () => send('/api/down/status', { plugin: 'orders' }), 502, 'upstream_unavailable'],
    ['the upstream is too slow', () => send('/api/slow', { plugin: 'orders' }), 504, 'upstream_timeout'],
  ] as const)('%s: %i %s', async (_name, call, status, code) => {
    expectRefusal(await call(), status, code);
  });

  it('rate limited: 429 rate_limited', async () => {
    let res: RawResponse | undefined;
    for (let i = 0; i < 5 && res?.status !== 429; i++) res = await send('/api/hello', { plugin: 'limited' });
    expectRefusal(res!, 429, 'rate_limited');
  });
});
