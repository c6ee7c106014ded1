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
  consume(key: string, limit: RateLimit): Promise<RateLimitResult>;
  close(): Promise<void>;
}
