/**
 * Redis stopped and started again under three replicas (append-only file: what it held
 * survives): while it is down, publish answers 503 `event_store_unavailable` and a new stream
 * 503 `session_store_unavailable` (its session, in the same Redis, cannot be read: checked
 * first), /readyz and the metric say so, and open streams stay open; once it is back every stream
 * resumes from its position. Two replicas are paused (SIGSTOP) while Redis comes back, so an
 * event is stored before they reconnect: they must deliver it (read from where they were, not
 * from the stream's end), and a client resumes across the restart on any replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisServer } from '../../support/redis-server.js';
import type { SseClient } from '../support/sse.js';
import { nextEvent, publish, published, readyz, startEventReplicas, stream, waitUntil, type EventReplicas, type Replica } from './events-support.js';

let cluster: EventReplicas;
let redis: RedisServer;
let replicas: Replica[];
const open: SseClient[] = [];

beforeAll(async () => {
  cluster = await startEventReplicas({ persist: true, env: { SSE_HEARTBEAT_MS: '300' } });
  ({ replicas } = cluster);
  redis = cluster.cluster.redis;
}, 120_000);
afterAll(async () => {
  for (const r of replicas ?? []) r.process.signal('SIGCONT');
  for (const s of open) s.close();
  await cluster?.close();
});

async function storeUp(replica: Replica): Promise<string | undefined> {
  const text = await (await fetch(`${replica.metricsUrl}/metrics`)).text();
  return /^experience_store_up\{store="redis"\} (\d)$/m.exec(text)?.[1];
}

const redisState = async (replica: Replica) => (await readyz(replica.metricsUrl)).stores?.redis?.state;

describe('Redis stopped and restarted mid-stream', () => {
  it('refuses while down, keeps streams open, resumes every stream from its position, loses nothing Redis holds', async () => {
    const streams = await Promise.all(replicas.map((r) => stream(r, 'orders')));
    open.push(...streams);
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const before = await published(replicas[0] as Replica, 'orders.updated', { n: 'before' });
    for (const s of streams) expect((await nextEvent(s)).id).toBe(before);
    expect(await Promise.all(replicas.map(storeUp))).toEqual(['1', '1', '1']);

    await redis.stop();
    for (const r of replicas) await waitUntil(async () => (await redisState(r)) === 'down', `${r.name} seeing Redis down`);
    for (const r of replicas) {
      // Still ready: every replica shares the store; the rest of the BFF works.
      expect(await readyz(r.metricsUrl)).toMatchObject({ ready: true, stores: { redis: { state: 'down', since: expect.any(String) } } });
      expect(await storeUp(r)).toBe('0');
      const refused = await publish(r, 'orders.updated', { n: 'refused' });
      expect(refused).toEqual({ status: 503, body: { code: 'event_store_unavailable', message: expect.any(String) } });
      const late = await stream(r, 'orders');
      expect(late.status).toBe(503);
      expect(JSON.parse(late.text ?? '{}').code).toBe('session_store_unavailable');
    }
    // The open streams stay open: heartbeats go on while Redis is away.
    const counts = streams.map((s) => s.frames.length);
    for (const [i, s] of streams.entries()) {
      await waitUntil(() => s.frames.slice(counts[i]).some((f) => f.comment === 'ping'), `a heartbeat on stream ${i} while Redis is down`);
    }

    const [r0, r1, r2] = replicas as [Replica, Replica, Replica];
    r1.process.signal('SIGSTOP');
    r2.process.signal('SIGSTOP');
    await redis.start();
    await waitUntil(async () => (await redisState(r0)) === 'up', 'replica 0 reaching Redis again');
    // Stored while replicas 1 and 2 cannot have read anything.
    const during = await published(r0, 'orders.updated', { n: 'while two replicas were away' });
    expect((await nextEvent(streams[0] as SseClient)).id).toBe(during);
    r1.process.signal('SIGCONT');
    r2.process.signal('SIGCONT');
    for (const s of streams.slice(1)) expect((await nextEvent(s, 20_000)).id).toBe(during);
    for (const r of [r1, r2]) await waitUntil(async () => (await redisState(r)) === 'up', `${r.name} reaching Redis again`);

    const after = await published(r1, 'orders.updated', { n: 'after' });
    for (const s of streams) expect((await nextEvent(s)).id).toBe(after);
    // Nothing but those events, no reset, no end: each stream stayed the same stream.
    for (const s of streams) {
      expect(s.frames.filter((f) => f.event !== undefined).map((f) => f.id)).toEqual([before, during, after]);
      expect(s.frames.some((f) => f.comment === 'shutdown' || f.comment === 'unavailable')).toBe(false);
    }
    // A client that saw only `before` resumes on another replica: Redis kept the stream over its restart.
    const resumed = await stream(r2, 'orders', before);
    open.push(resumed);
    expect([(await nextEvent(resumed)).id, (await nextEvent(resumed)).id]).toEqual([during, after]);
    expect(await Promise.all(replicas.map(storeUp))).toEqual(['1', '1', '1']);
  });
});
