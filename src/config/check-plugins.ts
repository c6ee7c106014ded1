import semver from 'semver';
import { checkBundleFile, checkBundleUrl } from './bundle-source.js';
import { formatPath, type FieldPath, type RawIssue } from './issue.js';
import { matches, PLUGIN_ID } from './names.js';
import { checkRoutePath, checkUpstreamPrefix, parseApiTemplate, reservedPrefixOf } from './path-template.js';
import type { Mode } from './types.js';

export interface SemanticOptions {
  mode: Mode;
  bundleMount: string;
  /** Every bundle must carry `integrity`: a pin or `none` (production's rule). */
  requireIntegrity: boolean;
}

/**
 * The checks of plugins.yaml the schema cannot express. They run on the raw data even when
 * the schema failed, and look only at fields of the right type, so one pass reports everything
 * without reporting a wrongly typed field twice.
 */
export function checkPlugins(data: unknown, options: SemanticOptions): RawIssue[] {
  const issues: RawIssue[] = [];
  if (!isRecord(data)) return issues;
  if (isRecord(data['tenants'])) {
    for (const [host, plugins] of Object.entries(data['tenants'])) {
      if (Array.isArray(plugins)) checkTenant(['tenants', host], plugins, options, issues);
    }
  }
  if (Array.isArray(data['upstreams'])) checkUpstreams(data['upstreams'], issues);
  return issues;
}

function checkTenant(at: FieldPath, plugins: unknown[], options: SemanticOptions, issues: RawIssue[]): void {
  const ids = new Map<string, FieldPath>();
  const routes = new Map<string, FieldPath>();
  plugins.forEach((plugin, i) => {
    if (!isRecord(plugin)) return;
    const here = [...at, i];
    const id = plugin['id'];
    if (typeof id === 'string') {
      const first = ids.get(id);
      if (first) issues.push({ code: 'duplicate_plugin_id', path: [...here, 'id'], message: `plugin id "${id}" is already used in this tenant (${formatPath(first)})` });
      else ids.set(id, here);
    }
    checkVersions(here, plugin, issues);
    checkBundle(here, plugin['bundle'], typeof id === 'string' && matches(PLUGIN_ID, id) ? id : undefined, options, issues);
    const permissions = plugin['permissions'];
    if (isRecord(permissions)) checkApi([...here, 'permissions', 'api'], permissions['api'], issues);
    const contributions = plugin['contributions'];
    if (isRecord(contributions)) checkRoutes([...here, 'contributions', 'routes'], contributions['routes'], routes, issues);
  });
}

function checkVersions(at: FieldPath, plugin: Record<string, unknown>, issues: RawIssue[]): void {
  const version = plugin['version'];
  if (typeof version === 'string' && semver.valid(version) !== version) {
    const canonical = semver.valid(version);
    const message = canonical
      ? `version "${version}" is not in canonical form; write "${canonical}"`
      : `version "${version}" is not a semver version (e.g. "1.0.0")`;
    issues.push({ code: 'invalid_version', path: [...at, 'version'], message });
  }
  const engine = plugin['engine'];
  const range = isRecord(engine) ? engine['experience'] : undefined;
  if (typeof range !== 'string' || range === '') return;
  const path = [...at, 'engine', 'experience'];
  if (semver.validRange(range) === null) {
    issues.push({ code: 'invalid_engine_range', path, message: `"${range}" is not a semver range (e.g. ">=1.0.0 <2.0.0")` });
  } else if (minVersion(range) === null) {
    issues.push({ code: 'unsatisfiable_engine_range', path, message: `no version satisfies "${range}"; the plugin could never load` });
  }
}

function minVersion(range: string): semver.SemVer | null {
  try {
    return semver.minVersion(range);
  } catch {
    return null;
  }
}

function checkBundle(at: FieldPath, bundle: unknown, id: string | undefined, options: SemanticOptions, issues: RawIssue[]): void {
  if (!isRecord(bundle)) return;
  if (options.requireIntegrity) checkIntegrityPresent(at, bundle, id, issues);
  const file = bundle['file'];
  if (typeof file === 'string') {
    const checked = checkBundleFile(file, options.bundleMount, id);
    if (!checked.ok) issues.push({ code: checked.code, path: [...at, 'bundle', 'file'], message: checked.reason });
  }
  const url = bundle['url'];
  if (typeof url === 'string') {
    const checked = checkBundleUrl(url, options.mode);
    if (!checked.ok) issues.push({ code: checked.code, path: [...at, 'bundle', 'url'], message: checked.reason });
  }
}

/**
 * Production serves only bytes the file vouches for: a pin, or an explicit `integrity: none` a
 * reviewer can see. A `bundle.url` is refused in production anyway, so it gets that issue alone.
 */
function checkIntegrityPresent(at: FieldPath, bundle: Record<string, unknown>, id: string | undefined, issues: RawIssue[]): void {
  if ('integrity' in bundle || typeof bundle['url'] === 'string') return;
  const who = id === undefined ? 'this plugin' : `plugin "${id}"`;
  issues.push({
    code: 'missing_integrity',
    path: [...at, 'bundle'],
    at: 'key',
    message: `${who} has no bundle.integrity, which production requires: pin the bundle (experience-plugins hash --write --add), or write integrity: none to serve it unverified`,
  });
}

function checkApi(at: FieldPath, api: unknown, issues: RawIssue[]): void {
  if (!Array.isArray(api)) return;
  api.forEach((entry, i) => {
    const path = isRecord(entry) ? entry['path'] : undefined;
    if (typeof path !== 'string') return;
    const parsed = parseApiTemplate(path);
    if (!parsed.ok) issues.push({ code: 'invalid_path_template', path: [...at, i, 'path'], message: `"${path}": ${parsed.reason}` });
  });
}

function checkRoutes(at: FieldPath, routes: unknown, seen: Map<string, FieldPath>, issues: RawIssue[]): void {
  if (!Array.isArray(routes)) return;
  routes.forEach((route, i) => {
    const path = isRecord(route) ? route['path'] : undefined;
    if (typeof path !== 'string') return;
    const here = [...at, i, 'path'];
    const checked = checkRoutePath(path);
    if (!checked.ok) {
      issues.push({ code: 'invalid_route_path', path: here, message: `"${path}": ${checked.reason}` });
      return;
    }
    const reserved = reservedPrefixOf(path);
    if (reserved !== undefined) {
      issues.push({ code: 'reserved_route_path', path: here, message: `"${path}" is under ${reserved}, which the SPA router leaves to the BFF` });
    }
    const first = seen.get(path);
    if (first) issues.push({ code: 'duplicate_route_path', path: here, message: `route "${path}" is already contributed in this tenant (${formatPath(first)})` });
    else seen.set(path, here);
  });
}

function checkUpstreams(upstreams: unknown[], issues: RawIssue[]): void {
  const prefixes = new Map<string, FieldPath>();
  upstreams.forEach((upstream, i) => {
    if (!isRecord(upstream)) return;
    const prefix = upstream['prefix'];
    if (typeof prefix === 'string') {
      const here = ['upstreams', i, 'prefix'];
      const checked = checkUpstreamPrefix(prefix);
      const first = prefixes.get(prefix);
      if (!checked.ok) issues.push({ code: 'invalid_upstream_prefix', path: here, message: `"${prefix}": ${checked.reason}` });
      else if (first) issues.push({ code: 'duplicate_upstream_prefix', path: here, message: `prefix "${prefix}" is already routed (${formatPath(first)})` });
      else prefixes.set(prefix, here);
    }
    const url = upstream['url'];
    if (typeof url === 'string' && !isUpstreamUrl(url)) {
      issues.push({ code: 'invalid_upstream_url', path: ['upstreams', i, 'url'], message: `"${url}" is not an http(s) origin (scheme, host, port; no path, credentials, query or fragment): the BFF forwards the request's own path unchanged` });
    }
  });
}

function isUpstreamUrl(url: string): boolean {
  if (/\s/.test(url)) return false;
  try {
    const u = new URL(url);
    // An origin only: the path the policy judged is forwarded as it is, so a base path would be ignored.
    const originOnly = u.pathname === '/' && !/^[a-z]+:\/\/[^/]*\/./i.test(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && originOnly && u.username === '' && u.password === '' && u.search === '' && u.hash === '' && !url.includes('?') && !url.includes('#');
  } catch {
    return false;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
