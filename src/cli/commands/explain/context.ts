import type { GrantsConfig, PluginConfig, PluginsConfig, Registry, RegistryPlugin } from '../../../config/index.js';
import { formatPath } from '../../../config/index.js';
import { didYouMean, type FieldPath, type YamlDoc } from '../../shared/index.js';

/** Where a config value is written: `file:line:col` and its field path. */
export interface Location {
  file: string;
  line: number;
  col: number;
  path: string;
}

/** What the explanations read besides the decision: the compiled data and the files it came from. */
export interface ExplainContext {
  registry: Registry;
  plugins: PluginsConfig;
  grants: GrantsConfig;
  pluginsFile: string;
  grantsFile: string;
  pluginsDoc: YamlDoc;
  grantsDoc: YamlDoc;
}

export function locateIn(file: string, doc: YamlDoc, path: FieldPath): Location {
  return { file, ...doc.locate(path), path: formatPath(path) };
}

/** The field path of a plugin's entry in plugins.yaml (tenants.<host>[i]), if installed. */
export function pluginPath(ctx: ExplainContext, tenant: string, pluginId: string): FieldPath | undefined {
  const index = (ctx.plugins.tenants[tenant] ?? []).findIndex((p) => p.id === pluginId);
  return index < 0 ? undefined : ['tenants', tenant, index];
}

function pluginConfig(ctx: ExplainContext, tenant: string, pluginId: string): PluginConfig | undefined {
  return (ctx.plugins.tenants[tenant] ?? []).find((p) => p.id === pluginId);
}

export function registryPlugin(ctx: ExplainContext, tenant: string, pluginId: string): RegistryPlugin | undefined {
  const plugins = ctx.registry.tenants[tenant]?.plugins;
  return plugins && Object.hasOwn(plugins, pluginId) ? plugins[pluginId] : undefined;
}

/** Why a tenant or plugin lookup failed, with the names there are and a likely typo. */
export function unknownTenantDetail(ctx: ExplainContext, tenant: string): string {
  const tenants = Object.keys(ctx.registry.tenants);
  const hint = didYouMean(tenant, tenants);
  return `tenant "${tenant}" is in neither ${ctx.pluginsFile} nor ${ctx.grantsFile}; tenants: ${tenants.join(', ') || 'none'}${hint ? ` (did you mean "${hint}"?)` : ''}`;
}

export function unknownPluginDetail(ctx: ExplainContext, tenant: string, pluginId: string): string {
  const installed = Object.keys(ctx.registry.tenants[tenant]?.plugins ?? {});
  const hint = didYouMean(pluginId, installed);
  return `plugin "${pluginId}" is not installed for tenant ${tenant}; installed: ${installed.join(', ') || 'none'}${hint ? ` (did you mean "${hint}"?)` : ''}`;
}

/** The operator's reason for a disabled plugin (plugins.yaml `disabled.reason`), where it is written, and how to undo it. */
export function disabledDetail(ctx: ExplainContext, tenant: string, pluginId: string): { detail: string; location?: Location } {
  const reason = registryPlugin(ctx, tenant, pluginId)?.disabled?.reason;
  const at = pluginPath(ctx, tenant, pluginId);
  return {
    detail: `disabled by an operator${reason === undefined ? '' : `: "${reason}"`} (experience-plugins enable ${pluginId} --tenant ${tenant} turns it on)`,
    ...(at ? { location: locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, 'disabled', 'reason']) } : {}),
  };
}

export function incompatibleDetail(ctx: ExplainContext, tenant: string, pluginId: string): { detail: string; location?: Location } {
  const plugin = pluginConfig(ctx, tenant, pluginId);
  const at = pluginPath(ctx, tenant, pluginId);
  const range = plugin?.engine.experience ?? '?';
  return {
    detail: `engine.experience "${range}" is not satisfied by host version ${ctx.registry.host_version}`,
    ...(at ? { location: locateIn(ctx.pluginsFile, ctx.pluginsDoc, [...at, 'engine', 'experience']) } : {}),
  };
}
