/**
 * The rate limit shared by replicas: the same token bucket as MemoryRateLimiter, kept in Redis
 * and updated by one Lua script (EVALSHA: read, refill, take and write in one atomic step, on
 * Redis's clock, so replicas' clocks never matter). Why a script and not rate-limiter-flexible:
 * the bucket must follow RateLimiter's contract for a changed limit (capped at once, refilled at
 * the new rate, never reset), which is the in-memory algorithm line for line; the library's
 * limiters count points in fixed windows set per limiter instance, so a changed limit would be a
 * new limiter with a fresh count (a reset), and a window lets up to twice its points through
 * around its edge.
 *
 * The round trip is amortised: a call that finds tokens takes a lease of what `leaseMs` of the
 * rate is worth (at least one token), which the next calls here spend without asking Redis; a
 * bucket found empty is refused here until its next token is due (at most `leaseMs`). So a key
 * costs a replica at most about 1000 / leaseMs Redis calls per second however busy it is, and a
 * rate below 1000 / leaseMs per second still asks Redis for every token. Tokens are only allowed
 * after Redis handed them out; each replica holds at most one lease (a fiftieth of a second's
 * rate by default), spent within a second or dropped: the replicas together stay within the limit
 * but for those few held tokens.
 *
 * When Redis is down, slow or failing, the call is decided by a local bucket at the plugin's
 * limit divided by REPLICAS, so that all replicas together stay near the limit while each
 * decides alone; the shared buckets take over again when Redis is back.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { RedisUnavailableError, defineScript, runScript, type RedisConnection } from '../redis/index.js';
import { MemoryRateLimiter } from './memory.js';
import type { RateLimit, RateLimitResult, RateLimiter } from './types.js';

const PREFIX = 'xp:rl:';
const LEASE_MS = 20;
/** How long leased tokens may wait here to be spent before they are dropped. */
const HOLD_MS = 1000;

/**
 * KEYS: the bucket. ARGV: requestsPerSecond, burst, tokens wanted (>= 1).
 * Returns { granted (0..wanted), remaining, retryAfterSeconds (string) }.
 */
const TAKE = defineScript(`
local rate = tonumber(ARGV[1])
local capacity = rate + tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then tokens = capacity; ts = now end
tokens = math.min(capacity, tokens + math.max(0, now - ts) / 1000 * rate)
local granted = math.min(wanted, math.floor(tokens))
local retry = 0
if granted >= 1 then
  tokens = tokens - granted
else
  granted = 0
  retry = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', now))
-- A bucket left alone this long is full again; an hour at least, so a raised limit never finds it gone.
redis.call('PEXPIRE', KEYS[1], math.max(3600000, math.ceil(capacity / rate * 1000) + 1000))
return { granted, math.floor(tokens), string.format('%.17g', retry) }
`);

export interface RedisRateLimiterOptions {
  redis: RedisConnection;
  /** REPLICAS: how many replicas share the limit (the local fallback allows 1/replicas of it). */
  replicas: number;
  /** Called for every decision the local fallback made (a metric). */
  onLocal?: (key: string) => void;
  /** Where a failing script is reported (at most one line per 10 s). */
  logger?: Logger;
  /** A lease is what this much of the rate is worth, and a bucket found empty is refused here at most this long; 0: every call asks Redis. Default 20 ms. */
  leaseMs?: number;
  now?: () => number;
}

/** The local fallback's share of a limit: 1/replicas of rate and burst, and always room for one request. */
export function localShare(limit: RateLimit, replicas: number): RateLimit {
  const requestsPerSecond = limit.requestsPerSecond / replicas;
  return { requestsPerSecond, burst: Math.max(limit.burst / replicas, 1 - requestsPerSecond) };
}

/** Tokens Redis handed this replica (spent here until `expiresAt`), or a bucket found empty (refused here until `retryAt`). */
interface Held {
  tokens: number;
  expiresAt: number;
  retryAt: number;
  /** The limit they were taken under. */
  requestsPerSecond: number;
  burst: number;
}

/**
 * @example
 * const limiter = new RedisRateLimiter({ redis, replicas: settings.replicas });
 * const { allowed } = await limiter.consume(`${tenant}\u0000${plugin}`, { requestsPerSecond: 50, burst: 100 });
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisConnection;
  readonly #replicas: number;
  readonly #local = new MemoryRateLimiter();
  readonly #onLocal: ((key: string) => void) | undefined;
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #held = new LRUCache<string, Held>({ max: 10_000 });
  readonly #logger: Logger | undefined;
  #loggedAt = 0;

  constructor(options: RedisRateLimiterOptions) {
    this.#redis = options.redis;
    this.#replicas = Math.max(1, options.replicas);
    this.#onLocal = options.onLocal;
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#logger = options.logger?.child({ source: 'ratelimit' });
  }

  consume(key: string, limit: RateLimit): Promise<RateLimitResult> {
    if (this.#redis.state === 'up') {
      const held = this.#held.get(key);
      const now = this.#now();
      // A lease (or an empty bucket) taken under another limit is not used: a reload changed it.
      if (held && held.requestsPerSecond === limit.requestsPerSecond && held.burst === limit.burst) {
        if (held.tokens >= 1 && held.expiresAt > now) {
          held.tokens -= 1;
          return Promise.resolve({ allowed: true, remaining: held.tokens, retryAfterSeconds: 0 });
        }
        if (held.retryAt > now) return Promise.resolve({ allowed: false, remaining: 0, retryAfterSeconds: (held.retryAt - now) / 1000 });
      }
      return this.#take(key, limit);
    }
    return Promise.resolve(this.#fallback(key, limit));
  }

  async #take(key: string, limit: RateLimit): Promise<RateLimitResult> {
    const wanted = Math.max(1, Math.floor((limit.requestsPerSecond * this.#leaseMs) / 1000));
    try {
      const reply = await this.#redis.run((c) => runScript(c, TAKE, [PREFIX + key], [String(limit.requestsPerSecond), String(limit.burst), String(wanted)]));
      const [grantedReply, remainingReply, retryReply] = reply as [number, number, string];
      const granted = Number(grantedReply);
      const retryAfterSeconds = Number(retryReply);
      const now = this.#now();
      if (this.#leaseMs > 0) {
        // Calls here may have asked at the same time: what their leases left is added up, never overwritten.
        const current = this.#held.get(key);
        const kept = current && current.requestsPerSecond === limit.requestsPerSecond && current.burst === limit.burst && current.expiresAt > now ? current.tokens : 0;
        this.#held.set(key, {
          tokens: kept + Math.max(0, granted - 1),
          expiresAt: granted >= 1 ? now + HOLD_MS : kept > 0 ? current!.expiresAt : 0,
          retryAt: granted >= 1 ? 0 : now + Math.min(this.#leaseMs, retryAfterSeconds * 1000),
          requestsPerSecond: limit.requestsPerSecond,
          burst: limit.burst,
        });
      }
      if (granted >= 1) return { allowed: true, remaining: Number(remainingReply) + granted - 1, retryAfterSeconds: 0 };
      return { allowed: false, remaining: 0, retryAfterSeconds };
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      // Down, slow or failing: this call is decided locally (the connection logs an outage; a
      // call failing while Redis is up is logged here, and counted as a local decision).
      if (error.reason === 'error' && Date.now() - this.#loggedAt > 10_000) {
        this.#loggedAt = Date.now();
        this.#logger?.error({ err: error.cause ?? error }, 'shared rate limit call failed: decided by the local fallback');
      }
      this.#held.delete(key);
      return this.#fallback(key, limit);
    }
  }

  #fallback(key: string, limit: RateLimit): RateLimitResult {
    this.#onLocal?.(key);
    return this.#local.take(key, localShare(limit, this.#replicas));
  }

  /** The connection belongs to whoever opened it (start.ts). */
  async close(): Promise<void> {
    this.#held.clear();
    await this.#local.close();
  }
}
