import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../metrics/index.js';
import { MemoryRateLimiter, type RateLimit, type RateLimitResult, type RateLimiter } from '../../ratelimit/index.js';
import { testContext, testSnapshot, testSource } from '../../testing/context.js';
import { recognisedPlugin } from '../plugin-guard/index.js';
import { rateLimitStep } from './index.js';

const DEFAULTS: RateLimit = { requestsPerSecond: 50, burst: 0 };

function allowedCall(plugin: string) {
  const ctx = testContext({ url: '/api/hello' });
  ctx.state.snapshot = testSnapshot();
  ctx.state.tenant = 'localhost';
  ctx.state.plugin = recognisedPlugin(plugin);
  return ctx;
}

/** A limiter that records what it was asked, answering `allowed` (asynchronously: a shared store). */
function recordingLimiter(allowed: boolean): RateLimiter & { asked: Array<[string, RateLimit]> } {
  const asked: Array<[string, RateLimit]> = [];
  return {
    asked,
    consume: (key, limit) => {
      asked.push([key, limit]);
      return Promise.resolve<RateLimitResult>({ allowed, remaining: 0, retryAfterSeconds: 2.5 });
    },
    close: () => Promise.resolve(),
  };
}

const metricsFor = () => createMetrics(testSource(testSnapshot()), { defaultMetrics: false });

describe('rateLimitStep', () => {
  it('keys the bucket by tenant and ctx.state.plugin, never by the log', async () => {
    const limiter = recordingLimiter(true);
    const ctx = allowedCall('hello');
    ctx.state.log.plugin = 'something-else';
    await rateLimitStep({ limiter, defaults: DEFAULTS, metrics: metricsFor() }).run(ctx);
    // hello's own rateLimit from the snapshot's config
    expect(limiter.asked).toEqual([['localhost\u0000hello', { requestsPerSecond: 1, burst: 1 }]]);
  });

  it('uses the server default for a plugin without a rateLimit', async () => {
    const limiter = recordingLimiter(true);
    await rateLimitStep({ limiter, defaults: DEFAULTS, metrics: metricsFor() }).run(allowedCall('unconfigured'));
    expect(limiter.asked[0]?.[1]).toBe(DEFAULTS);
  });

  it('refuses over the limit with 429 rate_limited, Retry-After and the metric', async () => {
    const metrics = metricsFor();
    const ctx = allowedCall('hello');
    await expect(rateLimitStep({ limiter: recordingLimiter(false), defaults: DEFAULTS, metrics }).run(ctx)).rejects.toMatchObject({
      name: 'TooManyRequestsError',
      code: 'rate_limited',
      retryAfterSeconds: 2.5,
    });
    expect(ctx.state.log.reason).toBe('rate_limited');
    expect((await metrics.rateLimited.get()).values).toEqual([{ value: 1, labels: { tenant: 'localhost', plugin: 'hello' } }]);
  });

  it('answers synchronously with an in-process limiter (no promise on the hot path)', () => {
    const step = rateLimitStep({ limiter: new MemoryRateLimiter(), defaults: DEFAULTS, metrics: metricsFor() });
    const ctx = allowedCall('hello');
    expect(step.run(ctx)).toBeUndefined();
    expect(step.run(ctx)).toBeUndefined();
    // hello may send 1 per second plus a burst of 1: the third is refused at once
    expect(() => step.run(ctx)).toThrow(expect.objectContaining({ code: 'rate_limited' }));
  });

  it('needs the plugin a guard allowed: it cannot run before one', () => {
    const step = rateLimitStep({ limiter: new MemoryRateLimiter(), defaults: DEFAULTS, metrics: metricsFor() });
    expect(step.needs).toEqual(['snapshot', 'tenant', 'plugin']);
    const ctx = allowedCall('hello');
    ctx.state.plugin = undefined;
    expect(() => step.run(ctx)).toThrow('no guard step allowed a plugin for this request');
  });
});
