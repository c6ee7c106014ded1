/**
 * ID token claims -> the session's user id and roles, by the tenant's rules in identity.yaml.
 * Pure. Role names that grants.yaml could not hold are dropped, never passed on.
 */
import type { OidcProviderConfig } from '../config/identity-types.js';
import { ROLE, matches } from '../config/names.js';

/** The user ids a session accepts (the same rule as the development login). */
const USER = /^[A-Za-z0-9._@:-]{1,128}$/;
const MAX_ROLES = 64;

export type ClaimsResult = { ok: true; user: string; roles: string[] } | { ok: false; reason: string };

/**
 * The value at a claim name, else along a dotted path: `realm_access.roles` is tried as one
 * claim first (claim names may contain dots, e.g. namespaced URLs), then as a path.
 */
export function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let node: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The groups or roles a claim carries: a list of strings, or one string. */
function values(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * @example
 * identityFromClaims({ sub: 'u1', groups: ['staff'] }, { ...provider, rolesClaim: 'groups', roleMap: { staff: ['member'] } })
 * // { ok: true, user: 'u1', roles: ['member'] }
 */
export function identityFromClaims(claims: Record<string, unknown>, provider: OidcProviderConfig): ClaimsResult {
  const user = claimAt(claims, provider.userClaim);
  if (typeof user !== 'string' || !USER.test(user)) {
    return { ok: false, reason: `the ID token's "${provider.userClaim}" claim is missing or not a usable user id` };
  }
  const roles = new Set(provider.defaultRoles);
  if (provider.rolesClaim !== undefined) {
    for (const group of values(claimAt(claims, provider.rolesClaim))) {
      const mapped = provider.roleMap === undefined ? [group] : Object.hasOwn(provider.roleMap, group) ? (provider.roleMap[group] ?? []) : [];
      for (const role of mapped) if (matches(ROLE, role) && USER.test(role)) roles.add(role);
    }
  }
  return { ok: true, user, roles: [...roles].slice(0, MAX_ROLES) };
}
