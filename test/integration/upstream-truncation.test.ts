/**
 * A plugin call whose upstream breaks off its answer is recorded as what it was, in
 * `experience_http_requests_total{route,status,outcome}` and in the request log line alike:
 * outcome `upstream_aborted`, with status 200 when the answer was already streaming to the
 * client (> 64 KiB or chunked: the client's response is cut the same way) and 502 (504 for a
 * stall) when it was buffered. A client that leaves is `client_aborted`, with status 0 when
 * no head had been sent. None of them is a completed 200.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { eventually, login, startBff, type TestBff } from './support/bff.js';
import { call } from './support/client.js';
import { pattern, startScriptedUpstream, type ScriptedUpstream } from './support/scripted-upstream.js';

let upstream: ScriptedUpstream;
let bff: TestBff;
let headers: Record<string, string>;

beforeAll(async () => {
  upstream = await startScriptedUpstream();
  upstream.release();
  bff = await startBff({ UPSTREAM_URL: upstream.url });
  headers = { cookie: await login(bff), 'x-plugin-id': 'orders' };
});
afterAll(async () => {
  await bff?.close();
  await upstream?.close();
});

async function counter(status: number, outcome: string): Promise<number> {
  const text = (await bff.metricsHttp().get('/metrics')).text;
  const m = new RegExp(`^experience_http_requests_total\\{route="plugin_call",status="${status}",outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** The request line of the one call to `path` (written when its response closes). */
async function lineFor(path: string): Promise<Record<string, unknown>> {
  return eventually(() => {
    const lines = bff.logs().filter((l) => l.msg === 'request' && l.path === path);
    expect(lines).toHaveLength(1);
    return lines[0] as Record<string, unknown>;
  }, `the request line of ${path}`);
}

let serial = 0;
/** A unique path per call (the request line is found by path); the upstream ignores the extra segment. */
const unique = (path: string) => `${path}/${++serial}`;

interface Case {
  name: string;
  path: string;
  status: number;
  /** What the client gets: a cut body after a 200 head, or an error answer. */
  client: { status: number; complete: boolean; code?: string };
}

const BIG = 256 * 1024;
const CASES: Case[] = [
  { name: 'streamed (Content-Length > 64 KiB), cut mid-body', path: `/api/catalog/cut/length/${BIG}/${100 * 1024}`, status: 200, client: { status: 200, complete: false } },
  // No byte forwarded yet, so no head sent: still a clean 502.
  { name: 'streamed (Content-Length > 64 KiB), cut right after the head', path: `/api/catalog/cut/length/${BIG}/0`, status: 502, client: { status: 502, complete: true, code: 'upstream_unavailable' } },
  { name: 'streamed (chunked), cut right after the head', path: '/api/catalog/cut/chunked/1000/0', status: 502, client: { status: 502, complete: true, code: 'upstream_unavailable' } },
  { name: 'streamed, stalled right after the head', path: `/api/catalog/stall/${BIG}/0`, status: 504, client: { status: 504, complete: true, code: 'upstream_timeout' } },
  { name: 'streamed (chunked), cut without the last chunk', path: `/api/catalog/cut/chunked/${BIG}/${100 * 1024}`, status: 200, client: { status: 200, complete: false } },
  { name: 'streamed (chunked, small), cut without the last chunk', path: '/api/catalog/cut/chunked/1000/10', status: 200, client: { status: 200, complete: false } },
  { name: 'streamed, stalled mid-body past UPSTREAM_TIMEOUT_MS', path: `/api/catalog/stall/${BIG}/${80 * 1024}`, status: 200, client: { status: 200, complete: false } },
  { name: 'buffered (Content-Length <= 64 KiB), cut mid-body', path: '/api/catalog/cut/length/10000/5000', status: 502, client: { status: 502, complete: true, code: 'upstream_unavailable' } },
  { name: 'buffered, cut right after the head', path: '/api/catalog/cut/length/10000/0', status: 502, client: { status: 502, complete: true, code: 'upstream_unavailable' } },
  { name: 'buffered, stalled mid-body past UPSTREAM_TIMEOUT_MS', path: '/api/catalog/stall/10000/5000', status: 504, client: { status: 504, complete: true, code: 'upstream_timeout' } },
];

describe('an upstream that breaks off its answer', () => {
  it.each(CASES)('$name: outcome upstream_aborted, status $status, in the metric and the log line', async ({ path, status, client }) => {
    const before = await counter(status, 'upstream_aborted');
    const completedBefore = await counter(200, 'completed');
    const target = unique(path);
    const answer = await call(bff.port, { path: target, headers });
    expect(answer.status).toBe(client.status);
    expect(answer.complete).toBe(client.complete);
    if (client.code) expect(JSON.parse(answer.body.toString())).toMatchObject({ code: client.code });

    const line = await lineFor(target);
    expect(line).toMatchObject({ route: 'plugin_call', status, outcome: 'upstream_aborted', plugin: 'orders', level: 'info' });
    expect(await counter(status, 'upstream_aborted')).toBe(before + 1);
    expect(await counter(200, 'completed')).toBe(completedBefore);
  });

  it('a streamed answer cut anywhere is never counted as completed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 64 * 1024 + 1, max: 400 * 1024 }), fc.double({ min: 0, max: 0.999, noNaN: true }), fc.boolean(), async (size, where, chunked) => {
        // At least one byte forwarded: the head is out, the cut can only be a broken body.
        const at = Math.max(1, Math.floor(size * where));
        const target = unique(`/api/catalog/cut/${chunked ? 'chunked' : 'length'}/${size}/${at}`);
        const answer = await call(bff.port, { path: target, headers });
        expect(answer.status).toBe(200);
        expect(answer.complete).toBe(false);
        expect(answer.body.length).toBeLessThan(size);
        expect(answer.body.equals(pattern(size).subarray(0, answer.body.length))).toBe(true);
        const line = await lineFor(target);
        expect(line).toMatchObject({ status: 200, outcome: 'upstream_aborted' });
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it('says in a warning that the upstream, not the client, broke off a streamed answer', async () => {
    const target = unique(`/api/catalog/cut/length/${BIG}/1000`);
    await call(bff.port, { path: target, headers });
    const line = await lineFor(target);
    await eventually(() => {
      const warning = bff.logs().find((l) => l.msg === 'the upstream broke off a streamed answer' && l.requestId === line.requestId);
      expect(warning).toMatchObject({ level: 'warn' });
    }, 'the warning');
    expect(bff.logs().some((l) => l.requestId === line.requestId && l.msg === 'client closed the connection during the response')).toBe(false);
  });

  it('a whole streamed answer is completed (the control)', async () => {
    const target = unique(`/api/catalog/whole/${BIG}`);
    const answer = await call(bff.port, { path: target, headers });
    expect(answer.complete).toBe(true);
    expect(answer.body.equals(pattern(BIG))).toBe(true);
    expect(await lineFor(target)).toMatchObject({ status: 200, outcome: 'completed' });
  });
});

/** Sends the request, and destroys the connection once `leave` says so (given the bytes read so far). */
function leaveEarly(path: string, leave: (received: number, head: boolean) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: bff.port, path, headers: { host: 'localhost', ...headers }, agent: false }, (res) => {
      let received = 0;
      res.on('data', (c: Buffer) => {
        received += c.length;
        if (leave(received, true)) req.destroy();
      });
    });
    req.on('error', () => {});
    req.on('close', () => resolve());
    req.end();
    if (leave(0, false)) {
      // Leave once the upstream has the request: the BFF is then waiting for its answer.
      const seen = upstream.received;
      void upstream.arrived(seen + 1).then(() => req.destroy());
    }
  });
}

describe('a client that goes away', () => {
  it('mid-body of a streamed answer: outcome client_aborted, status 200, no error logged', async () => {
    // A streamed answer that stops after 80 KiB: the client has its head and leaves mid-body.
    const target = unique(`/api/catalog/stall/${BIG}/${80 * 1024}`);
    const before = await counter(200, 'client_aborted');
    await leaveEarly(target, (received, head) => head && received > 0);
    const line = await lineFor(target);
    expect(line).toMatchObject({ status: 200, outcome: 'client_aborted' });
    expect(await counter(200, 'client_aborted')).toBe(before + 1);
    expect(bff.logs().some((l) => l.requestId === line.requestId && l.level === 'error')).toBe(false);
  });

  it('before any answer: outcome client_aborted, status 0 (no head was sent), no error logged', async () => {
    const target = unique('/api/catalog/silent');
    const before = await counter(0, 'client_aborted');
    await leaveEarly(target, (_received, head) => !head);
    const line = await lineFor(target);
    expect(line).toMatchObject({ status: 0, outcome: 'client_aborted' });
    expect(await counter(0, 'client_aborted')).toBe(before + 1);
    expect(bff.logs().some((l) => l.requestId === line.requestId && l.level === 'error')).toBe(false);
  });
});
