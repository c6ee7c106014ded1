/**
 * A plain JavaScript API allow-list decision over the same `data.registry` document: the floor
 * the benchmark compares the Wasm engine against. It is a deliberate second implementation of the
 * path rules, kept here (never in src/) only to show what matching costs without OPA; it decides
 * nothing anywhere, and nothing else uses it.
 */
import type { Registry, TemplateSegment } from '../../src/config/index.js';

/** policy/experience/lib/paths `malformed`, approximately enough for a cost floor. */
const MALFORMED = /\\|%(?:2f|5c|2e|00|25)|\/\/|\/$|\/\.\.?(?:;[^/]*)?(?=\/|$)/i;

function templateMatches(entry: { prefix: boolean; segments: TemplateSegment[] }, segments: readonly string[]): boolean {
  const n = entry.segments.length;
  if (entry.prefix ? segments.length < n : segments.length !== n) return false;
  return entry.segments.every((p, i) => ('literal' in p ? p.literal === segments[i] : segments[i] !== ''));
}

export function jsApiDecision(
  registry: Registry,
  input: { tenant: string; plugin_id?: string | null; method: string; path: string },
): { allow: boolean; reason: string; matched?: string } {
  if (!input.plugin_id) return { allow: false, reason: 'missing_plugin_id' };
  const tenant = registry.tenants[input.tenant];
  if (!tenant) return { allow: false, reason: 'unknown_tenant' };
  const plugin = tenant.plugins[input.plugin_id];
  if (!plugin) return { allow: false, reason: 'unknown_plugin' };
  if (plugin.disabled) return { allow: false, reason: 'plugin_disabled' };
  if (!plugin.compatible) return { allow: false, reason: 'incompatible_plugin' };
  if (!input.path.startsWith('/') || MALFORMED.test(input.path)) return { allow: false, reason: 'malformed_path' };
  const segments = input.path.split('/').slice(1);
  for (const e of plugin.api) {
    if (e.method === input.method && templateMatches(e, segments)) {
      return { allow: true, reason: 'allowed', matched: `${e.method} ${e.template}` };
    }
  }
  return { allow: false, reason: 'allowlist_violation' };
}
