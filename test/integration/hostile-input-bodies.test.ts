/**
 * Oversized and unread request bodies are cut, not drained. Over a kept-alive raw connection
 * the client sends part of a body it declares (or streams) far past the route's limit and then
 * either stops or keeps sending: the answer must arrive at once with `Connection: close`, and
 * the server must close the connection without waiting for the rest. Before the fix the 413
 * came at once but the BFF then read the whole body and kept the connection open.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUBLISH_TOKEN, eventually, expectSecurityHeaders, login, startBff, type TestBff } from './support/bff.js';
import { twoOnOneConnection, unfinishedUpload, type ConnectionOutcome } from './support/raw-connection.js';

let bff: TestBff;
let cookie: string;
/** A session for the logout row alone (logout revokes it). */
let doomed: string;

beforeAll(async () => {
  bff = await startBff();
  cookie = await login(bff, 'alice', ['member', 'dashboard-user']);
  doomed = await login(bff, 'alice', ['member']);
});
afterAll(async () => {
  await bff?.close();
});
beforeEach(() => {
  bff.upstream.clear();
});

const GIB = 1024 * 1024 * 1024;
const JSON_TYPE = 'Content-Type: application/json';

/** Every route that reads a body, with its limit. */
// Browser routes carry the shell's CSRF header: these tables are about bodies (csrf.test.ts covers its absence).
const CSRF = 'X-Experience-Csrf: 1';
const ROUTES: Array<{ name: string; line: string; headers: () => string[]; limit: number }> = [
  { name: 'plugin call', line: 'POST /api/orders/1/notes HTTP/1.1', headers: () => [`Cookie: ${cookie}`, 'X-Plugin-Id: orders', JSON_TYPE], limit: 1024 * 1024 },
  { name: 'authz', line: 'POST /api/authz/evaluate HTTP/1.1', headers: () => [`Cookie: ${cookie}`, CSRF, JSON_TYPE], limit: 4096 },
  { name: 'telemetry', line: 'POST /api/telemetry HTTP/1.1', headers: () => [`Cookie: ${cookie}`, CSRF, JSON_TYPE], limit: 64 * 1024 },
  { name: 'publish', line: 'POST /events/publish HTTP/1.1', headers: () => [`Authorization: Bearer ${PUBLISH_TOKEN}`, JSON_TYPE], limit: 64 * 1024 },
  { name: 'login', line: 'POST /auth/dev/login HTTP/1.1', headers: () => [CSRF, JSON_TYPE], limit: 4096 },
];

const chunk = (size: number) => Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), Buffer.alloc(size, 0x20), Buffer.from('\r\n')]);

/** How the body is sent: all bodies are far larger than any limit and never finished. */
const MODES: Array<{ name: string; framing: string; body?: (limit: number) => Buffer; stream?: Buffer }> = [
  // 1 GiB declared; 16 KiB sent, then silence
  { name: 'declared 1 GiB, then the client waits', framing: `Content-Length: ${GIB}`, body: () => Buffer.alloc(16 * 1024, 0x20) },
  // 1 GiB declared; the client keeps writing as fast as it can
  { name: 'declared 1 GiB, the client keeps sending', framing: `Content-Length: ${GIB}`, stream: Buffer.alloc(64 * 1024, 0x20) },
  // chunked, past the limit by one chunk, then silence (no last chunk)
  { name: 'chunked past the limit, then the client waits', framing: 'Transfer-Encoding: chunked', body: (limit) => Buffer.concat(Array.from({ length: Math.ceil(limit / 4096) + 1 }, () => chunk(4096))) },
  // chunked, never ending
  { name: 'chunked, the client keeps sending', framing: 'Transfer-Encoding: chunked', stream: chunk(64 * 1024) },
];

const STREAM_LIMIT = 256 * 1024 * 1024;

function expectCut(outcome: ConnectionOutcome, status: number, code: string): void {
  const res = outcome.response;
  expect(res, 'a whole response arrived').toBeDefined();
  expect(res?.status).toBe(status);
  if (code) expect(JSON.parse(res?.body ?? '{}')).toEqual({ code, message: expect.any(String) });
  expect(res?.headers.connection).toBe('close');
  expectSecurityHeaders(res as NonNullable<typeof res>);
  expect(outcome.closedByServer, 'the server closed the connection (the client never finished the body)').toBe(true);
  expect(bff.upstream.received, 'upstream received nothing').toEqual([]);
}

describe('a body past the limit is answered 413 and the connection closed', () => {
  const cases = ROUTES.flatMap((route) => MODES.map((mode) => ({ route, mode })));
  it.each(cases)('$route.name: $mode.name', async ({ route, mode }) => {
    const head = [route.line, 'Host: localhost', ...route.headers(), mode.framing].join('\r\n');
    const outcome = await unfinishedUpload(bff.port, head, { body: mode.body?.(route.limit), stream: mode.stream, streamLimit: STREAM_LIMIT });
    expectCut(outcome, 413, 'payload_too_large');
    if (mode.stream) expect(outcome.sent, 'the client could not send it all').toBeLessThan(STREAM_LIMIT);
  });
});

describe('a body that is never read closes the connection too, whatever the answer', () => {
  const declared = `Content-Length: ${GIB}`;
  it.each([
    { name: 'plugin call denied by the allow-list', line: 'POST /api/hello HTTP/1.1', headers: () => [`Cookie: ${cookie}`, 'X-Plugin-Id: hello', JSON_TYPE], status: 403, code: 'allowlist_violation' },
    { name: 'plugin call without X-Plugin-Id', line: 'POST /api/orders/1/notes HTTP/1.1', headers: () => [`Cookie: ${cookie}`, CSRF, JSON_TYPE], status: 403, code: 'missing_plugin_id' },
    { name: 'plugin call without a session', line: 'POST /api/orders/1/notes HTTP/1.1', headers: () => ['X-Plugin-Id: orders', JSON_TYPE], status: 401, code: 'unauthenticated' },
    { name: 'authz in another media type', line: 'POST /api/authz/evaluate HTTP/1.1', headers: () => [`Cookie: ${cookie}`, CSRF, 'Content-Type: text/plain'], status: 415, code: 'unsupported_media_type' },
    { name: 'publish with a wrong token', line: 'POST /events/publish HTTP/1.1', headers: () => ['Authorization: Bearer wrong-token-0123456789', JSON_TYPE], status: 401, code: 'invalid_token' },
    { name: 'login with an unknown provider', line: 'POST /auth/nope/login HTTP/1.1', headers: () => [CSRF, JSON_TYPE], status: 404, code: 'not_found' },
    { name: 'an unknown tenant', line: 'POST /api/authz/evaluate HTTP/1.1', host: 'evil.example', headers: () => [`Cookie: ${cookie}`, CSRF, JSON_TYPE], status: 404, code: 'unknown_tenant' },
    { name: 'a malformed Host', line: 'POST /api/authz/evaluate HTTP/1.1', host: 'user@localhost', headers: () => [`Cookie: ${cookie}`, CSRF, JSON_TYPE], status: 400, code: 'malformed_request' },
    { name: 'a route that reads no body (logout)', line: 'POST /auth/logout HTTP/1.1', headers: () => [`Cookie: ${doomed}`, CSRF], status: 204, code: '' },
    { name: 'a GET route with a body (manifests)', line: 'GET /api/plugins/manifests HTTP/1.1', headers: () => [`Cookie: ${cookie}`], status: 200, code: '' },
    { name: 'a method the route does not take', line: 'PUT /api/plugins/manifests HTTP/1.1', headers: () => [`Cookie: ${cookie}`, CSRF], status: 405, code: 'method_not_allowed' },
  ])('$name -> $status', async (c) => {
    const head = [c.line, `Host: ${c.host ?? 'localhost'}`, ...c.headers(), declared].join('\r\n');
    const outcome = await unfinishedUpload(bff.port, head, { body: Buffer.alloc(16 * 1024, 0x20) });
    expectCut(outcome, c.status, c.code);
  });
});

describe('a body that was read keeps the connection alive', () => {
  const BODIES: Record<string, unknown> = {
    'plugin call': { note: 'hi' },
    authz: { resource: 'orders.page', action: 'view' },
    telemetry: { events: [{ plugin: 'orders', kind: 'log', name: 'n', ts: '2026-01-01T00:00:00.000Z' }] },
    publish: { tenant: 'localhost', topic: 'orders', data: null },
    login: { user: 'bob', roles: [] },
  };
  it.each(ROUTES)('$name: two requests on one connection', async (route) => {
    const body = JSON.stringify(BODIES[route.name]);
    const request = `${[route.line, 'Host: localhost', ...route.headers(), `Content-Length: ${Buffer.byteLength(body)}`].join('\r\n')}\r\n\r\n${body}`;
    const [first, second] = await twoOnOneConnection(bff.port, request, request);
    expect(first.status).toBeLessThan(300);
    expect(first.headers.connection).toBe('keep-alive');
    expect(second.status).toBe(first.status);
  });
});

// Last in this file: it edits the configuration.
describe('a stream opened with a body it never reads', () => {
  it('when the server ends the stream, the connection is closed rather than kept to read the body', async () => {
    const head = ['GET /events/stream?topics=stock.levels HTTP/1.1', 'Host: localhost', `Cookie: ${cookie}`, 'X-Plugin-Id: orders', `Content-Length: ${GIB}`].join('\r\n');
    const outcome = unfinishedUpload(bff.port, head, { body: Buffer.alloc(16 * 1024, 0x20), waitMs: 10_000 });
    await eventually(() => expect(bff.running.bff.streams.size).toBe(1), 'the stream to open');
    // A reload that withdraws the topic: the BFF ends the stream.
    await bff.fixture.editPlugins((text) => text.replace('sse: [orders, stock.levels]', 'sse: [orders]'));
    const result = await outcome;
    expect(result.response?.status).toBe(200);
    expect(result.closedByServer, 'the server closed the connection when the stream ended').toBe(true);
    expect(bff.running.bff.streams.size).toBe(0);
  });
});
