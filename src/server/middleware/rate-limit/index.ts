/**
 * Per tenant and plugin rate limit for allowed plugin calls. The limit is the plugin's
 * `rateLimit` from the request's snapshot, else the server default.
 */
import { TooManyRequestsError } from '../../errors.js';
import type { BffMetrics } from '../../metrics/index.js';
import { pluginsOf } from '../../plugins.js';
import type { RateLimit, RateLimiter } from '../../ratelimit/index.js';
import { snapshotOf, tenantOf, type BffContext } from '../../state.js';

/** Composed directly on the plugin-call path (see router.ts): resolves for an allowed call, rejects with the 429. */
export function createRateCheck(options: { limiter: RateLimiter; defaults: RateLimit; metrics: BffMetrics }): (ctx: BffContext) => Promise<void> {
  return async function checkRateLimit(ctx) {
    const tenant = tenantOf(ctx);
    const plugin = ctx.state.log.plugin;
    if (plugin === undefined) throw new Error('rate limit runs after the plugin guard');
    const limit = pluginsOf(snapshotOf(ctx).config, tenant).get(plugin)?.rateLimit ?? options.defaults;
    const result = await options.limiter.consume(`${tenant}\u0000${plugin}`, limit);
    if (!result.allowed) {
      options.metrics.rateLimited.inc({ tenant, plugin });
      ctx.state.log.reason = 'rate_limited';
      throw new TooManyRequestsError('rate_limited', 'Too many requests from this plugin', result.retryAfterSeconds);
    }
  };
}
