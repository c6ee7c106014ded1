/**
 * The shared token bucket against a real redis-server: the same sequences as the in-memory
 * limiter's tests (burst, refill, changed limits), one bucket for several replicas, and the local
 * fallback at 1/REPLICAS of the limit while Redis is away.
 */
import { Writable } from 'node:stream';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { useRedisServer } from '../../../test/support/redis-hooks.js';
import { createLogger } from '../logger.js';
import { connectRedis, RedisUnavailableError, type RedisClient, type RedisConnection } from '../redis/index.js';
import { localShare, RedisRateLimiter } from './redis.js';

const logger = createLogger({ level: 'silent' });
const shared = useRedisServer();

interface Made {
  limiter: RedisRateLimiter;
  redis: RedisConnection;
  /** Calls made to Redis so far. */
  calls(): number;
}

/** A limiter on its own connection (a replica); leaseMs 0 unless given: every call asks Redis (the bucket's exact rules). */
async function limiter(replicas = 3, onLocal?: (key: string) => void, leaseMs = 0): Promise<Made> {
  const redis = await connectRedis({ url: shared.server.url, logger, timeoutMs: 500, connectTimeoutMs: 5000, startDegraded: false, healthCheckMs: 100 });
  shared.track(redis);
  let calls = 0;
  const counted = {
    get state() {
      return redis.state;
    },
    run: <T>(call: (client: RedisClient) => Promise<T>) => {
      calls += 1;
      return redis.run(call);
    },
  } as unknown as RedisConnection;
  return { limiter: new RedisRateLimiter({ redis: counted, replicas, leaseMs, ...(onLocal ? { onLocal } : {}) }), redis, calls: () => calls };
}

/** Moves the bucket's clock back by `ms` (as if that much time had passed): the script reads Redis's TIME. */
async function age(key: string, ms: number): Promise<void> {
  const client = createClient({ url: shared.server.url });
  await client.connect();
  const ts = Number(await client.hGet(`xp:rl:${key}`, 'ts'));
  await client.hSet(`xp:rl:${key}`, 'ts', String(ts - ms));
  await client.close();
}

const takeN = async (l: RedisRateLimiter, key: string, limit: { requestsPerSecond: number; burst: number }, n: number) => {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push((await l.consume(key, limit)).allowed);
  return out;
};


describe('RedisRateLimiter', () => {
  it('allows rps + burst at once, then refills at rps', async () => {
    const { limiter: l } = await limiter();
    // A rate this low refills nothing noticeable while the test runs.
    const limit = { requestsPerSecond: 0.002, burst: 4 };
    expect(await takeN(l, 'a', limit, 5)).toEqual([true, true, true, true, false]);
    const refused = await l.consume('a', limit);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfterSeconds).toBeGreaterThan(400);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(500);
    await age('a', 500_000); // one token back
    expect(await takeN(l, 'a', limit, 2)).toEqual([true, false]);
  });

  it('keeps keys apart', async () => {
    const { limiter: l } = await limiter();
    const limit = { requestsPerSecond: 0.001, burst: 0.999 };
    expect(await takeN(l, 'x', limit, 2)).toEqual([true, false]);
    expect(await takeN(l, 'y', limit, 1)).toEqual([true]);
  });

  it('one bucket for every replica: three limiters together get the limit once', async () => {
    const replicas = [await limiter(), await limiter(), await limiter()].map((r) => r.limiter);
    const limit = { requestsPerSecond: 0.001, burst: 8.999 }; // capacity 9
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => replicas[i % 3]!.consume('shared', limit)));
    expect(results.filter((r) => r.allowed)).toHaveLength(9);
  });

  it('tightening caps the bucket at the new capacity at once', async () => {
    const { limiter: l } = await limiter();
    const wide = { requestsPerSecond: 0.001, burst: 100 };
    expect((await takeN(l, 'k', wide, 10)).every(Boolean)).toBe(true);
    const narrow = { requestsPerSecond: 0.001, burst: 1.999 };
    expect(await takeN(l, 'k', narrow, 3)).toEqual([true, true, false]);
  });

  it('loosening refills at the new rate from what is left, never in one step', async () => {
    const { limiter: l } = await limiter();
    const narrow = { requestsPerSecond: 1, burst: 1 };
    expect(await takeN(l, 'k', narrow, 3)).toEqual([true, true, false]);
    const wide = { requestsPerSecond: 5, burst: 5 };
    const first = await l.consume('k', wide);
    // What was left (under a token, plus what a few ms refilled at the new rate): no jump to 10.
    expect(first.remaining).toBeLessThanOrEqual(1);
    await age('k', 1000); // five tokens at the new rate
    const after = await takeN(l, 'k', wide, 8);
    expect(after.filter(Boolean).length).toBeGreaterThanOrEqual(5);
    expect(after.filter(Boolean).length).toBeLessThanOrEqual(6);
    await age('k', 10_000); // full at the new capacity, not more
    expect((await takeN(l, 'k', wide, 12)).filter(Boolean).length).toBeLessThanOrEqual(11);
  });

  it('falls back to a local bucket at 1/REPLICAS of the limit while Redis is down, and shares again once it is back', async () => {
    const local: string[] = [];
    const { limiter: l, redis } = await limiter(3, (key) => local.push(key));
    const limit = { requestsPerSecond: 0.003, burst: 8.997 }; // capacity 9: 3 per replica
    expect((await l.consume('k', limit)).allowed).toBe(true);
    await shared.server.stop();
    await expect.poll(() => redis.state).toBe('down');
    const started = Date.now();
    expect(await takeN(l, 'k', limit, 5)).toEqual([true, true, true, false, false]);
    expect(Date.now() - started).toBeLessThan(400); // decided locally, not after a timeout each
    expect(local).toHaveLength(5);
    await shared.server.start();
    await expect.poll(() => redis.state, { timeout: 10_000 }).toBe('up');
    // The shared bucket (restarted empty: Redis kept nothing) decides again.
    expect((await takeN(l, 'k', limit, 10)).filter(Boolean)).toHaveLength(9);
    expect(local).toHaveLength(5);
  });
});

describe('localShare', () => {
  it.each([
    [{ requestsPerSecond: 30, burst: 60 }, 3, { requestsPerSecond: 10, burst: 20 }],
    [{ requestsPerSecond: 50, burst: 100 }, 1, { requestsPerSecond: 50, burst: 100 }],
    // Never below one request of room, or a small limit would refuse everything.
    [{ requestsPerSecond: 1, burst: 1 }, 3, { requestsPerSecond: 1 / 3, burst: 2 / 3 }],
    [{ requestsPerSecond: 1, burst: 0 }, 10, { requestsPerSecond: 0.1, burst: 0.9 }],
  ])('%o over %i replicas is %o', (limit, replicas, share) => {
    const got = localShare(limit, replicas);
    expect(got.requestsPerSecond).toBeCloseTo(share.requestsPerSecond);
    expect(got.burst).toBeCloseTo(share.burst);
    expect(got.requestsPerSecond + got.burst).toBeGreaterThanOrEqual(1);
  });
});

describe('RedisRateLimiter: leases (the round trip amortised)', () => {
  it('a high rate takes what leaseMs of it is worth per Redis call, and spends it here', async () => {
    const made = await limiter(3, undefined, 1000);
    const limit = { requestsPerSecond: 100, burst: 0 }; // a lease: 100 tokens (1000 ms of the rate)
    expect(await takeN(made.limiter, 'k', limit, 100)).toEqual(Array.from({ length: 100 }, () => true));
    expect(made.calls()).toBe(1);
  });

  it('a bucket found empty is refused here, without a Redis call, until its next token (at most leaseMs)', async () => {
    const made = await limiter(3, undefined, 1000);
    const limit = { requestsPerSecond: 0.001, burst: 0.999 }; // capacity 1, next token in 1000 s
    expect(await takeN(made.limiter, 'k', limit, 10)).toEqual([true, ...Array.from({ length: 9 }, () => false)]);
    expect(made.calls()).toBe(2);
    const refused = await made.limiter.consume('k', limit);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(1);
  });

  it('a changed limit is never decided by a lease taken under the old one', async () => {
    const made = await limiter(3, undefined, 1000);
    expect((await made.limiter.consume('k', { requestsPerSecond: 100, burst: 0 })).allowed).toBe(true);
    // The first lease took the whole bucket (100 tokens, 99 of them still held here): under the
    // narrow limit Redis is asked, and finds the bucket empty.
    const narrow = { requestsPerSecond: 0.001, burst: 0.999 };
    expect((await made.limiter.consume('k', narrow)).allowed).toBe(false);
    expect(made.calls()).toBe(2);
    // Back to the first limit: a new lease from Redis, not the 99 held under it before.
    await made.limiter.consume('k', { requestsPerSecond: 100, burst: 0 });
    expect(made.calls()).toBe(3);
  });

  it('leases taken by concurrent calls add up: no token Redis handed out is lost', async () => {
    const made = await limiter(1, undefined, 20);
    const limit = { requestsPerSecond: 1000, burst: 0 }; // capacity 1000, leases of 20
    const started = performance.now();
    const burst = await Promise.all(Array.from({ length: 100 }, () => made.limiter.consume('c', limit)));
    const after = await takeN(made.limiter, 'c', limit, 1000);
    const elapsed = (performance.now() - started) / 1000;
    const total = burst.filter((r) => r.allowed).length + after.filter(Boolean).length;
    // All 1000 tokens of the bucket were spent (leases overwritten by each other would lose them), and no more than refilled.
    expect(total).toBeGreaterThanOrEqual(1000);
    expect(total).toBeLessThanOrEqual(1000 + Math.ceil(1000 * elapsed));
  });

  it('replicas leasing from one bucket together never allow more than it handed out', async () => {
    const replicas = await Promise.all([0, 1, 2].map(() => limiter(3, undefined, 20)));
    const limit = { requestsPerSecond: 500, burst: 0 }; // capacity 500, leases of 10
    const started = performance.now();
    const allowed = await Promise.all(replicas.map(async (r) => (await takeN(r.limiter, 'shared', limit, 400)).filter(Boolean).length));
    const elapsed = (performance.now() - started) / 1000;
    const total = allowed.reduce((a, b) => a + b, 0);
    // At most the capacity plus what refilled meanwhile; at least that less one dropped lease per replica.
    expect(total).toBeLessThanOrEqual(500 + Math.ceil(500 * elapsed));
    expect(total).toBeGreaterThanOrEqual(500 - 3 * 10);
    expect(replicas.reduce((n, r) => n + r.calls(), 0)).toBeLessThan(1200 / 2);
  });
});

describe('RedisRateLimiter: a call that fails while Redis is up', () => {
  it.each(['error', 'timeout'] as const)('(%s) is decided by the local fallback and counted; a failing call is logged, at most once per 10 s', async (reason) => {
    const lines: string[] = [];
    const capture = createLogger({ level: 'info', destination: new Writable({ write: (c: Buffer, _e, done) => { lines.push(c.toString()); done(); } }) });
    const failing = { state: 'up', run: () => Promise.reject(new RedisUnavailableError(reason, `redis ${reason}`)) } as unknown as RedisConnection;
    const local: string[] = [];
    const l = new RedisRateLimiter({ redis: failing, replicas: 3, logger: capture, onLocal: (k) => local.push(k) });
    const limit = { requestsPerSecond: 0.003, burst: 8.997 }; // 3 per replica locally
    expect(await takeN(l, 'k', limit, 5)).toEqual([true, true, true, false, false]);
    expect(local).toHaveLength(5);
    expect(lines.filter((line) => line.includes('shared rate limit call failed'))).toHaveLength(reason === 'error' ? 1 : 0);
  });
});
