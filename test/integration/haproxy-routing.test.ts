/**
 * config/haproxy/haproxy.cfg as shipped, run by the real haproxy in front of stub servers: which
 * backend each path reaches (the table of src/shell/traefik.test.ts, and generated paths against
 * the same rule), /metrics never public, forwarded headers that are the load balancer's only,
 * the /readyz health check, and streams that outlive the idle timeout while heartbeats flow.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BFF_ENDPOINTS, HEALTH_ENDPOINTS, RESERVED_PREFIXES } from '../../src/config/reserved-paths.js';
import { startHaproxy, type RunningHaproxy } from '../../src/demo/cluster/haproxy.js';
import { rawRequest } from './support/raw.js';

interface Seen {
  backend: string;
  server: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

interface Stub {
  name: string;
  port: number;
  /** Requests that came through the load balancer (its health checks excluded). */
  seen: Seen[];
  server: http.Server;
}

/** Answers `{backend, server, path, headers}`; /readyz as told; an SSE heartbeat stream; one path that never answers. */
async function stub(backend: string, name: string, ready: boolean): Promise<Stub> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    // HAProxy's own checks carry no X-Forwarded-For.
    if (req.headers['x-forwarded-for'] === undefined && req.url === '/readyz') {
      res.writeHead(ready ? 200 : 503).end();
      return;
    }
    seen.push({ backend, server: name, path: req.url ?? '', headers: req.headers });
    if (req.url === '/events/stream?topics=orders') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      const timer = setInterval(() => res.write(': ping\n\n'), 200);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (req.url === '/api/silent') return; // never answers
    const body = JSON.stringify({ backend, server: name, path: req.url });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { name, port: (server.address() as AddressInfo).port, seen, server };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

let lb: RunningHaproxy;
let bffA: Stub, bffB: Stub, draining: Stub, shell: Stub;

beforeAll(async () => {
  [bffA, bffB, draining, shell] = await Promise.all([stub('bff', 'A', true), stub('bff', 'B', true), stub('bff', 'C', false), stub('shell', 'S', true)]);
  const at = (s: Stub) => `127.0.0.1:${s.port}`;
  lb = await startHaproxy({
    config: 'config/haproxy/haproxy.cfg',
    port: await freePort(),
    env: {
      EXPERIENCE_BFF1: at(bffA),
      EXPERIENCE_BFF2: at(bffB),
      EXPERIENCE_BFF3: at(draining),
      EXPERIENCE_SHELL1: at(shell),
      EXPERIENCE_SHELL2: at(shell),
      EXPERIENCE_SHELL3: at(shell),
      EXPERIENCE_LB_IDLE_TIMEOUT: '1s',
    },
  });
  // The replica whose /readyz is 503 is taken out (fall 2, every 2 s) before any test counts on it.
  const deadline = Date.now() + 15_000;
  while (!/experience-bff\/bff3 is DOWN/.test(lb.output())) {
    if (Date.now() > deadline) throw new Error(`bff3 never marked down:\n${lb.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 30_000);

afterAll(async () => {
  await lb?.stop();
  for (const s of [bffA, bffB, draining, shell]) s?.server.close();
});

/** Where a raw path lands through the load balancer: 'bff', 'shell', or the LB's own status. */
function route(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: lb.port, path, headers: { host: 'localhost' }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        if (res.statusCode === 200 && res.headers['content-type'] === 'application/json') resolve((JSON.parse(body) as { backend: string }).backend);
        else resolve(String(res.statusCode));
      });
    });
    req.on('error', reject);
  });
}

/** The rule of config/traefik/dynamic.yml (src/shell/traefik.test.ts), on the path without its query. */
function expected(target: string): string {
  const path = target.split('?')[0] as string;
  if (RESERVED_PREFIXES.some((p) => path.startsWith(p)) || HEALTH_ENDPOINTS.includes(path)) return 'bff';
  if (BFF_ENDPOINTS.some((e) => path === e || path.startsWith(`${e}/`))) return '404';
  return 'shell';
}

describe('HAProxy routing (config/haproxy/haproxy.cfg)', () => {
  it.each([
    // The Traefik table.
    ['/api/plugins/manifests', 'bff'],
    ['/auth/session', 'bff'],
    ['/events/stream', 'bff'],
    ['/healthz', 'bff'],
    ['/readyz', 'bff'],
    ['/metrics', '404'],
    ['/metrics/', '404'],
    ['/metrics/x', '404'],
    ['/healthz/x', '404'],
    ['/readyz/', '404'],
    ['/', 'shell'],
    ['/orders', 'shell'],
    ['/metrics-board', 'shell'],
    ['/healthzone', 'shell'],
    // Every prefix, and its near misses.
    ['/configs/stream', 'bff'],
    ['/configs/streamx', 'bff'],
    ['/configs', 'shell'],
    ['/stream/x', 'bff'],
    ['/stream', 'shell'],
    ['/api', 'shell'],
    ['/events', 'shell'],
    // Queries are not part of the path.
    ['/metrics?format=prometheus', '404'],
    ['/readyz?x=1', 'bff'],
    ['/orders?tab=api/', 'shell'],
    // The raw path is matched, exactly and case-sensitively (the BFF judges what it receives).
    ['/API/plugins', 'shell'],
    ['/%61pi/plugins', 'shell'],
    ['//api/plugins', 'shell'],
    ['/%6Detrics', 'shell'],
  ])('routes %s to %s', async (path, where) => {
    expect(expected(path)).toBe(where);
    expect(await route(path)).toBe(where);
  });

  it('routes generated paths by the same rule as the Traefik routers', async () => {
    const segment = fc.constantFrom('api', 'auth', 'events', 'configs', 'stream', 'healthz', 'readyz', 'metrics', 'metrics-board', 'x', '');
    const path = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([s, slash]) => `/${s.join('/')}${slash ? '/' : ''}`);
    await fc.assert(
      fc.asyncProperty(path, async (p) => {
        expect(await route(p), p).toBe(expected(p));
      }),
      { numRuns: 150 },
    );
  });

  it('forwards the host the client asked for, in Host and X-Forwarded-Host, and no forwarded header of the client\'s', async () => {
    const before = [bffA.seen.length, bffB.seen.length];
    const res = await rawRequest(lb.port, [
      'GET /api/echo HTTP/1.1',
      'Host: acme.localhost:8080',
      'X-Forwarded-Host: evil.example',
      'X-Forwarded-Host: other.example',
      'X-Forwarded-For: 6.6.6.6',
      'X-Forwarded-Proto: https',
      'X-Forwarded-Port: 1',
      'Forwarded: for=6.6.6.6;host=evil.example',
    ].join('\r\n'));
    expect(res.status).toBe(200);
    const seen = [...bffA.seen.slice(before[0]), ...bffB.seen.slice(before[1])];
    expect(seen).toHaveLength(1);
    const { headers } = seen[0] as Seen;
    expect(headers.host).toBe('acme.localhost:8080');
    expect(headers['x-forwarded-host']).toBe('acme.localhost:8080');
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-port']).toBeUndefined();
    expect(headers.forwarded).toBeUndefined();
  });

  it('never forwards a request with two Host lines', async () => {
    const before = [bffA, bffB, shell].map((s) => s.seen.length);
    const res = await rawRequest(lb.port, ['GET /api/echo HTTP/1.1', 'Host: localhost', 'Host: evil.example'].join('\r\n'));
    expect(res.status).toBe(400);
    expect([bffA, bffB, shell].map((s) => s.seen.length)).toEqual(before);
  });

  it('health-checks the replicas on /readyz: one answering 503 (draining) gets nothing, the others share the load', async () => {
    const before = { A: bffA.seen.length, B: bffB.seen.length, C: draining.seen.length };
    for (let i = 0; i < 20; i++) expect(await route(`/api/n${i}`)).toBe('bff');
    expect(draining.seen.length).toBe(before.C);
    expect(bffA.seen.length - before.A).toBeGreaterThan(0);
    expect(bffB.seen.length - before.B).toBeGreaterThan(0);
    // The check itself asks /readyz with a Host the BFF accepts.
    expect(lb.output()).not.toMatch(/experience-bff\/bff[12] is DOWN/);
  });

  it('keeps a stream open past the idle timeout while heartbeats flow; a silent answer is cut at it (504)', async () => {
    const frames: string[] = [];
    const ended = await new Promise<boolean>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: lb.port, path: '/events/stream?topics=orders', headers: { host: 'localhost' }, agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        res.on('data', (c: Buffer) => frames.push(c.toString()));
        res.on('end', () => resolve(true));
        // Three times the 1 s idle timeout.
        setTimeout(() => {
          req.destroy();
          resolve(false);
        }, 3000);
      });
      req.on('error', reject);
    });
    expect(ended).toBe(false);
    expect(frames.join('').split(': ping').length - 1).toBeGreaterThanOrEqual(5);

    const started = Date.now();
    const status = await route('/api/silent');
    expect(status).toBe('504');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
