/**
 * The Redis that replicas share (REDIS_URL): one command connection and one subscriber
 * connection per process, reconnecting with backoff, with a state `up | down` that the stores,
 * `/readyz` and `experience_store_up{store="redis"}` read.
 *
 * How a store uses it:
 * - every command goes through `connection.run(client => ...)`: bounded by REDIS_TIMEOUT_MS,
 *   refused at once while `down`; failures are a RedisUnavailableError (`reason` down, timeout,
 *   error), never a raw client error, so a store decides in one place what an outage means
 *   (sessions fail closed, the rate limiter falls back to local buckets);
 * - scripts go through `runScript` (EVALSHA, loaded on NOSCRIPT);
 * - pub/sub through `connection.subscribe(channel, listener, onResubscribed)`: node-redis
 *   resubscribes after a reconnection and then `onResubscribed` runs, for a store to catch up on
 *   what it missed (pub/sub does not keep messages);
 * - a blocking read (XREAD BLOCK) needs its own connection: `client.duplicate()` inside `run`
 *   would share the timeout, so create it beside this module, not through it.
 *
 * Keys are prefixed `xp:` and the scripts touch only the keys of one session or bucket: a single
 * Redis (or a primary with replicas behind Sentinel), not Redis Cluster.
 *
 * @example
 * const redis = await connectRedis({ url, logger, timeoutMs: 500, connectTimeoutMs: 5000, startDegraded: false });
 * const value = await redis.run((client) => client.get('xp:example'));
 */
export { backoffMs, connectRedis, type RedisClient, type RedisConnection, type RedisOptions, type StoreState } from './connection.js';
export { RedisStartError, RedisUnavailableError, shownUrl, type RedisFailure } from './errors.js';
export { registerStoreMetrics, type StoreMetrics } from './metrics.js';
export { defineScript, runScript, type Script } from './script.js';
