import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OidcProviderConfig } from '../config/identity-types.js';
import { claimAt, identityFromClaims } from './claims.js';

const base: OidcProviderConfig = {
  name: 'IdP', issuer: 'https://idp.example', clientId: 'c', clientSecretEnv: 'S', tokenAuthMethod: 'client_secret_basic',
  scopes: ['openid'], authorizationParams: {}, userClaim: 'sub', defaultRoles: [], idTokenAlgorithms: ['RS256'], postLogoutPath: '/',
};

describe('claimAt', () => {
  it('prefers a claim named with dots, then follows a dotted path', () => {
    expect(claimAt({ 'https://example.com/roles': ['a'] }, 'https://example.com/roles')).toEqual(['a']);
    expect(claimAt({ realm_access: { roles: ['x'] } }, 'realm_access.roles')).toEqual(['x']);
    expect(claimAt({ realm_access: ['roles'] }, 'realm_access.0')).toBeUndefined();
    expect(claimAt({}, '__proto__.polluted')).toBeUndefined();
    expect(claimAt({ a: null }, 'a.b')).toBeUndefined();
  });
});

describe('identityFromClaims', () => {
  it.each<[string, Partial<OidcProviderConfig>, Record<string, unknown>, string[]]>([
    ['no roles claim: default roles only', { defaultRoles: ['member'] }, { sub: 'u', groups: ['admins'] }, ['member']],
    ['no roleMap: the claim values as they are', { rolesClaim: 'groups' }, { sub: 'u', groups: ['member', 'dashboard-user'] }, ['member', 'dashboard-user']],
    ['roleMap: only mapped groups', { rolesClaim: 'groups', roleMap: { staff: ['member'], dash: ['dashboard-user', 'member'] } }, { sub: 'u', groups: ['staff', 'dash', 'admins'] }, ['member', 'dashboard-user']],
    ['a nested Keycloak claim', { rolesClaim: 'realm_access.roles' }, { sub: 'u', realm_access: { roles: ['member'] } }, ['member']],
    ['a single string value', { rolesClaim: 'role' }, { sub: 'u', role: 'member' }, ['member']],
    ['values grants.yaml cannot hold are dropped', { rolesClaim: 'groups' }, { sub: 'u', groups: ['/eng/team a', 'ok', 42, { x: 1 }, ''] }, ['ok']],
    ['a prototype key is never a mapping', { rolesClaim: 'groups', roleMap: { staff: ['member'] } }, { sub: 'u', groups: ['__proto__', 'constructor', 'toString'] }, []],
    ['a claim that is not a list or string gives nothing', { rolesClaim: 'groups' }, { sub: 'u', groups: { member: true } }, []],
  ])('%s', (_what, config, claims, roles) => {
    expect(identityFromClaims(claims, { ...base, ...config })).toEqual({ ok: true, user: 'u', roles });
  });

  it('uses the configured user claim and refuses one that is missing or unusable', () => {
    const p = { ...base, userClaim: 'preferred_username' };
    expect(identityFromClaims({ sub: '1', preferred_username: 'alice@example.com' }, p)).toMatchObject({ ok: true, user: 'alice@example.com' });
    for (const bad of [undefined, '', 'has space', 'x'.repeat(129), 42, ['alice'], 'a/b']) {
      expect(identityFromClaims({ sub: '1', preferred_username: bad }, p).ok, String(bad)).toBe(false);
    }
  });

  it('never yields a role outside the role-name rule, whatever the claim holds (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null))), (groups) => {
        const result = identityFromClaims({ sub: 'u', groups }, { ...base, rolesClaim: 'groups' });
        return result.ok && result.roles.every((r) => /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(r)) && result.roles.length <= 64;
      }),
    );
  });
});
