import { describe, expect, it } from 'vitest';
import { at, runDiff, squeeze } from '../../../../test/cli/diff-support.js';
import { pluginEntry, pluginsYaml } from '../../../../test/cli/support.js';

type Routes = [string, string, boolean?][];
const yaml = (routes: Routes) => pluginsYaml({ localhost: [pluginEntry({ id: 'orders', api: [['GET', '/api/orders']] })] }, routes);
const CATALOG: Routes = [['/api/catalog', 'http://catalog:8080']];

/** old and new upstreams; the expected findings (each: line, file, needle, options of `at`), the exit code. */
type Row = [Routes, Routes, [string, 'old' | 'new', string, Parameters<typeof at>[2]?][], number];

describe('diff: upstreams', () => {
  it.each<Row>([
    [[], CATALOG, [['+ upstream added /api/catalog -> http://catalog:8080 | calls below /api/catalog now go to http://catalog:8080', 'new', 'prefix: /api/catalog']], 2],
    [CATALOG, [['/api/catalog', 'http://evil:8080']], [['+ upstream changed /api/catalog -> http://catalog:8080 -> /api/catalog -> http://evil:8080 | calls below /api/catalog now go to another service', 'new', 'http://evil:8080']], 2],
    [CATALOG, [['/api/catalog', 'http://catalog:8080', true]], [["+ upstream widened /api/catalog -> http://catalog:8080 -> /api/catalog -> http://catalog:8080 (access token) | the session's access token is now sent to http://catalog:8080", 'new', 'forwardAccessToken: true', { skip: 'forwardAccessToken: '.length }]], 2],
    [[['/api/catalog', 'http://catalog:8080', true]], CATALOG, [['- upstream narrowed /api/catalog -> http://catalog:8080 (access token) -> /api/catalog -> http://catalog:8080 | the access token is no longer sent', 'new', 'prefix: /api/catalog']], 0],
    [CATALOG, [], [['+ upstream removed /api/catalog -> http://catalog:8080 | calls below /api/catalog now go to the upstream of a shorter prefix, or UPSTREAM_URL', 'old', 'prefix: /api/catalog']], 2],
    // A prefix moved is one removed and one added: the calls between them change service.
    [CATALOG, [['/api/cat', 'http://catalog:8080']], [
      ['+ upstream added /api/cat -> http://catalog:8080 | calls below /api/cat now go to http://catalog:8080', 'new', 'prefix: /api/cat'],
      ['+ upstream removed /api/catalog -> http://catalog:8080 | calls below /api/catalog now go to the upstream of a shorter prefix, or UPSTREAM_URL', 'old', 'prefix: /api/catalog'],
    ], 2],
    [[...CATALOG, ['/api/users', 'http://users:8080']], [['/api/users', 'http://users:8080'], ...CATALOG], [], 0],
  ])('%j -> %j', async (before, after, findings, code) => {
    const files = { 'old.yaml': yaml(before), 'new.yaml': yaml(after) };
    const { code: exit, lines } = await runDiff(files);
    expect(exit).toBe(code);
    if (findings.length === 0) return expect(lines).toEqual(['no permission changes']);
    const expected = findings.map(([line, side, needle, options]) => {
      const [head, note] = line.split(' | ');
      return `${head} ${side}.yaml:${at(files[`${side}.yaml`], needle, options)} ${note}`;
    });
    expect(lines.map(squeeze).slice(0, -1)).toEqual(['upstreams', ...expected]);
  });

  it('reports upstreams in --json without a tenant', async () => {
    const { out } = await runDiff({ 'old.yaml': yaml([]), 'new.yaml': yaml(CATALOG) }, '--json');
    expect(JSON.parse(out).changes).toEqual([
      { kind: 'upstream', change: 'added', widening: true, new: '/api/catalog -> http://catalog:8080', note: 'calls below /api/catalog now go to http://catalog:8080', location: { file: 'new.yaml', line: expect.any(Number), col: 5, path: 'upstreams[0]' } },
    ]);
  });
});
