/**
 * "Only once" guards of the sign-in: a sealed sign-in is good for one callback, a logout_token
 * for one back-channel logout (its `jti`). With replicas the guard must be shared, or the same
 * token replayed to another replica would be acted on again: in Redis (SET NX with a TTL) when
 * REDIS_URL is set, else in this process.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { StoreUnavailableError } from '../errors.js';
import { RedisUnavailableError, type RedisClient, type RedisConnection } from '../redis/index.js';

export interface ReplayGuard {
  /** True the first time `key` is used within `ttlSeconds` (on any replica sharing the guard), false after. */
  firstUse(key: string, ttlSeconds: number): Promise<boolean>;
  /** Forgets `key`: the action it guarded failed and may be tried again. */
  release(key: string): Promise<void>;
}

export class MemoryReplayGuard implements ReplayGuard {
  readonly #seen = new LRUCache<string, true>({ max: 100_000, ttlAutopurge: false, ttl: 1000 });

  async firstUse(key: string, ttlSeconds: number): Promise<boolean> {
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, true, { ttl: ttlSeconds * 1000 });
    return true;
  }

  async release(key: string): Promise<void> {
    this.#seen.delete(key);
  }
}

const PREFIX = 'xp:once:';
const name = (key: string) => PREFIX + createHash('sha256').update(key).digest('base64url');

/** Fails closed: when Redis cannot answer, nothing counts as a first use (503 `session_store_unavailable`). */
export class RedisReplayGuard implements ReplayGuard {
  constructor(private readonly redis: RedisConnection) {}

  async firstUse(key: string, ttlSeconds: number): Promise<boolean> {
    const reply = await this.#run((c) => c.set(name(key), '1', { condition: 'NX', expiration: { type: 'EX', value: ttlSeconds } }));
    return reply === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.#run((c) => c.del(name(key)));
  }

  async #run<T>(call: (client: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await this.redis.run(call);
    } catch (error) {
      if (error instanceof RedisUnavailableError) throw new StoreUnavailableError('session_store_unavailable', 'Sessions cannot be checked right now: try again shortly');
      throw error;
    }
  }
}
