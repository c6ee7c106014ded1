/**
 * Per tenant and plugin rate limit for allowed plugin calls. The limit is the plugin's
 * `rateLimit` from the request's snapshot, else the server default. The plugin is the one the
 * plugin guard allowed (`ctx.state.plugin`), never what the request or the log says.
 */
import { TooManyRequestsError } from '../../errors.js';
import type { BffMetrics } from '../../metrics/index.js';
import type { GuardStep } from '../../pipeline/index.js';
import { pluginsOf } from '../../plugins.js';
import type { RateLimit, RateLimitResult, RateLimiter } from '../../ratelimit/index.js';
import type { BffContext } from '../../state.js';
import { pluginOf } from '../plugin-guard/index.js';
import { snapshotOf } from '../snapshot/index.js';
import { tenantOf } from '../tenant/index.js';

export interface RateLimitOptions {
  limiter: RateLimiter;
  defaults: RateLimit;
  metrics: BffMetrics;
}

/** The rate-limit step: passes an allowed call, refuses one over its limit with 429 `rate_limited` and Retry-After. */
export function rateLimitStep(options: RateLimitOptions): GuardStep {
  const { limiter, defaults, metrics } = options;
  function judge(ctx: BffContext, tenant: string, plugin: string, result: RateLimitResult): void {
    if (result.allowed) return;
    metrics.rateLimited.inc({ tenant, plugin });
    ctx.state.log.reason = 'rate_limited';
    throw new TooManyRequestsError('rate_limited', 'Too many requests from this plugin', result.retryAfterSeconds);
  }
  return {
    name: 'rate-limit',
    needs: ['snapshot', 'tenant', 'plugin'],
    run(ctx) {
      const tenant = tenantOf(ctx);
      const plugin = pluginOf(ctx);
      const limit = pluginsOf(snapshotOf(ctx).config, tenant).get(plugin)?.rateLimit ?? defaults;
      const key = `${tenant}\u0000${plugin}`;
      // An in-process limiter answers at once: no promise, no async frame on the hot path.
      if (limiter.takeNow) return judge(ctx, tenant, plugin, limiter.takeNow(key, limit));
      return limiter.consume(key, limit).then((result) => judge(ctx, tenant, plugin, result));
    },
  };
}
