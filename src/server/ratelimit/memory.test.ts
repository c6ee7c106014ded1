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

describe('MemoryRateLimiter when the limit changes (a reload changed rateLimit)', () => {
  it('tightening caps the bucket at the new capacity at once', () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const wide = { requestsPerSecond: 100, burst: 100 };
    for (let i = 0; i < 10; i++) expect(limiter.take('k', wide).allowed).toBe(true);
    const narrow = { requestsPerSecond: 1, burst: 1 };
    expect([1, 2, 3].map(() => limiter.take('k', narrow).allowed)).toEqual([true, true, false]);
    now += 1000;
    expect([1, 2].map(() => limiter.take('k', narrow).allowed)).toEqual([true, false]);
  });

  it('loosening refills at the new rate from what is left, never in one step', () => {
    let now = 0;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const narrow = { requestsPerSecond: 1, burst: 1 };
    expect([1, 2, 3].map(() => limiter.take('k', narrow).allowed)).toEqual([true, true, false]);
    const wide = { requestsPerSecond: 5, burst: 5 };
    expect(limiter.take('k', wide).allowed).toBe(false);
    now += 1000; // five tokens at the new rate (the old one would give one)
    expect(Array.from({ length: 6 }, () => limiter.take('k', wide).allowed)).toEqual([true, true, true, true, true, false]);
    now += 10_000; // full at the new capacity, not more
    expect(Array.from({ length: 11 }, () => limiter.take('k', wide).allowed).filter(Boolean)).toHaveLength(10);
  });
});
