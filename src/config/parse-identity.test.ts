import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from './issue.js';
import { parseIdentity } from './parse-identity.js';
import type { Mode } from './types.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const brief = (r: ParseResult<unknown>): [string, string, string][] => (r.ok ? [] : r.issues.map((i) => [i.code, `${i.line}:${i.col}`, i.path]));
const ENV = { IDP_SECRET: 's3cret' };
const parse = (text: string, mode: Mode = 'production', env: Record<string, string> = ENV) => parseIdentity(text, { file: 'identity.yaml', mode, env });

const provider = (...extra: string[]) =>
  lines(
    'tenants:',
    '  acme.example.com:',
    '    name: Acme SSO',
    '    issuer: https://login.acme.example/realms/main',
    '    clientId: experience',
    '    clientSecret: { env: IDP_SECRET }',
    ...extra.map((l) => `    ${l}`),
  );

describe('parseIdentity', () => {
  it('fills the defaults: sub, basic auth, openid profile, asymmetric algorithms, no roles', () => {
    const result = parse(provider());
    expect(result).toEqual({
      ok: true,
      value: {
        tenants: {
          'acme.example.com': {
            name: 'Acme SSO',
            issuer: 'https://login.acme.example/realms/main',
            clientId: 'experience',
            clientSecretEnv: 'IDP_SECRET',
            tokenAuthMethod: 'client_secret_basic',
            scopes: ['openid', 'profile'],
            authorizationParams: {},
            userClaim: 'sub',
            defaultRoles: [],
            idTokenAlgorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
            postLogoutPath: '/',
          },
        },
      },
    });
  });

  it('reads the claim mapping: roles per group; odd group names stay plain keys', () => {
    const result = parse(provider('rolesClaim: realm_access.roles', 'roleMap:', '  admins: [member, dashboard-user]', '  staff: [member]', '  __proto__: [member]', 'defaultRoles: [member]'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const p = result.value.tenants['acme.example.com']!;
    expect(p.rolesClaim).toBe('realm_access.roles');
    expect(p.roleMap).toEqual(Object.fromEntries([['admins', ['member', 'dashboard-user']], ['staff', ['member']], ['__proto__', ['member']]]));
    expect(Object.getPrototypeOf(p.roleMap)).toBe(Object.prototype);
    expect(p.defaultRoles).toEqual(['member']);
  });

  it.each<[string, string[], Mode, [string, string, string][]]>([
    ['a secret written in the file', ['clientSecret: hunter2'], 'production', [['schema', '6:19', 'tenants.acme.example.com.clientSecret']]],
    ['a secret variable that is not set', ['clientSecret: { env: NOT_SET }'], 'production', [['missing_secret_env', '6:26', 'tenants.acme.example.com.clientSecret.env']]],
    ['http in production', ['issuer: http://127.0.0.1:9400'], 'production', [['invalid_issuer', '4:13', 'tenants.acme.example.com.issuer']]],
    ['http to a remote host in development', ['issuer: http://idp.example.com'], 'development', [['invalid_issuer', '4:13', 'tenants.acme.example.com.issuer']]],
    ['an issuer with a query', ['issuer: https://idp.example.com/?tenant=1'], 'production', [['invalid_issuer', '4:13', 'tenants.acme.example.com.issuer']]],
    ['an issuer with credentials', ['issuer: https://u:p@idp.example.com'], 'production', [['invalid_issuer', '4:13', 'tenants.acme.example.com.issuer']]],
    ['not a URL', ['issuer: idp.example.com'], 'production', [['invalid_issuer', '4:13', 'tenants.acme.example.com.issuer']]],
    ['scopes without openid', ['scopes: [profile, email]'], 'production', [['invalid_scopes', '7:13', 'tenants.acme.example.com.scopes']]],
    ['a protocol parameter in authorizationParams', ['authorizationParams: { redirect_uri: "https://evil.example", access_type: offline }'], 'production', [['reserved_authorization_param', '7:28', 'tenants.acme.example.com.authorizationParams.redirect_uri']]],
    ['alg none', ['idTokenAlgorithms: [none]'], 'production', [['schema', '7:25', 'tenants.acme.example.com.idTokenAlgorithms[0]']]],
    ['an HMAC algorithm', ['idTokenAlgorithms: [RS256, HS256]'], 'production', [['schema', '7:32', 'tenants.acme.example.com.idTokenAlgorithms[1]']]],
    ['a role name grants.yaml cannot have', ['roleMap: { admins: ["role with spaces"] }'], 'production', [['schema', '7:25', 'tenants.acme.example.com.roleMap.admins[0]']]],
    ['a typo in a field name', ['roleClaim: groups'], 'production', [['unknown_field', '7:5', 'tenants.acme.example.com.roleClaim']]],
    ['a protocol-relative post-logout path', ['postLogoutPath: //evil.example'], 'production', [['schema', '7:21', 'tenants.acme.example.com.postLogoutPath']]],
  ])('refuses %s, at file:line:col', (_what, extra, mode, expected) => {
    // issuer and clientSecret replace the base provider's line; anything else is added.
    const key = extra[0]!.split(':')[0]!;
    const text = key === 'issuer' || key === 'clientSecret'
      ? provider().replace(new RegExp(`^ {4}${key}: .*$`, 'm'), `    ${extra[0]}`)
      : provider(...extra);
    expect(brief(parse(text, mode))).toEqual(expected);
  });

  it('accepts http on loopback outside production (the demo provider)', () => {
    for (const issuer of ['http://127.0.0.1:9400', 'http://localhost:9400/', 'http://[::1]:9400']) {
      const text = provider().replace('https://login.acme.example/realms/main', issuer);
      expect(parse(text, 'development').ok, issuer).toBe(true);
      expect(parse(text, 'test').ok, issuer).toBe(true);
    }
  });

  it('accepts an empty tenant map (no provider: development login only)', () => {
    expect(parse('tenants: {}\n')).toEqual({ ok: true, value: { tenants: {} } });
  });

  it('the embedded config/identity.yaml is valid with the demo secrets set', async () => {
    const text = await readFile(new URL('../../config/identity.yaml', import.meta.url), 'utf8');
    const result = parse(text, 'development', { DEMO_OIDC_SECRET_LOCALHOST: 'x', DEMO_OIDC_SECRET_ACME: 'y' });
    expect(brief(result)).toEqual([]);
    expect(brief(parse(text, 'development', {})).map(([code]) => code)).toEqual(['missing_secret_env', 'missing_secret_env']);
  });
});
