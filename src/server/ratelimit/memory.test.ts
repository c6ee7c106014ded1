import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './memory.js';

describe('MemoryRateLimiter', () => {
  it('allows rps + burst at once, then refills at rps', () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const limit = { requestsPerSecond: 2, burst: 3 };
    const results = Array.from({ length: 6 }, () => limiter.take('k', limit).allowed);
    expect(results).toEqual([true, true, true, true, true, false]);
    const refused = limiter.take('k', limit);
    expect(refused.retryAfterSeconds).toBeCloseTo(0.5);
    now += 500; // one token back
    expect(limiter.take('k', limit).allowed).toBe(true);
    expect(limiter.take('k', limit).allowed).toBe(false);
  });

  it('keeps keys apart', async () => {
    const limiter = new MemoryRateLimiter({ now: () => 0 });
    const limit = { requestsPerSecond: 1, burst: 0 };
    expect((await limiter.consume('a', limit)).allowed).toBe(true);
    expect((await limiter.consume('a', limit)).allowed).toBe(false);
    expect((await limiter.consume('b', limit)).allowed).toBe(true);
  });
});
