import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../../test/support/redis-server.js';
import { createLogger } from '../logger.js';
import { backoffMs, connectRedis, RedisStartError, RedisUnavailableError, shownUrl, type StoreState } from './index.js';

const logger = createLogger({ level: 'silent' });

describe('backoffMs', () => {
  it('doubles from 50 ms up to 2 s, plus up to 100 ms of jitter', () => {
    const none = (n: number) => backoffMs(n, () => 0);
    expect([0, 1, 2, 3, 4, 5, 6, 10, 1000].map(none)).toEqual([50, 100, 200, 400, 800, 1600, 2000, 2000, 2000]);
    expect(backoffMs(0, () => 0.999)).toBe(149);
  });
});

describe('shownUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://:s3cret@cache:6379/0', 'redis://cache:6379/0'],
    ['rediss://user:s3cret@cache:6380', 'rediss://cache:6380'],
    ['not a url', 'redis://<unparseable>'],
  ])('%s is shown as %s', (url, shown) => {
    expect(shownUrl(url)).toBe(shown);
    expect(shownUrl(url)).not.toContain('s3cret');
  });
});

describe('connectRedis', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses to start when Redis cannot be reached, naming it without its password, and leaves nothing open', async () => {
    await server.stop();
    const url = `redis://:hunter2-password@127.0.0.1:${server.port}`;
    const started = Date.now();
    const failure = await connectRedis({ url, logger, timeoutMs: 200, connectTimeoutMs: 700, startDegraded: false }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RedisStartError);
    const message = (failure as Error).message;
    expect(message).toContain(`redis://127.0.0.1:${server.port}`);
    expect(message).toContain('REDIS_START_DEGRADED=true');
    expect(message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(5000);
    await server.start();
    // Nothing kept trying: once Redis is back, the only client is this test's own.
    await new Promise((r) => setTimeout(r, 2500));
    const probe = createClient({ url: server.url });
    await probe.connect();
    expect(String(await probe.sendCommand(['CLIENT', 'LIST'])).trim().split('\n')).toHaveLength(1);
    await probe.close();
  });

  it('with startDegraded, starts down, refuses calls at once, and comes up when Redis does', async () => {
    await server.stop();
    const redis = await connectRedis({ url: server.url, logger, timeoutMs: 200, connectTimeoutMs: 300, startDegraded: true, healthCheckMs: 100 });
    const changes: StoreState[] = [];
    redis.onStateChange((s) => changes.push(s));
    expect(redis.state).toBe('down');
    await expect(redis.run((c) => c.ping())).rejects.toSatisfy((e) => e instanceof RedisUnavailableError && e.reason === 'down');
    await server.start();
    await expect.poll(() => redis.state, { timeout: 10_000 }).toBe('up');
    expect(await redis.run((c) => c.ping())).toBe('PONG');
    expect(changes).toEqual(['up']);
    await redis.close();
  });

  it('a subscription made while Redis is away is made when it comes back, and made again after every reconnection', async () => {
    await server.stop();
    const redis = await connectRedis({ url: server.url, logger, timeoutMs: 200, connectTimeoutMs: 300, startDegraded: true, healthCheckMs: 100 });
    const heard: string[] = [];
    let resubscribed = 0;
    const off = redis.subscribe('xp:test', (m) => heard.push(m), () => (resubscribed += 1));
    await server.start();
    await expect.poll(() => redis.state, { timeout: 10_000 }).toBe('up');
    const publisher = createClient({ url: server.url });
    await publisher.connect();
    await expect.poll(async () => {
      await publisher.publish('xp:test', 'first');
      return heard.includes('first');
    }, { timeout: 5000 }).toBe(true);
    await publisher.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await expect.poll(() => resubscribed, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    await publisher.publish('xp:test', 'second');
    await expect.poll(() => heard).toContain('second');
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.filter((m) => m === 'second')).toHaveLength(1); // one listener, however often it was subscribed
    await off();
    await publisher.publish('xp:test', 'third');
    await new Promise((r) => setTimeout(r, 200));
    expect(heard).not.toContain('third');
    await publisher.close();
    await redis.close();
  });

  it('a failing call is an error, not a timeout, and does not turn the state down', async () => {
    const redis = await connectRedis({ url: server.url, logger, timeoutMs: 500, connectTimeoutMs: 3000, startDegraded: false });
    await expect(redis.run((c) => c.sendCommand(['NO-SUCH-COMMAND']))).rejects.toSatisfy((e) => e instanceof RedisUnavailableError && e.reason === 'error');
    expect(redis.state).toBe('up');
    await redis.close();
  });
});
