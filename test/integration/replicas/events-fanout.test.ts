/**
 * Three replicas sharing one Redis: an event published on any replica reaches the streams on
 * every replica, with the same id everywhere, still filtered per stream (topic prefix, tenant).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SseClient } from '../support/sse.js';
import { nextEvent, payload, published, startEventReplicas, stream, type EventReplicas, type Replica } from './events-support.js';

let cluster: EventReplicas;
let replicas: Replica[];
const open: SseClient[] = [];

beforeAll(async () => {
  cluster = await startEventReplicas();
  replicas = cluster.replicas;
}, 120_000);
afterAll(async () => {
  for (const s of open) s.close();
  await cluster?.close();
});

async function opened(replica: Replica, topics: string): Promise<SseClient> {
  const s = await stream(replica, topics);
  open.push(s);
  expect(s.status, `${replica.name} ${topics}`).toBe(200);
  return s;
}

describe('fan-out across replicas', () => {
  it('an event published on any replica reaches a stream on every replica, with the id publish answered', async () => {
    const streams = await Promise.all(replicas.map((r) => opened(r, 'orders')));
    for (const [i, publisher] of replicas.entries()) {
      const id = await published(publisher, 'orders.updated', { from: i });
      for (const [j, s] of streams.entries()) {
        const frame = await nextEvent(s);
        expect(frame.event, `published on ${i}, read on ${j}`).toBe('message');
        expect(frame.id, `published on ${i}, read on ${j}`).toBe(id);
        expect(payload(frame)).toMatchObject({ topic: 'orders.updated', data: { from: i } });
      }
    }
  });

  it('keeps the publication order on every replica', async () => {
    const streams = await Promise.all(replicas.map((r) => opened(r, 'orders')));
    const ids: string[] = [];
    for (let n = 0; n < 30; n++) ids.push(await published(replicas[n % 3] as Replica, 'orders.updated', { n }));
    for (const s of streams) {
      const got: string[] = [];
      for (let n = 0; n < 30; n++) got.push((await nextEvent(s)).id as string);
      expect(got).toEqual(ids);
    }
  });

  it('each replica still delivers only what a stream subscribed to, of its own tenant', async () => {
    const narrow = await Promise.all(replicas.map((r) => opened(r, 'orders.updated')));
    const stock = await Promise.all(replicas.map((r) => opened(r, 'stock.levels')));
    await published(replicas[0] as Replica, 'orders.created', { not: 'covered by orders.updated' });
    await published(replicas[1] as Replica, 'orders.updatedx', { not: 'a segment of orders.updated' });
    await published(replicas[2] as Replica, 'orders.updated', { other: 'tenant' }, 'acme.localhost');
    const stockId = await published(replicas[0] as Replica, 'stock.levels.low', { n: 'stock' });
    const ordersId = await published(replicas[1] as Replica, 'orders.updated.eu', { n: 'orders' });
    for (const s of narrow) {
      const frame = await nextEvent(s);
      expect([frame.id, payload(frame).data]).toEqual([ordersId, { n: 'orders' }]);
    }
    for (const s of stock) {
      const frame = await nextEvent(s);
      expect([frame.id, payload(frame).data]).toEqual([stockId, { n: 'stock' }]);
    }
  });
});
