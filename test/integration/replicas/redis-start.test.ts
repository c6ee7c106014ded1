/**
 * Redis down when a replica starts, for every store on it (sessions, rate limits, events):
 * without REDIS_START_DEGRADED the replica does not start (exit 1, a message naming Redis
 * without its credentials, and the setting that would start it); with it, the replica starts
 * with Redis `down`: the shell is served, sessions and publish are 503, and once Redis is there
 * a sign-in, a plugin call and a stream through the event reader, which has never been
 * connected before, all work without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { PUBLISH_TOKEN } from '../support/bff.js';
import { startBffProcess, type BffProcess } from '../support/bff-process.js';
import { call, devLogin } from '../support/client.js';
import { openSse, payload, type SseClient } from '../support/sse.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/upstream.js';
import { codeOf, pluginCall } from './support.js';

let redis: RedisServer;
let upstream: RecordingUpstream;

beforeAll(async () => {
  redis = await startRedis();
  await redis.stop();
  upstream = await startRecordingUpstream();
});
afterAll(async () => {
  await upstream?.close();
  await redis?.close();
});

/** The operators' /readyz of a replica (the public one does not show the store). */
const readyz = async (bff: BffProcess) => (await (await fetch(`http://127.0.0.1:${bff.metricsPort}/readyz`)).json()) as { ready: boolean; stores?: { redis?: { state: string } } };

async function publish(port: number, data: unknown): Promise<{ status: number; body: { id?: string; code?: string } }> {
  const res = await fetch(`http://localhost:${port}/events/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PUBLISH_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'localhost', topic: 'orders.updated', data }),
  });
  return { status: res.status, body: (await res.json()) as { id?: string; code?: string } };
}

describe('Redis down at start-up', () => {
  it('without REDIS_START_DEGRADED the replica exits 1 with a message that names Redis (without its credentials) and REDIS_START_DEGRADED', async () => {
    const url = `redis://xp-user:s3cret-pass@127.0.0.1:${redis.port}`;
    const failure = await startBffProcess({ REDIS_URL: url, UPSTREAM_URL: upstream.url, PUBLISH_TOKEN, REDIS_CONNECT_TIMEOUT_MS: '500' }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/the BFF exited \(1\) before logging/);
    expect(failure?.message).toContain(`experience-bff: failed to start: Redis at redis://127.0.0.1:${redis.port} cannot be reached`);
    expect(failure?.message).toContain('REDIS_START_DEGRADED=true');
    expect(failure?.message).not.toContain('s3cret-pass');
    expect(failure?.message).not.toContain('xp-user');
  });

  it('with REDIS_START_DEGRADED it starts: sessions and publish 503 and /readyz down until Redis is there, then sessions, calls and events work', async () => {
    const bff = await startBffProcess({ REDIS_URL: redis.url, UPSTREAM_URL: upstream.url, PUBLISH_TOKEN, REDIS_CONNECT_TIMEOUT_MS: '500', REDIS_START_DEGRADED: 'true' });
    let stream: SseClient | undefined;
    try {
      expect(bff.logs().some((l) => String(l['msg']).startsWith('starting degraded (REDIS_START_DEGRADED)'))).toBe(true);
      expect(await readyz(bff)).toMatchObject({ ready: true, stores: { redis: { state: 'down' } } });
      expect((await call(bff.port, { path: '/' })).status).toBe(200);
      const login = await call(bff.port, { method: 'POST', path: '/auth/dev/login', headers: { 'content-type': 'application/json', 'x-experience-csrf': '1' }, body: '{"user":"alice","roles":["member"]}' });
      expect([login.status, codeOf(login)]).toEqual([503, 'session_store_unavailable']);
      const refused = await publish(bff.port, { n: 'refused' });
      expect([refused.status, refused.body.code]).toEqual([503, 'event_store_unavailable']);

      await redis.start();
      await expect.poll(async () => (await readyz(bff)).stores?.redis?.state, { timeout: 15_000 }).toBe('up');
      const cookie = await devLogin(bff.port);
      expect((await pluginCall(bff.port, cookie)).status).toBe(200);
      // The reader's connection comes up on its own backoff; until then a new stream is a 503.
      const open = async () => {
        const s = await openSse(`http://localhost:${bff.port}/events/stream?topics=orders`, { cookie, 'x-plugin-id': 'orders' });
        if (s.status !== 200) s.close();
        return s;
      };
      stream = await open();
      const deadline = Date.now() + 15_000;
      while (stream.status === 503 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        stream = await open();
      }
      expect(stream.status).toBe(200);
      const sent = await publish(bff.port, { n: 'after Redis came' });
      expect(sent.status).toBe(202);
      const frame = await stream.next((f) => f.event === 'message');
      expect(frame.id).toBe(sent.body.id);
      expect(payload(frame).data).toEqual({ n: 'after Redis came' });
    } finally {
      stream?.close();
      await bff.cleanup();
      await redis.stop();
    }
  });
});
