import { describe, expect, it } from 'vitest';
import type { ParseResult } from './issue.js';
import { parseGrants } from './parse-grants.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const brief = (r: ParseResult<unknown>): [string, string, string][] => (r.ok ? [] : r.issues.map((i) => [i.code, `${i.line}:${i.col}`, i.path]));
const parse = (text: string) => parseGrants(text, { file: 'grants.yaml' });

describe('parseGrants', () => {
  it('reads roles and users, defaulting both to {}', () => {
    const result = parse(
      lines(
        'tenants:',
        '  localhost:',
        '    roles:',
        '      dashboard-user:',
        '        - { resource: plugin.widget, action: view }',
        '    users:',
        '      carol: [{ resource: orders.page, action: "*" }]',
        '      alice@example.com: [{ resource: "*", action: view }]',
        '  acme.localhost: {}',
        '  b.localhost: { roles: { member: [] } }',
      ),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        tenants: {
          localhost: {
            roles: { 'dashboard-user': [{ resource: 'plugin.widget', action: 'view' }] },
            users: { carol: [{ resource: 'orders.page', action: '*' }], 'alice@example.com': [{ resource: '*', action: 'view' }] },
          },
          'acme.localhost': { roles: {}, users: {} },
          'b.localhost': { roles: { member: [] }, users: {} },
        },
      },
    });
  });

  it('keeps odd user ids as own properties, never touching a prototype', () => {
    const result = parse(lines('tenants:', '  localhost:', '    users:', '    constructor: []'.replace('    constructor', '      constructor')));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const users = result.value.tenants['localhost']!.users;
    expect(Object.keys(users)).toEqual(['constructor']);
    expect(Object.getPrototypeOf(users)).toBe(Object.prototype);
  });

  it('locates every issue: hosts, names, grants and unknown fields', () => {
    const result = parse(
      lines(
        'tenants:',
        '  Localhost:',
        '    roles: {}',
        '  localhost:',
        '    role: {}',
        '    roles:',
        '      "bad role": []',
        '      member:',
        '        - { resource: plugin.route }',
        '        - { resource: "a b", action: view, extra: 1 }',
        '        - { resource: "**", action: "" }',
        '    users:',
        '      __proto__: []',
        '      bob: { resource: x, action: y }',
      ),
    );
    expect(brief(result)).toEqual([
      ['invalid_tenant_host', '2:3', 'tenants.Localhost'],
      ['unknown_field', '5:5', 'tenants.localhost.role'],
      ['schema', '7:7', 'tenants.localhost.roles.bad role'],
      ['missing_field', '9:11', 'tenants.localhost.roles.member[0].action'],
      ['schema', '10:23', 'tenants.localhost.roles.member[1].resource'],
      ['unknown_field', '10:44', 'tenants.localhost.roles.member[1].extra'],
      ['schema', '11:23', 'tenants.localhost.roles.member[2].resource'],
      ['schema', '11:37', 'tenants.localhost.roles.member[2].action'],
      ['schema', '13:7', 'tenants.localhost.users.__proto__'],
      ['schema', '14:12', 'tenants.localhost.users.bob'],
    ]);
    expect(!result.ok && result.issues[1]?.message).toBe('unknown field "role"; did you mean "roles"?');
    expect(!result.ok && result.issues.at(-1)?.message).toBe('expected a list, got a map');
  });

  it('requires tenants', () => {
    expect(brief(parse('roles: {}\n'))).toEqual([
      ['missing_field', '1:1', 'tenants'],
      ['unknown_field', '1:1', 'roles'],
    ]);
  });
});
