import { assertMount, DEFAULT_BUNDLE_MOUNT } from './bundle-source.js';
import { checkPlugins, isRecord } from './check-plugins.js';
import type { ParseResult } from './issue.js';
import { INTEGRITY_NONE } from './names.js';
import { runPipeline } from './pipeline.js';
import type { ApiPermission, BundleConfig, Mode, PluginConfig, PluginsConfig, RouteConfig, UpstreamRoute, WidgetConfig } from './types.js';

export interface ParsePluginsOptions {
  /** Shown in issues; the parser never reads it. */
  file: string;
  /** `bundle.url` is allowed in development only; production requires `bundle.integrity` (a pin or `none`). */
  mode: Mode;
  /** Where bundle files live in the container (default `/app/plugins`). */
  bundleMount?: string;
  /**
   * Every bundle must carry `integrity` (a pin or `none`); default: in production. Tools that only
   * read permissions (explain, diff, harness, migrate) pass false: the pins are for the loader that serves bundles.
   */
  requireIntegrity?: boolean;
}

/**
 * Parses and validates plugins.yaml text. Pure: no I/O. A file with any issue is refused whole.
 * @example
 * const result = parsePluginsConfig(text, { file: 'config/plugins.yaml', mode: 'production' });
 * if (!result.ok) console.error(result.issues.map(formatIssue).join('\n'));
 */
export function parsePluginsConfig(text: string, options: ParsePluginsOptions): ParseResult<PluginsConfig> {
  const bundleMount = options.bundleMount ?? DEFAULT_BUNDLE_MOUNT;
  assertMount(bundleMount);
  const requireIntegrity = options.requireIntegrity ?? options.mode === 'production';
  return runPipeline(text, options.file, 'plugins', (data) => checkPlugins(data, { mode: options.mode, bundleMount, requireIntegrity }), toModel);
}

// The data passed the schema: shapes are known. Fields are copied one by one so the model holds
// exactly the typed fields, with [] for missing lists.
type Data = Record<string, unknown>;

function toModel(data: unknown): PluginsConfig {
  const root = data as Data;
  const tenants = Object.entries(root['tenants'] as Record<string, Data[]>).map(([host, plugins]) => [host, plugins.map(toPlugin)] as const);
  return {
    tenants: Object.fromEntries(tenants),
    upstreams: list(root['upstreams']).map((u): UpstreamRoute => ({ prefix: String(u['prefix']), url: String(u['url']), ...(u['forwardAccessToken'] === true ? { forwardAccessToken: true as const } : {}) })),
  };
}

function toPlugin(p: Data): PluginConfig {
  const permissions = record(p['permissions']);
  const contributions = record(p['contributions']);
  const plugin: PluginConfig = {
    id: String(p['id']),
    version: String(p['version']),
    engine: { experience: String(record(p['engine'])['experience']) },
    bundle: toBundle(record(p['bundle'])),
    permissions: {
      api: list(permissions['api']).map((a): ApiPermission => ({ method: String(a['method']), path: String(a['path']) })),
      sse: (Array.isArray(permissions['sse']) ? permissions['sse'] : []).map(String),
    },
    contributions: {
      routes: list(contributions['routes']).map((r): RouteConfig => ({ path: String(r['path']), component: String(r['component']), ...pdp(r) })),
      widgets: list(contributions['widgets']).map((w): WidgetConfig => ({ slot: String(w['slot']), component: String(w['component']), ...pdp(w) })),
    },
  };
  const rate = p['rateLimit'];
  if (isRecord(rate)) plugin.rateLimit = { requestsPerSecond: Number(rate['requestsPerSecond']), burst: Number(rate['burst']) };
  const disabled = p['disabled'];
  if (isRecord(disabled)) plugin.disabled = { reason: String(disabled['reason']) };
  return plugin;
}

function toBundle(b: Data): BundleConfig {
  const bundle: BundleConfig = {};
  if (typeof b['file'] === 'string') bundle.file = b['file'];
  if (typeof b['url'] === 'string') bundle.url = b['url'];
  // `none` is the opt-out, not a hash: kept apart so nothing ever compares bytes with it.
  if (b['integrity'] === INTEGRITY_NONE) bundle.unverified = true;
  else if (typeof b['integrity'] === 'string') bundle.integrity = b['integrity'];
  return bundle;
}

function pdp(c: Data): { resource: string; action: string } {
  return { resource: String(c['resource']), action: String(c['action']) };
}

function record(value: unknown): Data {
  return isRecord(value) ? value : {};
}

function list(value: unknown): Data[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
