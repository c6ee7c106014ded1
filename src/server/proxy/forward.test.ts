import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../body.js';
import { createAgents, forwardRequest } from './forward.js';
import { forwardRequestHeaders } from './headers.js';

interface Seen {
  headers: string[];
  body: string;
}

/** A loopback upstream recording each request's raw head (names lower-cased) and body. */
let upstream: http.Server;
let seen: Seen[] = [];
let upstreamUrl: URL;
/** The BFF side: forwardRequest, or the reference (the former call: headers as an object, Node's own framing). */
let proxy: http.Server;
let proxyPort: number;
const agents = createAgents();

async function reference(ctx: Koa.Context): Promise<void> {
  const body = await readBody(ctx.req, 1024 * 1024);
  const headers = forwardRequestHeaders(ctx.req.headers, { 'x-request-id': 'r1' });
  headers.host = upstreamUrl.host;
  if (body.length > 0 || ctx.req.headers['content-length'] !== undefined || ctx.req.headers['transfer-encoding'] !== undefined) headers['content-length'] = String(body.length);
  await new Promise<void>((resolve, reject) => {
    const req = http.request({ hostname: upstreamUrl.hostname, port: upstreamUrl.port, method: ctx.method, path: ctx.req.url, headers, agent: agents.http }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
  ctx.status = 204;
}

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ headers: req.rawHeaders.map((h, i) => (i % 2 === 0 ? h.toLowerCase() : h)), body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  const app = new Koa();
  app.use((ctx) =>
    ctx.path === '/reference' ? reference(ctx) : forwardRequest(ctx, upstreamUrl, { 'x-request-id': 'r1' }, new Set(), agents, { timeoutMs: 5000, maxBodyBytes: 1024 * 1024 }),
  );
  proxy = http.createServer(app.callback());
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyPort = (proxy.address() as AddressInfo).port;
});

afterAll(async () => {
  agents.close();
  await new Promise((r) => proxy.close(r));
  await new Promise((r) => upstream.close(r));
});

/** Sends one request byte for byte (no client library adds framing), then waits for the connection to close. */
function send(path: string, method: string, head: string[], body: string | undefined, chunked: boolean): Promise<void> {
  const lines = [`${method} ${path} HTTP/1.1`];
  for (let i = 0; i < head.length; i += 2) lines.push(`${head[i]}: ${head[i + 1]}`);
  lines.push('Connection: close');
  const payload = chunked ? `${body ? `${body.length.toString(16)}\r\n${body}\r\n` : ''}0\r\n\r\n` : (body ?? '');
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxyPort, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n${payload}`));
    socket.resume();
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}

const pairs = (h: string[]) => h.flatMap((name, i) => (i % 2 === 0 ? [`${name}: ${h[i + 1]}`] : []));
const METHODS = ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'PROPFIND'];
const FRAMINGS = ['none', 'content-length', 'chunked'] as const;
const BODIES = [undefined, '', 'abc'];
const EXTRA = ['Accept', 'application/json', 'X-Custom', 'one', 'x-custom', 'two', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Cookie', 'sid=1', 'X-Request-Id', 'client'];

describe('forwardRequest', () => {
  // A body without framing would be read as the next request: only framed requests carry one.
  const cases = METHODS.flatMap((method) => FRAMINGS.flatMap((framing) => (framing === 'none' ? [undefined] : BODIES).map((body) => [method, framing, body] as const)));
  it.each(cases)('%s, framing %s, body %j: the upstream gets the head and body the object-form request gave it', async (method, framing, body) => {
    const bytes = body ?? '';
    const head = ['Host', `127.0.0.1:${proxyPort}`, ...EXTRA, ...(framing === 'content-length' ? ['Content-Length', String(Buffer.byteLength(bytes))] : framing === 'chunked' ? ['Transfer-Encoding', 'chunked'] : [])];
    seen = [];
    await send('/api/x?q=1', method, head, body, framing === 'chunked');
    await send('/reference', method, head, body, framing === 'chunked');
    expect(seen).toHaveLength(2);
    const [forwarded, expected] = seen as [Seen, Seen];
    expect(forwarded.body).toBe(expected.body);
    // The same header lines; in the same order but for the two Node adds itself (for an empty
    // POST it wrote Content-Length after Connection, the list puts the length before it).
    expect(pairs(forwarded.headers).sort()).toEqual(pairs(expected.headers).sort());
    const own = (h: string[]) => pairs(h).filter((p) => !p.startsWith('connection:') && !p.startsWith('content-length:'));
    expect(own(forwarded.headers)).toEqual(own(expected.headers));
    // Never chunked: the BFF always knows the length of what it forwards.
    expect(forwarded.headers).not.toContain('transfer-encoding');
  });
});
