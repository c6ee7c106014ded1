import { describe, expect, it } from 'vitest';
import { at, runDiff, squeeze } from '../../../../test/cli/diff-support.js';
import { GRANTS_YAML, pluginEntry, pluginsYaml } from '../../../../test/cli/support.js';
import { parseGrants } from '../../../config/index.js';
import { PolicyToolError, type PolicyTools } from '../../../engine/index.js';
import { parseYamlDoc } from '../../shared/index.js';
import { diffGrants } from './grants-diff.js';

type Grants = Record<string, { roles?: Record<string, [string, string][]>; users?: Record<string, [string, string][]> }>;
const PLUGINS = pluginsYaml({ localhost: [pluginEntry({ id: 'orders' })] });

/** grants.yaml with one grant a line: `- { resource: "r", action: "a" }` (quoted: a bare * is a YAML alias). */
function grantsYaml(tenants: Grants): string {
  const list = (grants: [string, string][]) => (grants.length === 0 ? ' []' : `\n${grants.map(([r, a]) => `        - { resource: "${r}", action: "${a}" }`).join('\n')}`);
  const section = (name: string, subjects: Record<string, [string, string][]> = {}) =>
    `    ${name}:${Object.keys(subjects).length === 0 ? ' {}' : `\n${Object.entries(subjects).map(([s, g]) => `      ${s}:${list(g)}`).join('\n')}`}`;
  return `tenants:\n${Object.entries(tenants).map(([host, t]) => `  ${host}:\n${section('roles', t.roles)}\n${section('users', t.users)}`).join('\n')}\n`;
}

const grantsDiff = (before: string, after: string, ...args: string[]) =>
  runDiff({ 'old.yaml': PLUGINS, 'new.yaml': PLUGINS, 'og.yaml': before, 'ng.yaml': after }, ...args);

const member = (...grants: [string, string][]): Grants => ({ localhost: { roles: { member: grants } } });
const ROUTE: [string, string] = ['plugin.route', 'view'];
const PAGE: [string, string] = ['orders.page', 'view'];

/** old and new grants; the group; the findings (line, file, the grant text it points at, or `after` it); the exit code. */
type Row = [string, Grants, Grants, string, [string, 'og' | 'ng', string][], number];

describe('diff: grants.yaml', () => {
  it.each<Row>([
    ['a grant added to a role', member(ROUTE), member(ROUTE, PAGE), 'localhost / role member', [['+ grant added orders.page/view', 'ng', 'resource: "orders.page']], 2],
    ['an action widened to "*"', member(ROUTE), member(['plugin.route', '*']), 'localhost / role member', [['+ grant widened plugin.route/view -> plugin.route/* "*" now matches more', 'ng', 'resource: "plugin.route']], 2],
    ['a resource widened to "*"', member(PAGE), member(['*', 'view']), 'localhost / role member', [['+ grant widened orders.page/view -> */view "*" now matches more', 'ng', 'resource: "*']], 2],
    ['a "*" grant added beside the one it covers', member(PAGE), member(PAGE, ['*', '*']), 'localhost / role member', [['+ grant added */*', 'ng', 'resource: "*']], 2],
    ['a grant moved to another role', member(ROUTE, PAGE), { localhost: { roles: { member: [ROUTE], admin: [PAGE] } } }, '', [
      ['- grant removed orders.page/view', 'og', 'resource: "orders.page'],
      ['+ grant added orders.page/view', 'ng', 'resource: "orders.page'],
    ], 2],
    ['a user granted a page', member(ROUTE), { localhost: { roles: { member: [ROUTE] }, users: { carol: [PAGE] } } }, 'localhost / user carol', [['+ grant added orders.page/view', 'ng', 'resource: "orders.page']], 2],
    ['a tenant added', member(ROUTE), { ...member(ROUTE), acme: { roles: { member: [ROUTE] } } }, 'acme / role member', [['+ grant added plugin.route/view', 'ng', 'acme:']], 2],
    ['a grant removed', member(ROUTE, PAGE), member(ROUTE), 'localhost / role member', [['- grant removed orders.page/view', 'og', 'resource: "orders.page']], 0],
    ['"*" narrowed to one action', member(['plugin.route', '*']), member(ROUTE), 'localhost / role member', [['- grant narrowed plugin.route/* -> plugin.route/view', 'ng', 'resource: "plugin.route']], 0],
    ['"*" narrowed to two resources', member(['*', 'view']), member(ROUTE, PAGE), 'localhost / role member', [['- grant narrowed */view -> plugin.route/view, orders.page/view', 'ng', 'resource: "plugin.route']], 0],
    ['a role removed', { localhost: { roles: { member: [ROUTE], admin: [PAGE] } } }, member(ROUTE), 'localhost / role admin', [['- grant removed orders.page/view', 'og', 'resource: "orders.page']], 0],
    ['a grant its "*" grant already covered', member(['*', '*']), member(['*', '*'], PAGE), '', [], 0],
    ['grants reordered', member(ROUTE, PAGE), member(PAGE, ROUTE), '', [], 0],
  ])('%s', async (_, before, after, group, findings, code) => {
    const files = { og: grantsYaml(before), ng: grantsYaml(after) };
    const { code: exit, lines } = await grantsDiff(files.og, files.ng);
    expect(exit).toBe(code);
    if (findings.length === 0) return expect(lines).toEqual(['no permission changes']);
    const expected = findings.map(([line, side, needle]) => {
      const text = files[side];
      // A tenant's grant points at its flow map "{", the tenant itself at its first role.
      const where = needle.endsWith(':') ? at(text, '{', { after: needle }) : at(text, `{ ${needle}`);
      return `${line.replace(/ ("\*" now matches more)$/, '')} ${side}.yaml:${where}${/ "\*" now matches more$/.test(line) ? ' "*" now matches more' : ''}`;
    });
    const body = lines.slice(0, -1).map(squeeze);
    if (group) expect(body).toEqual([group, ...expected]);
    else expect(body.filter((l) => !l.startsWith('localhost /'))).toEqual(expected);
  });

  it('reads the grants files after the plugins files, and needs both', async () => {
    expect((await runDiff({ 'old.yaml': PLUGINS, 'new.yaml': PLUGINS, 'og.yaml': GRANTS_YAML })).code).toBe(64);
    const bad = await grantsDiff(GRANTS_YAML, 'tenants:\n  localhost:\n    roles:\n      member:\n        - { resource: x }\n');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^ng\.yaml:5:11 {2}tenants\.localhost\.roles\.member\[0\]/m);
  });

  it('prints grant findings in --json with the role they belong to', async () => {
    const { code, out } = await grantsDiff(grantsYaml(member(ROUTE)), grantsYaml(member(ROUTE, PAGE)), '--json');
    expect(code).toBe(2);
    expect(JSON.parse(out)).toEqual({
      widened: true,
      changes: [{ tenant: 'localhost', subject: 'role member', kind: 'grant', change: 'added', widening: true, new: 'orders.page/view', location: { file: 'ng.yaml', line: 6, col: 11, path: 'tenants.localhost.roles.member[1]' } }],
    });
  });

  it('refuses a policy module that answers no grant pairs, rather than reporting no change', () => {
    const parsed = parseGrants(GRANTS_YAML, { file: 'g.yaml' });
    if (!parsed.ok) throw new Error('fixture');
    const side = { config: parsed.value, file: 'g.yaml', doc: parseYamlDoc(GRANTS_YAML) };
    // A module built before grant coverage existed: api and sse pairs only.
    const old = { covers: () => ({ api: [], sse: [] }) } as unknown as PolicyTools;
    expect(() => diffGrants(side, side, old)).toThrow(PolicyToolError);
  });
});
