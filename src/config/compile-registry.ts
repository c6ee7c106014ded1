import semver from 'semver';
import { InputError } from '../errors/index.js';
import { byCodeUnit } from './code-unit-order.js';
import { indexApi, indexSse } from './compile-index.js';
import { parseApiTemplate } from './path-template.js';
import type { Registry, RegistryApiEntry, RegistryDocument, RegistryGrants, RegistryPlugin, RegistrySseEntry } from './registry-types.js';
import type { ApiPermission, Grant, GrantsConfig, PluginConfig, PluginsConfig } from './types.js';

export { byCodeUnit };

export interface CompileOptions {
  /** The host app version plugins' `engine.experience` ranges are checked against, e.g. `1.4.0`. */
  hostVersion: string;
}

/**
 * Compiles the validated models into the OPA data document (docs/contracts.md). Pure and
 * deterministic: keys are inserted sorted, arrays keep file order. `compatible` is resolved
 * here because the Wasm target has no semver builtins.
 * @example const doc = compileRegistry(plugins, grants, { hostVersion: '1.4.0' }); doc.registry.tenants
 */
export function compileRegistry(plugins: PluginsConfig, grants: GrantsConfig, options: CompileOptions): RegistryDocument {
  const hostVersion = options.hostVersion;
  if (semver.valid(hostVersion) !== hostVersion) {
    throw new InputError('invalid_host_version', `host version must be a canonical semver version, got ${JSON.stringify(hostVersion)}`);
  }
  const hosts = [...new Set([...Object.keys(plugins.tenants), ...Object.keys(grants.tenants)])].sort(byCodeUnit);
  const tenants = hosts.map((host) => {
    const installed = plugins.tenants[host] ?? [];
    const granted = grants.tenants[host];
    const compiled = installed.map((p) => [p.id, compilePlugin(p, hostVersion)] as const).sort(([a], [b]) => byCodeUnit(a, b));
    return [host, { grants: compileGrants(granted?.roles ?? {}, granted?.users ?? {}), plugins: Object.fromEntries(compiled) }] as const;
  });
  const registry: Registry = { host_version: hostVersion, tenants: Object.fromEntries(tenants) };
  return { registry };
}

/**
 * One API permission as data.registry holds it (upper-case method, parsed template), or why the
 * template is not one. The CLI compiles entries this way before asking the policy about them.
 */
export function compileApiPermission({ method, path }: ApiPermission): { ok: true; value: RegistryApiEntry } | { ok: false; reason: string } {
  const parsed = parseApiTemplate(path);
  if (!parsed.ok) return parsed;
  return { ok: true, value: { method: method.toUpperCase(), prefix: parsed.value.prefix, segments: parsed.value.segments, template: path } };
}

/** One SSE permission as data.registry holds it. */
export function compileSsePermission(prefix: string): RegistrySseEntry {
  return { prefix, segments: prefix.split('.') };
}

/** Whether the host version satisfies a plugin's `engine.experience` range (prereleases included): `compatible`. */
export function satisfiesEngine(hostVersion: string, range: string): boolean {
  return semver.satisfies(hostVersion, range, { includePrerelease: true });
}

function compilePlugin(plugin: PluginConfig, hostVersion: string): RegistryPlugin {
  const api = plugin.permissions.api.map((permission): RegistryApiEntry => {
    const compiled = compileApiPermission(permission);
    // The model was validated; a bad template here means it was built by hand, not parsed.
    if (!compiled.ok) throw new InputError('config_invalid', `plugin ${plugin.id}: ${permission.path}: ${compiled.reason}`);
    return compiled.value;
  });
  const sse = plugin.permissions.sse.map(compileSsePermission);
  return {
    api,
    api_index: indexApi(api),
    compatible: satisfiesEngine(hostVersion, plugin.engine.experience),
    // Only when set, so the data of every plugin that is on stays as it was.
    ...(plugin.disabled ? { disabled: { reason: plugin.disabled.reason } } : {}),
    id: plugin.id,
    routes: plugin.contributions.routes.map((r) => ({ action: r.action, component: r.component, path: r.path, resource: r.resource })),
    sse,
    sse_index: indexSse(sse),
    version: plugin.version,
    widgets: plugin.contributions.widgets.map((w) => ({ action: w.action, component: w.component, resource: w.resource, slot: w.slot })),
  };
}

function compileGrants(roles: Record<string, Grant[]>, users: Record<string, Grant[]>): RegistryGrants {
  const sorted = (subjects: Record<string, Grant[]>): Record<string, Grant[]> =>
    Object.fromEntries(
      Object.keys(subjects)
        .sort(byCodeUnit)
        .map((name) => [name, (subjects[name] ?? []).map((g) => ({ action: g.action, resource: g.resource }))]),
    );
  return { roles: sorted(roles), users: sorted(users) };
}

