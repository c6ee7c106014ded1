import type { ApiPermission, GrantsConfig, PluginConfig, PluginsConfig } from '../../src/config/index.js';

/** How large a generated config is. */
export interface GeneratedConfigSize {
  tenants: number;
  plugins: number;
  /** API allow-list entries per plugin. */
  entries: number;
  /** Every entry of its own shape (segment count and literal positions): the index's worst case. */
  distinctShapes?: boolean;
}

/**
 * The allow-list entries of one resource: the shapes real plugins declare (collection, item,
 * sub-resources, a prefix, a parameter first), so a long allow-list repeats shapes with other literals.
 */
function resourceEntries(plugin: string, resource: string): ApiPermission[] {
  const base = `/api/${plugin}/${resource}`;
  return [
    { method: 'GET', path: base },
    { method: 'POST', path: base },
    { method: 'GET', path: `${base}/{id}` },
    { method: 'PUT', path: `${base}/{id}` },
    { method: 'DELETE', path: `${base}/{id}` },
    { method: 'GET', path: `${base}/{id}/history` },
    { method: 'POST', path: `${base}/{id}/notes` },
    { method: 'PATCH', path: `${base}/{id}/items/{item}` },
    { method: 'GET', path: `/api/${plugin}/files/${resource}/**` },
    { method: 'GET', path: `/{region}/api/${plugin}/${resource}` },
  ];
}

/** `entries` allow-list entries for a plugin: whole resources of ten entries, cut to length. */
export function generatedAllowList(plugin: string, entries: number): ApiPermission[] {
  const out: ApiPermission[] = [];
  for (let r = 0; out.length < entries; r++) out.push(...resourceEntries(plugin, `res${r}`));
  return out.slice(0, entries);
}

/**
 * `entries` GET entries of which no two share a shape: lengths 1 to 8, every mask of literal and
 * parameter segments, every other one a prefix. The index then narrows by shape no better than a scan.
 */
export function distinctShapesAllowList(plugin: string, entries: number): ApiPermission[] {
  const out: ApiPermission[] = [];
  for (let length = 1; out.length < entries; length++) {
    for (let mask = 0; mask < 2 ** length && out.length < entries; mask++) {
      const parts = Array.from({ length }, (_, j) => ((mask >> j) & 1 ? `{p${j}}` : j === 0 ? plugin : `l${j}`));
      out.push({ method: 'GET', path: `/${parts.join('/')}${out.length % 2 ? '/**' : ''}` });
    }
  }
  return out;
}

/** A compatible plugin with these permissions, as parsePluginsConfig would return it. */
export function pluginWith(id: string, api: ApiPermission[], sse: string[]): PluginConfig {
  return {
    id,
    version: '1.0.0',
    engine: { experience: '>=1.0.0 <2.0.0' },
    bundle: { file: `/app/plugins/${id}/1.0.0/index.esm.js` },
    permissions: { api, sse },
    contributions: { routes: [{ path: `/${id}`, component: 'Page', resource: 'plugin.route', action: 'view' }], widgets: [] },
  };
}

function generatedPlugin(id: string, size: GeneratedConfigSize): PluginConfig {
  const api = size.distinctShapes ? distinctShapesAllowList(id, size.entries) : generatedAllowList(id, size.entries);
  return pluginWith(id, api, [id, `${id}.events`]);
}

/**
 * A validated model (as parsePluginsConfig returns it) of `tenants` tenants with `plugins` plugins
 * each and `entries` API entries per plugin: the configs the benchmark and the large-config tests use.
 * @example compileRegistry(...Object.values(generatedConfig({ tenants: 10, plugins: 20, entries: 100 })), { hostVersion: '1.4.0' })
 */
export function generatedConfig(size: GeneratedConfigSize): { plugins: PluginsConfig; grants: GrantsConfig } {
  const tenants: PluginsConfig['tenants'] = {};
  const grants: GrantsConfig['tenants'] = {};
  for (let t = 0; t < size.tenants; t++) {
    const host = `tenant${t}.example`;
    tenants[host] = Array.from({ length: size.plugins }, (_, p) => generatedPlugin(`plugin${p}`, size));
    grants[host] = { roles: { member: [{ resource: 'plugin.route', action: 'view' }] }, users: {} };
  }
  return { plugins: { tenants, upstreams: [] }, grants: { tenants: grants } };
}
