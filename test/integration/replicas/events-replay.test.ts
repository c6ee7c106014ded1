/**
 * Resuming on another replica: a client that reconnects anywhere with Last-Event-ID gets every
 * event it missed, each once, then live ones; an id older than the streams keep, or one no
 * replica issued, gets `event: reset` (with the newest id), and resuming from that id works anywhere.
 */
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX, MIN_KEPT } from '../../../src/server/events/redis/index.js';
import type { RedisServer } from '../../support/redis-server.js';
import type { SseClient } from '../support/sse.js';
import { nextEvent, payload, published, startEventReplicas, stream, type EventReplicas, type Replica } from './events-support.js';

let cluster: EventReplicas;
let redis: RedisServer;
let replicas: Replica[];
const open: SseClient[] = [];
let r0: Replica, r1: Replica, r2: Replica;

beforeAll(async () => {
  // The smallest buffer: the streams still keep MIN_KEPT entries each.
  cluster = await startEventReplicas({ env: { SSE_REPLAY_BUFFER: '0', SSE_MAX_STREAMS: '50' } });
  ({ replicas } = cluster);
  redis = cluster.cluster.redis;
  [r0, r1, r2] = replicas as [Replica, Replica, Replica];
}, 120_000);
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await cluster?.close();
});

async function opened(replica: Replica, lastEventId?: string): Promise<SseClient> {
  const s = await stream(replica, 'orders', lastEventId);
  open.push(s);
  expect(s.status).toBe(200);
  return s;
}

describe('Last-Event-ID on another replica', () => {
  it('replays what the client missed from any replica, each event once, then goes on live', async () => {
    const first = await opened(r0);
    const seen = await published(r1, 'orders.updated', { n: 1 });
    expect((await nextEvent(first)).id).toBe(seen);
    first.close();
    // Missed while away, published on different replicas, with another topic the stream does not want.
    const missed = [await published(r2, 'orders.updated', { n: 2 }), await published(r0, 'orders.created', { n: 3 })];
    await published(r1, 'stock.levels', { n: 'not subscribed' });
    for (const replica of [r1, r2, r0]) {
      const again = await opened(replica, seen);
      const replayed: Array<string | undefined> = [];
      for (let i = 0; i < missed.length; i++) replayed.push((await nextEvent(again)).id);
      expect(replayed, replica.name).toEqual(missed);
      const live = await published(r2, 'orders.updated', { n: `live on ${replica.name}` });
      const frame = await nextEvent(again);
      expect(frame.id).toBe(live);
      expect(payload(frame).data).toEqual({ n: `live on ${replica.name}` });
      again.close();
      // The next replica replays from the same id: it also gets this live event, after the missed ones.
      missed.push(live);
    }
  });

  it('an id older than the stream keeps gets event: reset (expired) with the newest id; resuming from it works on another replica', async () => {
    const old = await published(r0, 'orders.updated', { n: 'old' });
    let head = old;
    for (let i = 0; i < MIN_KEPT * 3; i++) head = await published(replicas[i % 3] as Replica, 'orders.updated', { i });
    const s = await opened(r1, old);
    const reset = await nextEvent(s);
    expect(reset.raw).toBe(`id: ${head}\nevent: reset\ndata: {"reason":"expired"}`);
    const live = await published(r0, 'orders.updated', { n: 'live' });
    expect((await nextEvent(s)).id).toBe(live);
    s.close();
    const resumed = await opened(r2, reset.id);
    expect((await nextEvent(resumed)).id).toBe(live);
  });

  it.each([
    ['newer than any event issued', (head: string) => `${BigInt(head.split('-')[0] as string) + 60_000n}-0`],
    ['in the old numeric form', () => '42'],
    ['an in-memory replica\'s id', () => '1717171717171123-5'],
    ['malformed', () => 'yesterday'],
  ])('an id %s gets event: reset (unknown)', async (_what, idOf) => {
    const head = await published(r0, 'orders.updated', { n: 'head' });
    const s = await opened(r1, idOf(head));
    expect((await nextEvent(s)).raw).toBe(`id: ${head}\nevent: reset\ndata: {"reason":"unknown"}`);
  });

  it('trims each tenant stream to about what is kept', async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const length = Number(await client.sendCommand(['XLEN', `${KEY_PREFIX}localhost`]));
      expect(length).toBeGreaterThanOrEqual(MIN_KEPT);
      // Approximate trimming (MAXLEN ~) removes whole nodes of 100 entries.
      expect(length).toBeLessThan(MIN_KEPT + 200);
    } finally {
      await client.quit();
    }
  });
});
