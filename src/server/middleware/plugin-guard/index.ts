/**
 * Judges a plugin API call with the engine's `api` decision: the HTTP layer matches nothing
 * itself. The path judged is the raw request path, exactly what the proxy forwards. What a
 * refusal looks like (status, code, message, X-Allowlist-Violation) and whether the plugin id
 * may be logged and labelled come from the policy's reason catalogue (decisions.ts).
 */
import type { ApiDecision } from '../../../engine/types.js';
import { callerOf, pluginLabel, refusalOf } from '../../decisions.js';
import type { BffMetrics } from '../../metrics/index.js';
import type { GuardStep } from '../../pipeline/index.js';
import { rawPath } from '../../request-target.js';
import type { BffContext } from '../../state.js';
import { snapshotOf } from '../snapshot/index.js';
import { tenantOf } from '../tenant/index.js';
import { recognisedPlugin } from './plugin.js';

export { pluginOf, recognisedPlugin, type RecognisedPluginId } from './plugin.js';

/** The plugin id header, as sent (absent or empty: none). */
export function pluginIdHeader(ctx: BffContext): string | undefined {
  const value = ctx.req.headers['x-plugin-id'];
  const id = Array.isArray(value) ? value.join(',') : value;
  return id ? id : undefined;
}

type Child = { inc(): void };

/**
 * experience_plugin_requests_total with each label set's child kept, found by nested maps (no
 * key string or closure per request). Label values are bounded: tenants from config, plugin ids
 * only as the catalogue allows, reasons from the catalogue.
 */
function counter(metrics: BffMetrics): (tenant: string, plugin: string, decision: ApiDecision) => void {
  const children = new Map<string, Map<string, Map<string, Child>>>();
  return (tenant, plugin, decision) => {
    let byPlugin = children.get(tenant);
    if (!byPlugin) children.set(tenant, (byPlugin = new Map()));
    let byReason = byPlugin.get(plugin);
    if (!byReason) byPlugin.set(plugin, (byReason = new Map()));
    let child = byReason.get(decision.reason);
    if (!child) byReason.set(decision.reason, (child = metrics.pluginRequests.labels(tenant, plugin, decision.allow ? 'allowed' : 'denied', decision.reason)));
    child.inc();
  };
}

/**
 * The plugin guard step: asks the policy, records the decision (log fields, metric) and throws
 * the refusal; on allow sets `ctx.state.plugin` from the decision's `plugin_id`.
 */
export function pluginGuardStep(options: { metrics: BffMetrics }): GuardStep {
  const count = counter(options.metrics);
  return {
    name: 'plugin-guard',
    needs: ['snapshot', 'tenant'],
    sets: ['plugin'],
    run(ctx) {
      const { engine } = snapshotOf(ctx);
      const tenant = tenantOf(ctx);
      const decision = engine.api({ tenant, plugin_id: pluginIdHeader(ctx) ?? null, method: ctx.method, path: rawPath(ctx) }, callerOf(ctx));
      const known = engine.reasons.api.get(decision.reason);
      const label = pluginLabel(known, decision.plugin_id);
      const { log } = ctx.state;
      log.plugin = label === 'unknown' ? undefined : label;
      log.decision = decision.allow ? 'allow' : 'deny';
      log.reason = decision.reason;
      count(tenant, label, decision);
      if (!decision.allow) throw refusalOf(known, 'The request could not be authorised');
      // The engine only passes an allow that names its plugin (shapes.ts).
      ctx.state.plugin = recognisedPlugin(decision.plugin_id as string);
    },
  };
}
