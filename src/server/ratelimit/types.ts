export interface RateLimit {
  /** Sustained requests per second. */
  requestsPerSecond: number;
  /** Extra requests allowed in a burst above the sustained rate. */
  burst: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Whole requests left in the bucket after this one. */
  remaining: number;
  /** When refused: seconds until one request would be allowed. */
  retryAfterSeconds: number;
}

/**
 * Counts requests per key. In memory for one process now; a shared-store implementation
 * (several replicas) can replace it without the server changing, hence the Promise.
 */
export interface RateLimiter {
  /**
   * Takes one request from `key`'s bucket under `limit`, which is the caller's current limit
   * (a reload may change it between calls). A changed limit applies at once to the bucket as it
   * stands: a lower capacity caps what is left, a higher one is reached by refilling at the new
   * rate, never granted in one step. So neither tightening nor loosening resets a bucket.
   */
  consume(key: string, limit: RateLimit): Promise<RateLimitResult>;
  /** The same as `consume`, answered at once, for a limiter that keeps its buckets in this process (optional). */
  takeNow?(key: string, limit: RateLimit): RateLimitResult;
  close(): Promise<void>;
}
