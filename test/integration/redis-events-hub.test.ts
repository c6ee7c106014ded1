/**
 * The Redis event hub against a real redis-server, two hubs in this process standing for two
 * replicas: ids are stream ids, an event published on one reaches the other, replay and resets
 * from any hub, trimming, a reader that loses its connection and resumes from its position
 * (or reports a gap when the stream moved past it), and Redis stopped and started again. Each
 * hub has a shared connection of its own (src/server/redis, as each replica does).
 */
import { Writable } from 'node:stream';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger.js';
import { isEventId } from '../../src/server/events/ids.js';
import { MIN_KEPT, RedisEventHub, keyOf, type RedisEventHubOptions } from '../../src/server/events/redis/index.js';
import type { HubEvent } from '../../src/server/events/types.js';
import { connectRedis, type RedisConnection } from '../../src/server/redis/index.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

let redis: RedisServer;
let direct: ReturnType<typeof createClient>;
const hubs: RedisEventHub[] = [];
const connections: RedisConnection[] = [];
let tenantN = 0;
const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

beforeAll(async () => {
  redis = await startRedis({ persist: true });
  direct = createClient({ url: redis.url });
  direct.on('error', () => {});
  await direct.connect();
});
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
  for (const connection of connections.splice(0)) await connection.close();
});
afterAll(async () => {
  direct?.destroy();
  await redis?.close();
});

/** A tenant of its own per test: the streams outlive the hubs. */
const freshTenant = () => `t${++tenantN}.localhost`;

/** A hub on a shared connection of its own, connected (REDIS_TIMEOUT_MS 500 as by default). */
async function hub(options: Partial<RedisEventHubOptions> = {}): Promise<RedisEventHub> {
  const connection = await connectRedis({ url: redis.url, logger, timeoutMs: 500, connectTimeoutMs: 5000, startDegraded: false });
  connections.push(connection);
  const h = new RedisEventHub({ redis: connection, url: redis.url, bufferSize: 100, logger, blockMs: 1000, ...options });
  hubs.push(h);
  return h;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function record(h: RedisEventHub) {
  const events: HubEvent[] = [];
  const gaps: string[] = [];
  h.subscribe((e) => events.push(e), (t) => gaps.push(t));
  return { events, gaps };
}

const up = (h: RedisEventHub) => h.up;

/**
 * Cuts the (only) hub's reader off: its connection is killed and Redis refuses new ones
 * (maxclients) until the returned function is called. Its command connection stays.
 */
async function cutReader(): Promise<() => Promise<void>> {
  const lines = String(await direct.sendCommand(['CLIENT', 'LIST'])).split('\n').filter(Boolean);
  const readers = lines.filter((l) => / name=experience-events-reader /.test(l));
  expect(readers).toHaveLength(1);
  const id = /^id=(\d+) /.exec(readers[0] as string)?.[1] as string;
  await direct.sendCommand(['CONFIG', 'SET', 'maxclients', String(lines.length - 1)]);
  await direct.sendCommand(['CLIENT', 'KILL', 'ID', id]);
  return async () => {
    await direct.sendCommand(['CONFIG', 'SET', 'maxclients', '10000']);
  };
}

describe('RedisEventHub', () => {
  it('an event published on one hub reaches every hub watching its tenant, with the stream id as its id', async () => {
    const [a, b] = [await hub(), await hub()];
    await until(() => up(a) && up(b), 'both hubs connected');
    const tenant = freshTenant();
    const [ra, rb] = [record(a), record(b)];
    await a.watch(tenant);
    await b.watch(tenant);
    const other = freshTenant(); // watched by nobody: never delivered
    await a.publish({ tenant: other, topic: 'orders.x', data: 0 });
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await (i % 2 ? a : b).publish({ tenant, topic: 'orders.updated', data: { i } }));
    await until(() => ra.events.length === 5 && rb.events.length === 5, 'five events on both hubs');
    expect(ra.events).toEqual(sent);
    expect(rb.events).toEqual(sent);
    const ids = (await direct.sendCommand(['XRANGE', keyOf(tenant), '-', '+'])) as Array<[string, string[]]>;
    expect(sent.map((e) => e.id)).toEqual(ids.map(([id]) => id));
    expect(sent.every((e) => isEventId(e.id))).toBe(true);
  });

  it('starts reading a tenant watched later without a wait of its block timeout', async () => {
    const a = await hub({ blockMs: 30_000 });
    await until(() => up(a), 'connected');
    const first = freshTenant();
    const r = record(a);
    await a.watch(first);
    // The reader now blocks for up to 30 s on `first` alone; a second tenant must still be read at once.
    await new Promise((res) => setTimeout(res, 100));
    const second = freshTenant();
    await a.watch(second);
    await a.publish({ tenant: second, topic: 'orders.x', data: 'second' });
    await until(() => r.events.length === 1, 'the event of the tenant watched second', 5000);
    expect(r.events[0]?.data).toBe('second');
  });

  it('stays up while it has no tenant to read (its reader PINGs within its idle timeout)', async () => {
    // blockMs 300: the reader's socket is dropped after 1.9 s without a byte.
    const healths: boolean[] = [];
    const a = await hub({ blockMs: 300, onHealth: (u) => healths.push(u) });
    await until(() => up(a), 'connected');
    await new Promise((r) => setTimeout(r, 4000));
    // Never down (a dropped socket reconnects within milliseconds, but is reported).
    expect(healths).toEqual([false, true]);
    const tenant = freshTenant();
    const r = record(a);
    await a.watch(tenant);
    await a.publish({ tenant, topic: 'orders.x', data: 1 });
    await until(() => r.events.length === 1, 'the event');
  });

  it('replays from any hub after an id, and resets for an id it cannot resume from', async () => {
    const [a, b] = [await hub({ bufferSize: 0 }), await hub({ bufferSize: 0 })];
    await until(() => up(a) && up(b), 'both hubs connected');
    const tenant = freshTenant();
    const sent: HubEvent[] = [];
    for (let i = 0; i < 3; i++) sent.push(await a.publish({ tenant, topic: 'orders.x', data: i }));
    expect(await b.since(tenant, sent[0]!.id)).toEqual({ kind: 'events', events: sent.slice(1) });
    expect(await b.since(tenant, sent[2]!.id)).toEqual({ kind: 'events', events: [] });
    // Enough to trim the first three (the stream keeps about MIN_KEPT entries whatever the buffer).
    for (let i = 0; i < MIN_KEPT * 3; i++) sent.push(await a.publish({ tenant, topic: 'orders.x', data: i }));
    const head = sent.at(-1)!.id;
    const length = Number(await direct.sendCommand(['XLEN', keyOf(tenant)]));
    expect(length).toBeGreaterThanOrEqual(MIN_KEPT);
    expect(length).toBeLessThan(sent.length);
    const [ms, seq] = head.split('-');
    for (const [afterId, reason] of [
      [sent[0]!.id, 'expired'],
      [`${BigInt(ms!) + 1000n}-0`, 'unknown'],
      [`${ms}-${BigInt(seq!) + 1n}`, 'unknown'],
      ['42', 'unknown'],
      ['not-an-id', 'unknown'],
    ] as const) {
      expect(await b.since(tenant, afterId), afterId).toEqual({ kind: 'reset', reason, head });
    }
    expect(await b.since(freshTenant(), sent[0]!.id)).toEqual({ kind: 'reset', reason: 'unknown', head: undefined });
  });

  it('a reader whose connection drops resumes from its position: nothing published meanwhile is lost', async () => {
    const a = await hub();
    await until(() => up(a), 'connected');
    const tenant = freshTenant();
    const r = record(a);
    await a.watch(tenant);
    await a.publish({ tenant, topic: 'orders.x', data: 'before' });
    await until(() => r.events.length === 1, 'the first event');
    const restore = await cutReader();
    await until(() => !up(a), 'health down');
    // Stored while this reader is away (through the command connection, as another replica would).
    for (let i = 0; i < 5; i++) await a.publish({ tenant, topic: 'orders.x', data: i });
    await expect(a.watch(freshTenant())).rejects.toMatchObject({ code: 'event_store_unavailable' });
    await new Promise((res) => setTimeout(res, 300));
    expect(r.events).toHaveLength(1);
    await restore();
    await until(() => r.events.length === 6, 'the five events published while it was away', 15_000);
    expect(r.events.map((e) => e.data)).toEqual(['before', 0, 1, 2, 3, 4]);
    expect(r.gaps).toEqual([]);
  });

  it('reports a gap when its stream was trimmed past its position while it was away', async () => {
    const a = await hub({ bufferSize: 0 });
    await until(() => up(a), 'connected');
    const tenant = freshTenant();
    const r = record(a);
    await a.watch(tenant);
    await a.publish({ tenant, topic: 'orders.x', data: 'before' });
    await until(() => r.events.length === 1, 'the first event');
    const restore = await cutReader();
    await until(() => !up(a), 'health down');
    const sent: HubEvent[] = [];
    for (let i = 0; i < MIN_KEPT * 3; i++) sent.push(await a.publish({ tenant, topic: 'orders.x', data: i }));
    await restore();
    await until(() => r.events.at(-1)?.id === sent.at(-1)?.id, 'the last event', 15_000);
    expect(r.gaps).toEqual([tenant]);
    // What was kept is delivered after the gap, in order, each once.
    const after = r.events.slice(1).map((e) => e.data as number);
    expect(after.length).toBeLessThan(sent.length);
    expect(after).toEqual(sent.slice(sent.length - after.length).map((e) => e.data));
  });

  it('while Redis is down: publish and watch refuse at once (503 code), health says down; afterwards reading goes on', async () => {
    const healths: boolean[] = [];
    const a = await hub({ onHealth: (u) => healths.push(u) });
    const publisher = await hub();
    await until(() => up(a) && up(publisher), 'connected');
    const tenant = freshTenant();
    const r = record(a);
    await a.watch(tenant);
    const before = await publisher.publish({ tenant, topic: 'orders.x', data: 'before' });
    await until(() => r.events.length === 1, 'the first event');
    await redis.stop();
    await until(() => !up(a), 'health down');
    const started = Date.now();
    await expect(a.publish({ tenant, topic: 'orders.x', data: 'lost' })).rejects.toMatchObject({ code: 'event_store_unavailable' });
    await expect(a.watch(freshTenant())).rejects.toMatchObject({ code: 'event_store_unavailable' });
    await expect(a.since(tenant, before.id)).rejects.toMatchObject({ code: 'event_store_unavailable' });
    // Refused, not queued until Redis returns (generous bound: four times REDIS_TIMEOUT_MS).
    expect(Date.now() - started).toBeLessThan(2000);
    await redis.start();
    await until(() => up(a) && up(publisher), 'both back', 15_000);
    const after = await publisher.publish({ tenant, topic: 'orders.x', data: 'after' });
    await until(() => r.events.length === 2, 'the event published after the restart', 15_000);
    expect(r.events.map((e) => e.id)).toEqual([before.id, after.id]);
    expect(r.gaps).toEqual([]);
    // Persisted: the replay from before the outage still works.
    expect(await a.since(tenant, before.id)).toEqual({ kind: 'events', events: [after] });
    expect(healths).toEqual([false, true, false, true]);
  });
});
