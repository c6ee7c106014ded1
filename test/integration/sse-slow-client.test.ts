/**
 * However the BFF ends an SSE stream, it lets go of the socket and of the data the client has
 * not read: a client that stops reading is dropped and its socket destroyed (not merely
 * un-counted); a stream ended by a reload or a shutdown whose client does not take the last
 * frame is destroyed after a grace period. A client that reads gets an orderly end.
 */
import type net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUBLISH_TOKEN, eventually, login, startBff, type TestBff } from './support/bff.js';
import { openRawStream, type RawStream } from './support/client.js';

let bff: TestBff;
let cookie: string;
let serverSockets: net.Socket[];

async function start(env: Record<string, string> = {}): Promise<void> {
  bff = await startBff(env);
  serverSockets = [];
  bff.running.server.on('connection', (socket: net.Socket) => serverSockets.push(socket));
  cookie = await login(bff, 'alice', ['member']);
}

afterEach(async () => {
  await bff?.close();
});

async function stream(): Promise<{ client: RawStream; server: net.Socket }> {
  const client = await openRawStream(bff.port, '/events/stream?topics=orders', { Cookie: cookie, 'X-Plugin-Id': 'orders' });
  expect(client.text()).toMatch(/^HTTP\/1\.1 200 /);
  const server = serverSockets.find((s) => s.remotePort === client.socket.localPort);
  if (!server) throw new Error('no server-side socket for the stream');
  return { client, server };
}

const publish = (bytes: number) =>
  bff.http().post('/events/publish').set('Authorization', `Bearer ${PUBLISH_TOKEN}`).send({ tenant: 'localhost', topic: 'orders.updated', data: 'x'.repeat(bytes) });

async function openStreams(): Promise<number> {
  const text = (await bff.metricsHttp().get('/metrics')).text;
  const m = /^experience_sse_streams_open\{tenant="localhost",plugin="orders"\} (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** Publishes until `done` (the kernel's socket buffers take megabytes before Node buffers anything). */
async function publishUntil(done: () => boolean, bytes: number, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) expect((await publish(bytes)).status).toBe(202);
  if (!done()) throw new Error(`published 2000 events without ${what}`);
}

const streamLines = () => bff.logs().filter((l) => l.msg === 'request' && l.route === 'events_stream');

describe('a client that stops reading its SSE stream', () => {
  beforeEach(() => start());

  it('is dropped past 1 MiB unsent: the socket is destroyed and its buffer freed, the gauge and log say so', async () => {
    const { client, server } = await stream();
    client.socket.pause(); // never reads again
    expect(await openStreams()).toBe(1);

    await publishUntil(() => server.destroyed, 60_000, 'the slow stream being dropped');
    expect(server.destroyed).toBe(true);
    expect(server.writableLength).toBe(0);
    expect(await openStreams()).toBe(0);
    const warning = bff.logs().find((l) => l.msg === 'sse stream closed: client too slow');
    expect(warning).toMatchObject({ level: 'warn', tenant: 'localhost', plugin: 'orders' });
    expect(Number(warning?.unsentBytes)).toBeGreaterThan(1024 * 1024);
    await eventually(() => expect(streamLines()).toHaveLength(1), 'the request line');
    expect(streamLines()[0]).toMatchObject({ status: 200, outcome: 'slow_client', plugin: 'orders' });
    const metrics = (await bff.metricsHttp().get('/metrics')).text;
    expect(metrics).toMatch(/^experience_http_requests_total\{route="events_stream",status="200",outcome="slow_client"\} 1$/m);

    // What the client then reads ends without the terminating chunk: cut, not ended.
    client.socket.resume();
    await client.closed;
    expect(client.endedCleanly()).toBe(false);
  });

  it('is destroyed after the grace period when a reload revokes its topic; a reading client gets an orderly end', async () => {
    const reader = await stream();
    const { client, server } = await stream();
    client.socket.pause();
    // Fill until Node itself holds unsent bytes (the kernel buffers are full), well under the cap.
    await publishUntil(() => server.writableLength > 64 * 1024, 20_000, 'unsent bytes in Node');
    expect(server.destroyed).toBe(false);

    await bff.fixture.editPlugins((text) => text.replace('sse: [orders, stock.levels]', 'sse: [stock.levels]'));
    await reader.client.until(/: revoked\n\n\r\n0\r\n\r\n$/);
    expect(reader.client.endedCleanly()).toBe(true);
    expect(reader.server.destroyed).toBe(false); // an orderly end keeps the connection usable

    await eventually(() => expect(server.destroyed).toBe(true), 'the slow stream socket to be destroyed');
    expect(await openStreams()).toBe(0);
    expect(bff.logs().some((l) => l.msg === 'sse stream closed: its client did not take the last frame')).toBe(true);
    await eventually(() => expect(streamLines()).toHaveLength(2), 'the request lines');
    expect(streamLines().map((l) => l.outcome).sort()).toEqual(['completed', 'slow_client']);
  });
});

describe('a client that stops reading when the BFF shuts down', () => {
  beforeEach(() => start({ SHUTDOWN_TIMEOUT_MS: '30000' }));

  it('is destroyed after the grace period, so the stop does not wait for the shutdown timeout', async () => {
    const { client, server } = await stream();
    client.socket.pause();
    await publishUntil(() => server.writableLength > 64 * 1024, 20_000, 'unsent bytes in Node');

    await bff.running.stop();
    expect(server.destroyed).toBe(true);
    const logs = bff.logs();
    expect(logs.some((l) => String(l.msg).startsWith('shutdown timeout'))).toBe(false);
    expect(logs.some((l) => l.msg === 'sse stream closed: its client did not take the last frame')).toBe(true);
    expect(streamLines()).toHaveLength(1);
    expect(streamLines()[0]).toMatchObject({ status: 200, outcome: 'slow_client' });
  });
});
