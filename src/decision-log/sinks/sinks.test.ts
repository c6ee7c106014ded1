import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecisionLogEvent } from '../types.js';
import { consoleSink } from './console.js';
import { fileSink } from './file.js';
import { DecisionUploadError, httpSink } from './http.js';

const EVENTS: DecisionLogEvent[] = [1, 2].map((i) => ({
  decision_id: `4ca636c1-55e4-417a-b1d8-4aceb67960d${i}`,
  timestamp: '2026-01-01T00:00:00.000Z',
  path: 'experience/api/decision',
  input: { tenant: 't', method: 'GET', path: `/api/x/${i}` },
  result: { allow: true, reason: 'allowed' },
  labels: { id: 'i', version: '1.4.0' },
  metrics: { timer_rego_query_eval_ns: 10 },
}));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

async function service(answer: (res: http.ServerResponse) => void): Promise<{ url: URL; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/logs`), received };
}

describe('httpSink', () => {
  it("POSTs a gzip-compressed JSON array, as OPA's decision-log service API expects", async () => {
    const { url, received } = await service((res) => res.writeHead(204).end());
    const sink = httpSink({ url, token: 'a-token-of-16-chars+', timeoutMs: 2000 });
    cleanups.push(() => sink.close());
    await sink.write(EVENTS);
    expect(received).toHaveLength(1);
    const [post] = received;
    expect(post).toMatchObject({ method: 'POST', url: '/logs' });
    expect(post!.headers).toMatchObject({ 'content-encoding': 'gzip', 'content-type': 'application/json', authorization: 'Bearer a-token-of-16-chars+' });
    expect(JSON.parse(gunzipSync(post!.body).toString('utf8'))).toEqual(EVENTS);
  });

  it.each([400, 404, 500, 503])('fails a write the service answers %i', async (status) => {
    const { url } = await service((res) => res.writeHead(status).end('no'));
    const sink = httpSink({ url, timeoutMs: 2000 });
    cleanups.push(() => sink.close());
    await expect(sink.write(EVENTS)).rejects.toThrow(new DecisionUploadError(`the decision-log service answered ${status}`));
  });

  it('fails a write the service never answers, at the timeout', async () => {
    const { url } = await service(() => {});
    const sink = httpSink({ url, timeoutMs: 100 });
    cleanups.push(() => sink.close());
    await expect(sink.write(EVENTS)).rejects.toThrow(DecisionUploadError);
  });

  it('fails a write to a closed port', async () => {
    const { url } = await service((res) => res.end());
    await cleanups.pop()!();
    const sink = httpSink({ url, timeoutMs: 2000 });
    cleanups.push(() => sink.close());
    await expect(sink.write(EVENTS)).rejects.toThrow('unreachable');
  });
});

describe('fileSink', () => {
  it('appends one JSON line per event, owner-only', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'xp-declog-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'decisions.jsonl');
    const sink = fileSink(file);
    await sink.write(EVENTS.slice(0, 1));
    await sink.write(EVENTS.slice(1));
    await sink.close();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(EVENTS);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('fails a write it cannot make', async () => {
    const sink = fileSink('/nonexistent-dir-for-the-test/decisions.jsonl');
    await expect(sink.write(EVENTS)).rejects.toThrow();
    await sink.close();
  });
});

describe('consoleSink', () => {
  it("writes each event's fields at the top level of a log line, whatever the logger's level", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const sink = consoleSink(pino({ level: 'error' }, destination));
    await sink.write(EVENTS);
    await sink.close();
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toHaveLength(2);
    for (const [i, line] of parsed.entries()) {
      expect(line).toMatchObject({ msg: 'decision log', ...EVENTS[i] });
    }
  });
});
