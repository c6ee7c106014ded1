import type {
  ApiDecision,
  AuthzDecision,
  ContributionsDecision,
  PluginContributions,
  SseDecision,
} from './types.js';

/**
 * Guards for what comes back from Wasm. A result that does not have the documented shape is
 * treated like an undefined one (deny), so a policy bug cannot turn into an accidental allow.
 */

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isYesNo(v: unknown): v is { allow: boolean; reason: string } & Obj {
  return isObj(v) && typeof v.allow === 'boolean' && typeof v.reason === 'string' && v.reason !== '';
}

/** opa-wasm returns a result set: `[{ result: <value> }]`, or `[]` when undefined. */
export function singleResult(resultSet: unknown): unknown {
  if (!Array.isArray(resultSet) || resultSet.length !== 1) return undefined;
  const first: unknown = resultSet[0];
  return isObj(first) ? first.result : undefined;
}

export function asApiDecision(v: unknown): ApiDecision | undefined {
  if (!isYesNo(v)) return undefined;
  const d: ApiDecision = { allow: v.allow, reason: v.reason as ApiDecision['reason'] };
  if (typeof v.plugin_id === 'string') d.plugin_id = v.plugin_id;
  if (typeof v.matched === 'string') d.matched = v.matched;
  // An allow must say what allowed it, and for which plugin; otherwise the policy is broken.
  if (d.allow && (d.matched === undefined || d.plugin_id === undefined)) return undefined;
  return d;
}

export function asSseDecision(v: unknown): SseDecision | undefined {
  if (!isYesNo(v)) return undefined;
  const d: SseDecision = { allow: v.allow, reason: v.reason as SseDecision['reason'] };
  if (typeof v.matched === 'string') d.matched = v.matched;
  if (d.allow && d.matched === undefined) return undefined;
  return d;
}

export function asAuthzDecision(v: unknown): AuthzDecision | undefined {
  if (!isYesNo(v)) return undefined;
  return { allow: v.allow, reason: v.reason as AuthzDecision['reason'] };
}

function isStringRecord(v: unknown, keys: readonly string[]): boolean {
  return isObj(v) && keys.every((k) => typeof v[k] === 'string');
}

function asPlugin(v: unknown): PluginContributions | undefined {
  if (!isObj(v) || typeof v.id !== 'string' || typeof v.version !== 'string') return undefined;
  const { routes, widgets } = v;
  if (!Array.isArray(routes) || !Array.isArray(widgets)) return undefined;
  if (!routes.every((r) => isStringRecord(r, ['path', 'component', 'resource', 'action']))) return undefined;
  if (!widgets.every((w) => isStringRecord(w, ['slot', 'component', 'resource', 'action']))) return undefined;
  return { id: v.id, version: v.version, routes, widgets } as PluginContributions;
}

export function asContributionsDecision(v: unknown): ContributionsDecision | undefined {
  if (!isObj(v) || !Array.isArray(v.plugins)) return undefined;
  const plugins: PluginContributions[] = [];
  for (const p of v.plugins) {
    const plugin = asPlugin(p);
    if (!plugin) return undefined;
    plugins.push(plugin);
  }
  return { plugins };
}
