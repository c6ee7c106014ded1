/**
 * The session store's refresh locks against a real redis-server: one holder per session across
 * replicas (each its own connection), bounded by the TTL, released only by their holder, and
 * failing closed (503) when Redis is away, never "free".
 */
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { useRedisServer } from '../../../test/support/redis-hooks.js';
import { StoreUnavailableError } from '../errors.js';
import { createLogger } from '../logger.js';
import { connectRedis, type RedisConnection } from '../redis/index.js';
import { RedisSessionStore } from './redis-store.js';

const logger = createLogger({ level: 'silent' });
const shared = useRedisServer();

/** A replica's store: its own connection to the shared Redis. */
async function replica(): Promise<{ redis: RedisConnection; store: RedisSessionStore }> {
  const redis = await connectRedis({ url: shared.server.url, logger, timeoutMs: 500, connectTimeoutMs: 5000, startDegraded: false, healthCheckMs: 100 });
  shared.track(redis);
  return { redis, store: new RedisSessionStore({ redis, keys: ['r'.repeat(32)], idleSeconds: 600, logger }) };
}

async function raw() {
  const client = createClient({ url: shared.server.url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}


describe('RedisSessionStore refresh locks', () => {
  it('one holder per session across replicas, as xp:refresh:<key> with a TTL no longer than asked; free again once released', async () => {
    const [a, b] = [await replica(), await replica()];
    const held = await a.store.refreshLocks.acquire('k1', 5000);
    expect(held).toBeDefined();
    expect(await b.store.refreshLocks.acquire('k1', 5000)).toBeUndefined();
    expect(await a.store.refreshLocks.acquire('k1', 5000)).toBeUndefined(); // not re-entrant either
    // Another session's lock is its own.
    expect(await b.store.refreshLocks.acquire('k2', 5000)).toBeDefined();
    const client = await raw();
    const ttl = await client.pTTL('xp:refresh:k1');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
    await held!.release();
    await held!.release(); // twice is once
    expect(await client.exists('xp:refresh:k1')).toBe(0);
    expect(await b.store.refreshLocks.acquire('k1', 5000)).toBeDefined();
    await client.close();
  });

  it('a holder that never releases (it died) blocks the session only until the TTL ends', async () => {
    const [a, b] = [await replica(), await replica()];
    expect(await a.store.refreshLocks.acquire('k', 200)).toBeDefined();
    expect(await b.store.refreshLocks.acquire('k', 5000)).toBeUndefined();
    await expect.poll(async () => (await b.store.refreshLocks.acquire('k', 5000)) !== undefined, { timeout: 5000, interval: 50 }).toBe(true);
  });

  it('a holder whose lock expired does not free the next holder\'s when it releases late', async () => {
    const [a, b, c] = [await replica(), await replica(), await replica()];
    const late = await a.store.refreshLocks.acquire('k', 100);
    const client = await raw();
    await expect.poll(() => client.exists('xp:refresh:k'), { timeout: 5000, interval: 20 }).toBe(0);
    const next = await b.store.refreshLocks.acquire('k', 10_000);
    expect(next).toBeDefined();
    await late!.release();
    expect(await client.exists('xp:refresh:k')).toBe(1);
    expect(await c.store.refreshLocks.acquire('k', 10_000)).toBeUndefined();
    await client.close();
  });

  it('with Redis stopped, taking and releasing reject with session_store_unavailable (never "free")', async () => {
    const { redis, store } = await replica();
    const held = await store.refreshLocks.acquire('k', 10_000);
    await shared.server.stop();
    await expect.poll(() => redis.state).toBe('down');
    const unavailable = (e: unknown) => e instanceof StoreUnavailableError && e.code === 'session_store_unavailable';
    await expect(store.refreshLocks.acquire('other', 10_000)).rejects.toSatisfy(unavailable);
    await expect(held!.release()).rejects.toSatisfy(unavailable);
  });
});
