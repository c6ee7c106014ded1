/**
 * Redis down when a replica starts, for events: without REDIS_START_DEGRADED the replica does
 * not start (exit 1, a message naming Redis without its password); with it, the replica serves,
 * publish answers 503 `event_store_unavailable` and `/readyz` says `down` until Redis is there,
 * and then the event reader, which has never been connected, connects by itself: a stream opened
 * afterwards receives what is published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { PUBLISH_TOKEN } from '../support/bff.js';
import { startBffProcess } from '../support/bff-process.js';
import { devLogin } from '../support/client.js';
import { openSse, payload } from '../support/sse.js';
import { closedPortUrl } from '../support/upstream.js';

let redis: RedisServer;
let upstream: string;

beforeAll(async () => {
  redis = await startRedis();
  await redis.stop();
  // Plugin calls are not what this is about.
  upstream = await closedPortUrl();
});
afterAll(async () => {
  await redis?.close();
});

const readyz = async (port: number) => (await (await fetch(`http://localhost:${port}/readyz`)).json()) as { ready: boolean; stores?: { redis?: { state: string } } };

async function publish(port: number, data: unknown): Promise<{ status: number; body: { id?: string; code?: string } }> {
  const res = await fetch(`http://localhost:${port}/events/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PUBLISH_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'localhost', topic: 'orders.updated', data }),
  });
  return { status: res.status, body: (await res.json()) as { id?: string; code?: string } };
}

describe('Redis down at start-up (events)', () => {
  it('without REDIS_START_DEGRADED the replica exits 1 with a message naming Redis, never its password', async () => {
    const failure = await startBffProcess({ REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${redis.port}`, UPSTREAM_URL: upstream, PUBLISH_TOKEN, REDIS_CONNECT_TIMEOUT_MS: '500' }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/the BFF exited \(1\) before logging/);
    expect(failure?.message).toContain(`experience-bff: failed to start: Redis at redis://127.0.0.1:${redis.port} cannot be reached`);
    expect(failure?.message).not.toContain('s3cret-pass');
  });

  it('with REDIS_START_DEGRADED: publish 503 and /readyz down while Redis is away, then events flow through a reader that connected late', async () => {
    const bff = await startBffProcess({ REDIS_URL: redis.url, UPSTREAM_URL: upstream, PUBLISH_TOKEN, REDIS_CONNECT_TIMEOUT_MS: '500', REDIS_START_DEGRADED: 'true' });
    try {
      expect(await readyz(bff.port)).toMatchObject({ ready: true, stores: { redis: { state: 'down' } } });
      const refused = await publish(bff.port, { n: 'refused' });
      expect([refused.status, refused.body.code]).toEqual([503, 'event_store_unavailable']);

      await redis.start();
      await expect.poll(async () => (await readyz(bff.port)).stores?.redis?.state, { timeout: 15_000 }).toBe('up');
      // The reader's connection comes up on its own backoff; until then a new stream is a 503.
      const cookie = await devLogin(bff.port);
      const open = async () => {
        const s = await openSse(`http://localhost:${bff.port}/events/stream?topics=orders`, { cookie, 'x-plugin-id': 'orders' });
        if (s.status !== 200) s.close();
        return s;
      };
      let stream = await open();
      const deadline = Date.now() + 15_000;
      while (stream.status === 503 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        stream = await open();
      }
      try {
        expect(stream.status).toBe(200);
        const sent = await publish(bff.port, { n: 'after Redis came' });
        expect(sent.status).toBe(202);
        const frame = await stream.next((f) => f.event === 'message');
        expect(frame.id).toBe(sent.body.id);
        expect(payload(frame).data).toEqual({ n: 'after Redis came' });
      } finally {
        stream.close();
      }
    } finally {
      await bff.cleanup();
    }
  });
});
