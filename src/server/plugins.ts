import type { PluginConfig, PluginsConfig } from '../config/types.js';

const index = new WeakMap<PluginsConfig, Map<string, Map<string, PluginConfig>>>();

/**
 * A tenant's plugins by id, built once per config model (a reload brings a new model, so
 * the cache can never serve a plugin from another snapshot).
 */
export function pluginsOf(config: PluginsConfig, tenant: string): ReadonlyMap<string, PluginConfig> {
  let byTenant = index.get(config);
  if (!byTenant) {
    byTenant = new Map();
    index.set(config, byTenant);
  }
  let plugins = byTenant.get(tenant);
  if (!plugins) {
    plugins = new Map();
    const list = Object.hasOwn(config.tenants, tenant) ? (config.tenants[tenant] ?? []) : [];
    for (const plugin of list) plugins.set(plugin.id, plugin);
    byTenant.set(tenant, plugins);
  }
  return plugins;
}
