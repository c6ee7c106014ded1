export type { RateLimit, RateLimitResult, RateLimiter } from './types.js';
export { MemoryRateLimiter } from './memory.js';
export { RedisRateLimiter, localShare, type RedisRateLimiterOptions } from './redis.js';
