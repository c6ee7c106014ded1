/**
 * A plain JavaScript API allow-list decision over the same `data.registry` document: the floor
 * the benchmark compares the Wasm engine against. The path rules are the TypeScript mirror of
 * the policy that `experience-plugins explain` uses (src/cli/matching.ts); it decides nothing
 * anywhere (the policy does that), it only shows what matching costs without OPA.
 */
import type { Registry } from '../../src/config/index.js';
import { malformedPathReason, templateMatches } from '../../src/cli/matching.js';

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
  if (malformedPathReason(input.path) !== undefined) return { allow: false, reason: 'malformed_path' };
  const segments = input.path.split('/').slice(1);
  for (const e of plugin.api) {
    if (e.method === input.method && templateMatches(e, segments)) {
      return { allow: true, reason: 'allowed', matched: `${e.method} ${e.template}` };
    }
  }
  return { allow: false, reason: 'allowlist_violation' };
}
