import { describe, expect, it } from 'vitest';
import { parsePluginsConfig } from './parse-plugins.js';
import type { ParseResult } from './issue.js';
import type { Mode, PluginsConfig } from './types.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const parse = (text: string, mode: Mode = 'production'): ParseResult<PluginsConfig> => parsePluginsConfig(text, { file: 'plugins.yaml', mode });
/** [code, "line:col", path] per issue: compact enough to assert a whole list in one line each. */
const brief = (r: ParseResult<unknown>): [string, string, string][] => (r.ok ? [] : r.issues.map((i) => [i.code, `${i.line}:${i.col}`, i.path]));

/** A well-formed pin: production requires one (or `integrity: none`) on every bundle. */
const PIN = `sha256:${'0'.repeat(64)}`;
/** A valid one-plugin file; lines 1-6. */
const HEAD = ['tenants:', '  localhost:', '    - id: hello', '      version: "1.0.0"', '      engine: { experience: ">=1.0.0 <2.0.0" }', `      bundle: { file: /app/plugins/hello/1.0.0/index.esm.js, integrity: "${PIN}" }`];

describe('parsePluginsConfig: the model', () => {
  it('fills missing lists with [] and keeps fields typed', () => {
    const result = parse(lines(...HEAD));
    expect(result).toEqual({
      ok: true,
      value: {
        tenants: {
          localhost: [
            {
              id: 'hello',
              version: '1.0.0',
              engine: { experience: '>=1.0.0 <2.0.0' },
              bundle: { file: '/app/plugins/hello/1.0.0/index.esm.js', integrity: PIN },
              permissions: { api: [], sse: [] },
              contributions: { routes: [], widgets: [] },
            },
          ],
        },
        upstreams: [],
      },
    });
  });

  it('keeps every field of a full plugin, and upstreams', () => {
    const result = parse(
      lines(
        ...HEAD.slice(0, 5),
        '      bundle:',
        '        file: /app/plugins/hello/1.0.0/index.esm.js',
        `        integrity: sha256:${'a'.repeat(64)}`,
        '      permissions:',
        '        api: [{ method: GET, path: /api/hello }]',
        '        sse: [hello.events]',
        '      contributions:',
        '        routes: [{ path: /hello, component: Hello, resource: plugin.route, action: view }]',
        '        widgets: [{ slot: dashboard.main, component: HelloWidget, resource: plugin.widget, action: view }]',
        '      rateLimit: { requestsPerSecond: 2.5, burst: 5 }',
        '  empty.localhost: []',
        'upstreams:',
        '  - { prefix: /api/catalog, url: "http://catalog:8080" }',
      ),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value.tenants['localhost']?.[0]).toEqual({
      id: 'hello',
      version: '1.0.0',
      engine: { experience: '>=1.0.0 <2.0.0' },
      bundle: { file: '/app/plugins/hello/1.0.0/index.esm.js', integrity: `sha256:${'a'.repeat(64)}` },
      permissions: { api: [{ method: 'GET', path: '/api/hello' }], sse: ['hello.events'] },
      contributions: {
        routes: [{ path: '/hello', component: 'Hello', resource: 'plugin.route', action: 'view' }],
        widgets: [{ slot: 'dashboard.main', component: 'HelloWidget', resource: 'plugin.widget', action: 'view' }],
      },
      rateLimit: { requestsPerSecond: 2.5, burst: 5 },
    });
    expect(result.value.tenants['empty.localhost']).toEqual([]);
    expect(result.value.upstreams).toEqual([{ prefix: '/api/catalog', url: 'http://catalog:8080' }]);
  });

  it('accepts a dev-server bundle url in development mode', () => {
    const text = lines(...HEAD.slice(0, 5), '      bundle: { url: "http://localhost:5173/src/index.ts" }');
    const result = parse(text, 'development');
    expect(result.ok && result.value.tenants['localhost']?.[0]?.bundle).toEqual({ url: 'http://localhost:5173/src/index.ts' });
  });

  it('rejects a malformed bundle mount as a programming error', () => {
    expect(() => parsePluginsConfig('tenants: {}', { file: 'f', mode: 'test', bundleMount: 'app/plugins' })).toThrow(TypeError);
    expect(() => parsePluginsConfig('tenants: {}', { file: 'f', mode: 'test', bundleMount: '/app/../x' })).toThrow(TypeError);
  });
});

describe('parsePluginsConfig: schema issues, located', () => {
  it('names an unknown field at its key, with a suggestion', () => {
    const result = parse(lines(...HEAD, '      permisions: {}'));
    expect(brief(result)).toEqual([['unknown_field', '7:7', 'tenants.localhost[0].permisions']]);
    expect(!result.ok && result.issues[0]?.message).toBe('unknown field "permisions"; did you mean "permissions"?');
  });

  it('names a missing field at its parent map', () => {
    const result = parse(lines(...HEAD.slice(0, 3), '      engine: { experience: "*" }', HEAD[5]!));
    expect(brief(result)).toEqual([['missing_field', '3:7', 'tenants.localhost[0].version']]);
  });

  it('reports a number where a string belongs, with the quoting hint', () => {
    const result = parse(lines(...HEAD.slice(0, 3), '      version: 1.0', ...HEAD.slice(4)));
    expect(brief(result)).toEqual([['schema', '4:16', 'tenants.localhost[0].version']]);
    expect(!result.ok && result.issues[0]?.message).toBe('expected a string, got number 1; put the value in quotes');
  });

  it('refuses a file without tenants, or of the wrong shape', () => {
    expect(brief(parse('upstreams: []\n'))).toEqual([['missing_field', '1:1', 'tenants']]);
    expect(brief(parse('- a\n'))).toEqual([['schema', '1:1', '']]);
    expect(brief(parse('tenants:\n  localhost:\n'))).toEqual([['schema', '2:3', 'tenants.localhost']]);
  });

  it('requires exactly one of bundle.file and bundle.url', () => {
    const both = parse(lines(...HEAD.slice(0, 5), '      bundle: { file: /app/plugins/hello/a.js, url: "http://localhost/a.js" }'), 'development');
    expect(brief(both)).toEqual([['invalid_bundle', '6:15', 'tenants.localhost[0].bundle']]);
    expect(!both.ok && both.issues[0]?.message).toBe('bundle has both "file" and "url"; keep exactly one');
    const neither = parse(lines(...HEAD.slice(0, 5), `      bundle: { integrity: "sha256:${'0'.repeat(64)}" }`));
    expect(brief(neither)).toEqual([['invalid_bundle', '6:15', 'tenants.localhost[0].bundle']]);
  });

  it('refuses methods that are not upper-case HTTP methods, with a hint', () => {
    const result = parse(
      lines(...HEAD, '      permissions:', '        api:', '          - { method: get, path: /api/a }', '          - { method: FETCH, path: /api/b }', '          - { method: "*", path: /api/c }'),
    );
    expect(brief(result)).toEqual([
      ['invalid_method', '9:23', 'tenants.localhost[0].permissions.api[0].method'],
      ['invalid_method', '10:23', 'tenants.localhost[0].permissions.api[1].method'],
      ['invalid_method', '11:23', 'tenants.localhost[0].permissions.api[2].method'],
    ]);
    expect(!result.ok && result.issues.map((i) => i.message)).toEqual([
      'method "get" must be written upper-case: "GET"',
      'unknown method "FETCH"; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
      'unknown method "*"; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    ]);
  });

  it('refuses a malformed plugin id', () => {
    const result = parse(lines(...HEAD.slice(0, 2), '    - id: Hello_World', ...HEAD.slice(3)));
    expect(brief(result)).toEqual([['invalid_plugin_id', '3:11', 'tenants.localhost[0].id']]);
  });

  it('refuses tenant hosts with a port, upper case or odd characters, at the key', () => {
    const result = parse(lines('tenants:', '  "localhost:8080": []', '  Acme.Example.com: []', '  acme_x.com: []', '  -bad.com: []', '  ok.example.com: []'));
    expect(brief(result)).toEqual([
      ['invalid_tenant_host', '2:3', 'tenants.localhost:8080'],
      ['invalid_tenant_host', '3:3', 'tenants.Acme.Example.com'],
      ['invalid_tenant_host', '4:3', 'tenants.acme_x.com'],
      ['invalid_tenant_host', '5:3', 'tenants.-bad.com'],
    ]);
    expect(!result.ok && result.issues.slice(0, 2).map((i) => i.message)).toEqual([
      '"localhost:8080" is not a valid tenant host (lower-case host name, no port); leave out the port',
      '"Acme.Example.com" is not a valid tenant host (lower-case host name, no port); write it lower-case',
    ]);
  });

  it('refuses malformed integrity', () => {
    for (const bad of [`sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, `sha384:${'a'.repeat(64)}`, 'a'.repeat(64)]) {
      const result = parse(lines(...HEAD.slice(0, 5), '      bundle:', '        file: /app/plugins/hello/1.0.0/index.esm.js', `        integrity: "${bad}"`));
      expect(brief(result)).toEqual([['invalid_integrity', '8:20', 'tenants.localhost[0].bundle.integrity']]);
    }
  });

  it('refuses malformed SSE topic prefixes', () => {
    const result = parse(lines(...HEAD, '      permissions:', '        sse: [orders, "orders.", ".x", "a..b", "a b", "*", orders.created]'));
    expect(brief(result).map(([code, pos, path]) => `${code} ${pos} ${path}`)).toEqual([
      'invalid_sse_prefix 8:23 tenants.localhost[0].permissions.sse[1]',
      'invalid_sse_prefix 8:34 tenants.localhost[0].permissions.sse[2]',
      'invalid_sse_prefix 8:40 tenants.localhost[0].permissions.sse[3]',
      'invalid_sse_prefix 8:48 tenants.localhost[0].permissions.sse[4]',
      'invalid_sse_prefix 8:55 tenants.localhost[0].permissions.sse[5]',
    ]);
  });

  it('checks contributions and rate limits', () => {
    const result = parse(
      lines(
        ...HEAD,
        '      contributions:',
        '        routes: [{ path: /a, component: "my page", resource: plugin.route, action: view }]',
        '        widgets: [{ slot: dashboard.main, component: W, resource: "", action: view, extra: 1 }]',
        '      rateLimit: { requestsPerSecond: 0, burst: 1.5 }',
      ),
    );
    expect(brief(result)).toEqual([
      ['schema', '8:41', 'tenants.localhost[0].contributions.routes[0].component'],
      ['schema', '9:67', 'tenants.localhost[0].contributions.widgets[0].resource'],
      ['unknown_field', '9:85', 'tenants.localhost[0].contributions.widgets[0].extra'],
      ['schema', '10:39', 'tenants.localhost[0].rateLimit.requestsPerSecond'],
      ['schema', '10:49', 'tenants.localhost[0].rateLimit.burst'],
    ]);
  });

  it('reports schema and semantic issues of a whole file at once, in file order', () => {
    const result = parse(
      lines(
        'tenants:',
        '  localhost:',
        '    - id: hello',
        '      version: "1.0"',
        '      engine: { experience: "not a range" }',
        '      bundle: { file: /app/plugins/other/index.js }',
        '      permissions:',
        '        api: [{ method: get, path: /api/../x }]',
        '    - id: hello',
        '      version: "1.0.0"',
        '      engine: { experience: "*" }',
        '      bundle: { file: /app/plugins/hello/x.js }',
        '      colour: blue',
      ),
    );
    expect(brief(result)).toEqual([
      ['invalid_version', '4:16', 'tenants.localhost[0].version'],
      ['invalid_engine_range', '5:29', 'tenants.localhost[0].engine.experience'],
      ['missing_integrity', '6:7', 'tenants.localhost[0].bundle'],
      ['bundle_outside_root', '6:23', 'tenants.localhost[0].bundle.file'],
      ['invalid_method', '8:25', 'tenants.localhost[0].permissions.api[0].method'],
      ['invalid_path_template', '8:36', 'tenants.localhost[0].permissions.api[0].path'],
      ['duplicate_plugin_id', '9:11', 'tenants.localhost[1].id'],
      ['missing_integrity', '12:7', 'tenants.localhost[1].bundle'],
      ['unknown_field', '13:7', 'tenants.localhost[1].colour'],
    ]);
    expect(result.ok ? [] : result.issues.every((i) => i.file === 'plugins.yaml')).toBe(true);
  });
});
