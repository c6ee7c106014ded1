/**
 * A plain JavaScript API allow-list matcher over the same `data.registry` document: the floor
 * the benchmark compares the Wasm engine against. It follows docs/contracts.md; it is not used
 * to make decisions anywhere (the policy does that), only to measure what matching costs
 * without OPA.
 */
interface Segment {
  literal?: string;
  param?: string;
}
interface Entry {
  method: string;
  template: string;
  prefix: boolean;
  segments: Segment[];
}
interface Registry {
  tenants: Record<string, { plugins: Record<string, { compatible: boolean; api: Entry[] }> }>;
}

const MALFORMED = /%2f|%5c|%2e|%00|%25|\\/i;

export function jsApiDecision(
  registry: Registry,
  input: { tenant: string; plugin_id?: string | null; method: string; path: string },
): { allow: boolean; reason: string; matched?: string } {
  if (!input.plugin_id) return { allow: false, reason: 'missing_plugin_id' };
  const tenant = registry.tenants[input.tenant];
  if (!tenant) return { allow: false, reason: 'unknown_tenant' };
  const plugin = tenant.plugins[input.plugin_id];
  if (!plugin) return { allow: false, reason: 'unknown_plugin' };
  if (!plugin.compatible) return { allow: false, reason: 'incompatible_plugin' };
  const path = input.path;
  if (!path.startsWith('/') || MALFORMED.test(path)) return { allow: false, reason: 'malformed_path' };
  const parts = path.slice(1).split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || /^\.\.?;/.test(p))) return { allow: false, reason: 'malformed_path' };
  for (const e of plugin.api) {
    if (e.method !== input.method) continue;
    if (e.prefix ? parts.length < e.segments.length : parts.length !== e.segments.length) continue;
    if (e.segments.every((s, i) => (s.literal !== undefined ? s.literal === parts[i] : parts[i] !== ''))) {
      return { allow: true, reason: 'allowed', matched: `${e.method} ${e.template}` };
    }
  }
  return { allow: false, reason: 'not_allowed' };
}
