/**
 * The rate limiter's fallback, through the whole plugin-call path: three replicas (in this
 * process) share Redis for rate limits, while each keeps its sessions in memory, so that a call
 * still passes the session check with Redis down, as one does whose session was read just
 * before Redis failed. Down, each replica allows 1/REPLICAS of the limit from a local bucket
 * (together about the limit); back, the shared bucket decides again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../src/server/sessions/memory-store.js';
import { startBff, type TestBff } from '../support/bff.js';
import { devLogin } from '../support/client.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { metricValue, pluginCall } from './support.js';

// Capacity 30 in all, refilled at 1/s (slow enough not to blur the counts); 10 per replica while Redis is down.
const LIMIT = { RATE_LIMIT_RPS: '1', RATE_LIMIT_BURST: '29' };

describe('three replicas, Redis down: the local fallback limiter', () => {
  let redis: RedisServer;
  let bffs: TestBff[];
  beforeAll(async () => {
    redis = await startRedis();
    bffs = await Promise.all([0, 1, 2].map(() => startBff({ REDIS_URL: redis.url, REPLICAS: '3', REDIS_TIMEOUT_MS: '300', ...LIMIT }, { sessionStore: new MemorySessionStore({ max: 100 }) })));
  });
  afterAll(async () => {
    await Promise.all((bffs ?? []).map((b) => b.close()));
    await redis?.close();
  });

  const burst = async (bff: TestBff, cookie: string, n: number) => {
    let allowed = 0;
    for (let i = 0; i < n; i++) if ((await pluginCall(bff.port, cookie)).status === 200) allowed += 1;
    return allowed;
  };
  const local = async (bff: TestBff) => metricValue((await bff.metricsHttp().get('/metrics')).text, 'experience_rate_limit_local_decisions_total');

  it('allows each replica 1/REPLICAS of the limit while Redis is down, and shares the limit again once it is back', async () => {
    const cookies = await Promise.all(bffs.map((b) => devLogin(b.port)));
    await redis.stop();
    for (const b of bffs) await expect.poll(async () => (await b.metricsHttp().get('/readyz')).body.stores.redis.state).toBe('down');
    const down = await Promise.all(bffs.map((b, i) => burst(b, cookies[i]!, 20)));
    // 10 each (the share of a capacity of 30), and at most a token more refilled at 1/3 per second meanwhile.
    for (const allowed of down) {
      expect(allowed).toBeGreaterThanOrEqual(10);
      expect(allowed).toBeLessThanOrEqual(11);
    }
    for (const b of bffs) expect(await local(b)).toBe(20);

    await redis.start();
    for (const b of bffs) await expect.poll(async () => (await b.metricsHttp().get('/readyz')).body.stores.redis.state, { timeout: 10_000 }).toBe('up');
    // One bucket again (Redis restarted empty: a full one), for the three together.
    const up = await Promise.all(bffs.map((b, i) => burst(b, cookies[i]!, 20)));
    const total = up.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(30);
    expect(total).toBeLessThanOrEqual(33);
    for (const b of bffs) expect(await local(b)).toBe(20);
  });
});
