import { LRUCache } from 'lru-cache';
import type { RateLimit, RateLimitResult, RateLimiter } from './types.js';

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Token bucket per key: capacity `requestsPerSecond + burst`, refilled at `requestsPerSecond`,
 * both taken from the limit of each call (see RateLimiter.consume for a changed limit).
 * Buckets live in a bounded LRU; an evicted bucket comes back full, which only ever errs on
 * the side of a key that has been idle longest.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets: LRUCache<string, Bucket>;
  private readonly now: () => number;

  constructor(options: { maxKeys?: number; now?: () => number } = {}) {
    this.buckets = new LRUCache({ max: options.maxKeys ?? 10_000 });
    this.now = options.now ?? (() => performance.now());
  }

  consume(key: string, limit: RateLimit): Promise<RateLimitResult> {
    return Promise.resolve(this.take(key, limit));
  }

  takeNow(key: string, limit: RateLimit): RateLimitResult {
    return this.take(key, limit);
  }

  /** Synchronous core, also used by tests. */
  take(key: string, limit: RateLimit): RateLimitResult {
    const capacity = limit.requestsPerSecond + limit.burst;
    const now = this.now();
    let bucket = this.buckets.get(key);
    const fresh = bucket === undefined;
    bucket ??= { tokens: capacity, updated: now };
    const elapsed = Math.max(0, now - bucket.updated) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * limit.requestsPerSecond);
    bucket.updated = now;
    let result: RateLimitResult;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      result = { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    } else {
      result = { allowed: false, remaining: 0, retryAfterSeconds: (1 - bucket.tokens) / limit.requestsPerSecond };
    }
    // A bucket already held was updated in place (and made most recent by get).
    if (fresh) this.buckets.set(key, bucket);
    return result;
  }

  close(): Promise<void> {
    this.buckets.clear();
    return Promise.resolve();
  }
}
