/**
 * The rate limit shared by replicas: the same token bucket as MemoryRateLimiter, kept in Redis
 * and updated by one Lua script per call (EVALSHA: read, refill, take and write in one atomic
 * step, with Redis's clock, so replicas' clocks never matter). Why a script and not
 * rate-limiter-flexible: the bucket must follow RateLimiter's contract for a changed limit
 * (capped at once, refilled at the new rate, never reset), which is the in-memory algorithm
 * line for line; the library's limiters are fixed-window or keyed by their own options.
 *
 * When Redis is down, slow or failing, the call is decided by a local bucket at the plugin's
 * limit divided by REPLICAS, so that all replicas together stay near the limit while each
 * decides alone; the shared buckets take over again when Redis is back.
 */
import { RedisUnavailableError, defineScript, runScript, type RedisConnection } from '../redis/index.js';
import { MemoryRateLimiter } from './memory.js';
import type { RateLimit, RateLimitResult, RateLimiter } from './types.js';

const PREFIX = 'xp:rl:';

/** KEYS: the bucket. ARGV: requestsPerSecond, burst. Returns { allowed (0/1), remaining, retryAfterSeconds (string) }. */
const TAKE = defineScript(`
local rate = tonumber(ARGV[1])
local capacity = rate + tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then tokens = capacity; ts = now end
tokens = math.min(capacity, tokens + math.max(0, now - ts) / 1000 * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', now))
-- A bucket left alone this long is full again; an hour at least, so a raised limit never finds it gone.
redis.call('PEXPIRE', KEYS[1], math.max(3600000, math.ceil(capacity / rate * 1000) + 1000))
return { allowed, math.floor(tokens), string.format('%.17g', retry) }
`);

export interface RedisRateLimiterOptions {
  redis: RedisConnection;
  /** REPLICAS: how many replicas share the limit (the local fallback allows 1/replicas of it). */
  replicas: number;
  /** Called for every decision the local fallback made (a metric). */
  onLocal?: (key: string) => void;
}

/** The local fallback's share of a limit: 1/replicas of rate and burst, and always room for one request. */
export function localShare(limit: RateLimit, replicas: number): RateLimit {
  const requestsPerSecond = limit.requestsPerSecond / replicas;
  return { requestsPerSecond, burst: Math.max(limit.burst / replicas, 1 - requestsPerSecond) };
}

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisConnection;
  readonly #replicas: number;
  readonly #local = new MemoryRateLimiter();
  readonly #onLocal: ((key: string) => void) | undefined;

  constructor(options: RedisRateLimiterOptions) {
    this.#redis = options.redis;
    this.#replicas = Math.max(1, options.replicas);
    this.#onLocal = options.onLocal;
  }

  async consume(key: string, limit: RateLimit): Promise<RateLimitResult> {
    if (this.#redis.state === 'up') {
      try {
        const reply = await this.#redis.run((c) => runScript(c, TAKE, [PREFIX + key], [String(limit.requestsPerSecond), String(limit.burst)]));
        const [allowed, remaining, retry] = reply as [number, number, string];
        return { allowed: Number(allowed) === 1, remaining: Number(remaining), retryAfterSeconds: Number(retry) };
      } catch (error) {
        if (!(error instanceof RedisUnavailableError)) throw error;
        // Down, slow or failing: this call is decided locally (the connection logs the outage).
      }
    }
    this.#onLocal?.(key);
    return this.#local.take(key, localShare(limit, this.#replicas));
  }

  /** The connection belongs to whoever opened it (start.ts). */
  async close(): Promise<void> {
    await this.#local.close();
  }
}
