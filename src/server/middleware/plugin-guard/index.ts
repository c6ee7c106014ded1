/**
 * Judges a plugin API call with the engine's `api` decision: the HTTP layer matches nothing
 * itself. The path judged is the raw request path, exactly what the proxy forwards.
 */
import { isEngineFailure } from '../../../engine/index.js';
import { pluginLabel } from '../../decisions.js';
import { AllowlistViolationError, InputError, NotAllowedError, UnavailableError } from '../../errors.js';
import type { BffMetrics } from '../../metrics/index.js';
import { snapshotOf, tenantOf, type BffContext } from '../../state.js';
import { rawPath } from '../../request-target.js';

/** The plugin id header, as sent (absent or empty: none). */
export function pluginIdHeader(ctx: BffContext): string | undefined {
  const value = ctx.req.headers['x-plugin-id'];
  const id = Array.isArray(value) ? value.join(',') : value;
  return id ? id : undefined;
}

/**
 * The plugin guard, composed directly on the plugin-call path (see router.ts): records the
 * decision (log fields, metric) and throws the refusal; returns only for an allowed call.
 */
export function createPluginJudge(options: { metrics: BffMetrics }): (ctx: BffContext) => void {
  return function judgePluginCall(ctx) {
    const tenant = tenantOf(ctx);
    const pluginId = pluginIdHeader(ctx);
    const path = rawPath(ctx);
    const decision = snapshotOf(ctx).engine.api({ tenant, plugin_id: pluginId ?? null, method: ctx.method, path });
    const label = pluginLabel(decision.reason, pluginId);
    const { log } = ctx.state;
    log.plugin = label === 'unknown' ? undefined : label;
    log.decision = decision.allow ? 'allow' : 'deny';
    log.reason = decision.reason;
    options.metrics.pluginRequests.inc({ tenant, plugin: label, decision: decision.allow ? 'allowed' : 'denied', reason: decision.reason });
    if (decision.allow) return;
    switch (decision.reason) {
      case 'missing_plugin_id':
        throw new NotAllowedError('missing_plugin_id', 'Plugin API calls must carry X-Plugin-Id');
      case 'malformed_path':
        throw new InputError('malformed_path', 'Malformed request path');
      default:
        if (isEngineFailure(decision.reason)) throw new UnavailableError('decision_unavailable', 'The request could not be authorised');
        throw new AllowlistViolationError('allowlist_violation', 'This plugin may not call this API');
    }
  };
}
