import { byCodeUnit } from './code-unit-order.js';
import type { PluginsConfig } from './types.js';

/** A plugin the operator turned off for one tenant (plugins.yaml `disabled`). */
export interface DisabledPlugin {
  tenant: string;
  plugin: string;
  version: string;
  /** The operator's words: for explain, the operators' /readyz and the log, never for a browser. */
  reason: string;
}

/**
 * Every disabled plugin of a config model, tenants in code-unit order and plugins in file order,
 * so that the reload log and /readyz list them the same way each time.
 * @example disabledPlugins(snapshot.config) // [{ tenant: 'localhost', plugin: 'orders', version: '2.1.0', reason: 'INC-1' }]
 */
export function disabledPlugins(config: PluginsConfig): DisabledPlugin[] {
  return Object.keys(config.tenants)
    .sort(byCodeUnit)
    .flatMap((tenant) =>
      (config.tenants[tenant] ?? []).flatMap((p) => (p.disabled ? [{ tenant, plugin: p.id, version: p.version, reason: p.disabled.reason }] : [])),
    );
}
