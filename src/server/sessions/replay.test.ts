import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../test/support/redis-server.js';
import { StoreUnavailableError } from '../errors.js';
import { createLogger } from '../logger.js';
import { connectRedis, type RedisConnection } from '../redis/index.js';
import { MemoryReplayGuard, RedisReplayGuard, type ReplayGuard } from './replay.js';

let server: RedisServer;
const connections: RedisConnection[] = [];
const connect = async () => {
  const c = await connectRedis({ url: server.url, logger: createLogger({ level: 'silent' }), timeoutMs: 500, connectTimeoutMs: 5000, startDegraded: false, healthCheckMs: 100 });
  connections.push(c);
  return c;
};

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await server?.close();
});

// [name, two guards that must agree: one replica and another (the same object in memory)]
const GUARDS: Array<[string, () => Promise<[ReplayGuard, ReplayGuard]>]> = [
  ['memory', async () => {
    const g = new MemoryReplayGuard();
    return [g, g];
  }],
  ['redis, two replicas', async () => [new RedisReplayGuard(await connect()), new RedisReplayGuard(await connect())]],
];

describe.each(GUARDS)('%s replay guard', (_name, make) => {
  it('a key is a first use once, on whichever replica; released, it may be used again; keys stay apart', async () => {
    const [one, two] = await make();
    const key = `jti-${Math.random()}`;
    expect(await one.firstUse(key, 60)).toBe(true);
    expect(await two.firstUse(key, 60)).toBe(false);
    expect(await one.firstUse(key, 60)).toBe(false);
    expect(await two.firstUse(`${key}-other`, 60)).toBe(true);
    await two.release(key);
    expect(await one.firstUse(key, 60)).toBe(true);
  });

  it('concurrent uses of one key: exactly one is first', async () => {
    const [one, two] = await make();
    const key = `state-${Math.random()}`;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).firstUse(key, 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('a key is forgotten after its TTL', async () => {
    const [one] = await make();
    const key = `short-${Math.random()}`;
    expect(await one.firstUse(key, 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await one.firstUse(key, 1)).toBe(true);
  });
});

it('the Redis guard fails closed: with Redis stopped nothing is a first use', async () => {
  const redis = await connect();
  const guard = new RedisReplayGuard(redis);
  await server.stop();
  await expect.poll(() => redis.state).toBe('down');
  await expect(guard.firstUse('k', 60)).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(guard.release('k')).rejects.toBeInstanceOf(StoreUnavailableError);
  await server.start();
});
