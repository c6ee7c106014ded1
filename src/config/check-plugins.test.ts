import { describe, expect, it } from 'vitest';
import type { ParseResult } from './issue.js';
import { parsePluginsConfig } from './parse-plugins.js';
import type { Mode } from './types.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const brief = (r: ParseResult<unknown>): [string, string, string][] => (r.ok ? [] : r.issues.map((i) => [i.code, `${i.line}:${i.col}`, i.path]));
const messages = (r: ParseResult<unknown>): string[] => (r.ok ? [] : r.issues.map((i) => i.message));

/**
 * One plugin in tenant localhost, one field per line so positions are easy to read:
 * line 3 id, 4 version, 5 engine range, 6 bundle file (value at col 15); `extra` lines follow.
 */
/** A well-formed pin: production requires one (or `integrity: none`) on every bundle. */
const PIN = `sha256:${'0'.repeat(64)}`;

function plugin(f: { id?: string; version?: string; range?: string; file?: string; extra?: string[] } = {}): string {
  const id = f.id ?? 'hello';
  return lines(
    'tenants:',
    '  localhost:',
    `    - id: ${id}`,
    `      version: "${f.version ?? '1.0.0'}"`,
    `      engine: { experience: "${f.range ?? '>=1.0.0 <2.0.0'}" }`,
    `      bundle: { file: "${f.file ?? `/app/plugins/${id}/1.0.0/index.esm.js`}", integrity: "${PIN}" }`,
    ...(f.extra ?? []),
  );
}
const parse = (text: string, mode: Mode = 'production', bundleMount?: string) =>
  parsePluginsConfig(text, { file: 'plugins.yaml', mode, ...(bundleMount ? { bundleMount } : {}) });

describe('duplicate plugin ids', () => {
  it('reports the second occurrence, naming the first', () => {
    const text = lines(
      'tenants:',
      '  localhost:',
      '    - { id: hello, version: "1.0.0", engine: { experience: "*" }, bundle: { file: /app/plugins/hello/a.js, integrity: none } }',
      '    - { id: other, version: "1.0.0", engine: { experience: "*" }, bundle: { file: /app/plugins/other/a.js, integrity: none } }',
      '    - { id: hello, version: "2.0.0", engine: { experience: "*" }, bundle: { file: /app/plugins/hello/b.js, integrity: none } }',
      '  acme.localhost:',
      '    - { id: hello, version: "1.0.0", engine: { experience: "*" }, bundle: { file: /app/plugins/hello/a.js, integrity: none } }',
    );
    const result = parse(text);
    expect(brief(result)).toEqual([['duplicate_plugin_id', '5:13', 'tenants.localhost[2].id']]);
    expect(messages(result)).toEqual(['plugin id "hello" is already used in this tenant (tenants.localhost[0])']);
  });
});

describe('version and engine range', () => {
  it.each([
    ['1.0', 'version "1.0" is not a semver version (e.g. "1.0.0")'],
    ['v1.0.0', 'version "v1.0.0" is not in canonical form; write "1.0.0"'],
    ['01.0.0', 'version "01.0.0" is not a semver version (e.g. "1.0.0")'],
    ['latest', 'version "latest" is not a semver version (e.g. "1.0.0")'],
  ])('refuses version %s', (version, message) => {
    const result = parse(plugin({ version }));
    expect(brief(result)).toEqual([['invalid_version', '4:16', 'tenants.localhost[0].version']]);
    expect(messages(result)).toEqual([message]);
  });

  it('accepts a prerelease version', () => {
    expect(parse(plugin({ version: '1.0.0-rc.1' })).ok).toBe(true);
  });

  it('refuses build metadata: semver ignores it, so two builds would be the same version', () => {
    const result = parse(plugin({ version: '1.0.0-rc.1+build.5' }));
    expect(messages(result)).toEqual(['version "1.0.0-rc.1+build.5" is not in canonical form; write "1.0.0-rc.1"']);
  });

  it.each(['not a range', '>=1.0.0 <<2', '1.0.0 - ', '=>1.0.0', 'latest'])('refuses the range %j', (range) => {
    expect(brief(parse(plugin({ range })))).toEqual([['invalid_engine_range', '5:29', 'tenants.localhost[0].engine.experience']]);
  });

  it.each(['>2.0.0 <1.0.0', '>=1.0.0 <1.0.0', '<0.0.0'])('refuses the unsatisfiable range %j', (range) => {
    const result = parse(plugin({ range }));
    expect(brief(result)).toEqual([['unsatisfiable_engine_range', '5:29', 'tenants.localhost[0].engine.experience']]);
    expect(messages(result)[0]).toContain('no version satisfies');
  });

  it.each(['*', '^1.2.0', '>=0.1.0 <1.0.0', '1.x || 2.x', '~1.4'])('accepts the range %j', (range) => {
    expect(parse(plugin({ range })).ok).toBe(true);
  });

  it('refuses an empty range through the schema', () => {
    expect(brief(parse(plugin({ range: '' })))).toEqual([['schema', '5:29', 'tenants.localhost[0].engine.experience']]);
  });
});

describe('bundle.file', () => {
  it.each([
    ['/app/plugins/hello/1.0.0/index.esm.js'],
    ['/app/plugins/hello/index.mjs'],
    ['/app/plugins/hello/a.b/c-d_e~f/index.js'],
  ])('accepts %s', (file) => {
    expect(parse(plugin({ file })).ok).toBe(true);
  });

  it.each([
    ['/app/plugins/other/1.0.0/index.esm.js', 'bundle.file must be inside /app/plugins/hello/'],
    ['/app/plugins/index.js', 'bundle.file must be inside /app/plugins/hello/'],
    ['/app/pluginsx/hello/index.js', 'bundle.file must be inside /app/plugins/hello/'],
    ['/app/plugins/hellox/index.js', 'bundle.file must be inside /app/plugins/hello/'],
    ['/etc/passwd.js', 'bundle.file must be inside /app/plugins/hello/'],
  ])('refuses %s as outside the plugin folder', (file, message) => {
    const result = parse(plugin({ file }));
    expect(brief(result)).toEqual([['bundle_outside_root', '6:23', 'tenants.localhost[0].bundle.file']]);
    expect(messages(result)).toEqual([message]);
  });

  it.each([
    ['app/plugins/hello/index.js', 'bundle.file must be an absolute path'],
    ['/app/plugins/hello/../other/index.js', 'bundle.file must not have "." or ".." segments'],
    ['/app/plugins/hello/./index.js', 'bundle.file must not have "." or ".." segments'],
    ['/app/plugins/hello/../../../etc/x.js', 'bundle.file must not have "." or ".." segments'],
    ['/app/plugins/hello//index.js', 'bundle.file must not have empty segments ("//" or a trailing "/")'],
    ['/app/plugins/hello/1.0.0/', 'bundle.file must not have empty segments ("//" or a trailing "/")'],
    ['/app/plugins/hello/%2e%2e/x.js', 'bundle.file must not contain "%" (no percent-encoding)'],
    ['/app/plugins/hello\\\\..\\\\x.js', 'bundle.file must not contain "\\"'],
    ['/app/plugins/hello/x.js\\0.png', 'bundle.file must not contain NUL'],
    ['/app/plugins/hello/index.css', 'bundle.file must name a .js or .mjs file'],
  ])('refuses %j as malformed', (file, message) => {
    const result = parse(plugin({ file }));
    expect(brief(result)).toEqual([['invalid_bundle_path', '6:23', 'tenants.localhost[0].bundle.file']]);
    expect(messages(result)).toEqual([message]);
  });

  it('follows a configured mount', () => {
    expect(parse(plugin({ file: '/srv/b/hello/index.js' }), 'production', '/srv/b').ok).toBe(true);
    expect(brief(parse(plugin(), 'production', '/srv/b'))).toEqual([['bundle_outside_root', '6:23', 'tenants.localhost[0].bundle.file']]);
  });

  it('checks the mount alone when the plugin id itself is invalid', () => {
    const result = parse(plugin({ id: 'Bad', file: '/app/plugins/Bad/index.js' }));
    expect(brief(result)).toEqual([['invalid_plugin_id', '3:11', 'tenants.localhost[0].id']]);
  });
});

describe('bundle.url', () => {
  const withUrl = (url: string): string =>
    lines('tenants:', '  localhost:', '    - id: hello', '      version: "1.0.0"', '      engine: { experience: "*" }', `      bundle: { url: "${url}" }`);

  it.each(['http://localhost/index.js', 'http://localhost:5173/src/index.ts', 'http://127.0.0.1:8080/a/b.js?x=1'])('accepts %s in development', (url) => {
    expect(parse(withUrl(url), 'development').ok).toBe(true);
  });

  it.each(['production', 'test'] as const)('refuses any url in %s mode, with a clear message', (mode) => {
    const result = parse(withUrl('http://localhost:5173/index.js'), mode);
    expect(brief(result)).toEqual([['bundle_url_not_allowed', '6:22', 'tenants.localhost[0].bundle.url']]);
    expect(messages(result)).toEqual([`bundle.url is only allowed in development mode (mode is ${mode}); use bundle.file`]);
  });

  it.each([
    'https://localhost/index.js',
    'http://localhost.evil.com/index.js',
    'http://localhost@evil.com/index.js',
    'http://user@localhost/index.js',
    'http://127.0.0.2/index.js',
    'http://0x7f.1/index.js',
    'http://127.1/index.js',
    'http://LOCALHOST/index.js',
    'http://[::1]/index.js',
    'http://localhost:0/index.js',
    'http://localhost:99999/index.js',
    'http://localhost',
    'http://localhost:5173',
    'http://localhost/a#b',
    'http://localhost/a\\\\b',
    '//localhost/index.js',
    'file:///app/index.js',
  ])('refuses %s even in development', (url) => {
    expect(brief(parse(withUrl(url), 'development'))).toEqual([['invalid_bundle_url', '6:22', 'tenants.localhost[0].bundle.url']]);
  });
});

describe('API path templates', () => {
  const api = (path: string): string => plugin({ extra: ['      permissions:', '        api:', '          - method: GET', `            path: "${path}"`] });

  it.each(['/api/orders', '/api/orders/{id}', '/api/orders/{id}/notes', '/api/catalog/**', '/api/{a}/{b_2}/**', "/api/a-b_c.d~e!$&'()+,;=:@"])('accepts %s', (path) => {
    expect(parse(api(path)).ok).toBe(true);
  });

  it.each([
    ['api/orders', 'a path template must start with "/"'],
    ['/api/orders/', 'a path template must not have empty segments ("//" or a trailing "/")'],
    ['/api//orders', 'a path template must not have empty segments ("//" or a trailing "/")'],
    ['/', 'a path template must not have empty segments ("//" or a trailing "/")'],
    ['/api/./orders', 'a path template must not have "." or ".." segments'],
    ['/api/../admin', 'a path template must not have "." or ".." segments'],
    ['/api/orders?x=1', 'a path template must not contain "?" or "#"'],
    ['/api/orders#x', 'a path template must not contain "?" or "#"'],
    ['/api/%2e%2e/admin', 'a path template must not contain "%" (no percent-encoding)'],
    ['/api\\\\admin', 'a path template must not contain "\\"'],
    ['/api/a b', 'a path template must not contain whitespace or control characters'],
    ['/**', '"/**" would allow every path; name at least one segment before "/**"'],
    ['/api/**/x', '"**" may only be the last segment'],
    ['/api/*', '"*": "*" is only allowed as a final "**" segment'],
    ['/api/a*', '"a*": "*" is only allowed as a final "**" segment'],
    ['/api/order-{id}', '"order-{id}": a parameter must be a whole segment "{name}" (name: a letter or "_", then letters, digits, "_")'],
    ['/api/{1d}', '"{1d}": a parameter must be a whole segment "{name}" (name: a letter or "_", then letters, digits, "_")'],
    ['/api/{}', '"{}": a parameter must be a whole segment "{name}" (name: a letter or "_", then letters, digits, "_")'],
    ['/api/{id}/{id}', 'parameter "{id}" appears twice'],
    ['/api/ä', '"ä" has a character not allowed in a path'],
  ])('refuses %j', (path, reason) => {
    const result = parse(api(path));
    expect(brief(result)).toEqual([['invalid_path_template', '10:19', 'tenants.localhost[0].permissions.api[0].path']]);
    expect(messages(result)).toEqual([`"${path.replace(/\\\\/g, '\\')}": ${reason}`]);
  });
});

describe('route paths', () => {
  const routes = (...paths: string[]): string[] => [
    '      contributions:',
    '        routes:',
    ...paths.map((p) => `          - { path: "${p}", component: Page, resource: plugin.route, action: view }`),
  ];

  it('accepts clean absolute paths, including router parameters', () => {
    expect(parse(plugin({ extra: routes('/orders', '/orders/:id', '/a/b-c_d.e') })).ok).toBe(true);
  });

  it.each(['orders', '/', '/orders/', '//orders', '/a/../b', '/a/./b', '/orders?x', '/orders#x', '/%41', '/a\\\\b', '/a b', '/*', '/a/{id}'])(
    'refuses %j',
    (path) => {
      expect(brief(parse(plugin({ extra: routes(path) })))).toEqual([['invalid_route_path', '9:21', 'tenants.localhost[0].contributions.routes[0].path']]);
    },
  );

  it.each(['/api', '/api/x', '/auth/login', '/events', '/configs/stream', '/configs/stream/x', '/stream/a'])('refuses %j, which the SPA router leaves to the BFF', (path) => {
    expect(brief(parse(plugin({ extra: routes(path) })))).toEqual([['reserved_route_path', '9:21', 'tenants.localhost[0].contributions.routes[0].path']]);
  });

  it.each(['/apis', '/configs', '/streams', '/authors'])('accepts %j next to a reserved prefix', (path) => {
    expect(parse(plugin({ extra: routes(path) })).ok).toBe(true);
  });

  it('refuses a route path used twice in a tenant, within or across plugins', () => {
    const text = lines(
      'tenants:',
      '  localhost:',
      '    - id: a',
      '      version: "1.0.0"',
      '      engine: { experience: "*" }',
      '      bundle: { file: /app/plugins/a/index.js, integrity: none }',
      '      contributions:',
      '        routes:',
      '          - { path: /x, component: X, resource: r, action: view }',
      '          - { path: /x, component: Y, resource: r, action: view }',
      '    - id: b',
      '      version: "1.0.0"',
      '      engine: { experience: "*" }',
      '      bundle: { file: /app/plugins/b/index.js, integrity: none }',
      '      contributions:',
      '        routes:',
      '          - { path: /x, component: Z, resource: r, action: view }',
      '  other.localhost:',
      '    - id: c',
      '      version: "1.0.0"',
      '      engine: { experience: "*" }',
      '      bundle: { file: /app/plugins/c/index.js, integrity: none }',
      '      contributions: { routes: [{ path: /x, component: X, resource: r, action: view }] }',
    );
    const result = parse(text);
    expect(brief(result)).toEqual([
      ['duplicate_route_path', '10:21', 'tenants.localhost[0].contributions.routes[1].path'],
      ['duplicate_route_path', '17:21', 'tenants.localhost[1].contributions.routes[0].path'],
    ]);
    expect(messages(result)[1]).toBe('route "/x" is already contributed in this tenant (tenants.localhost[0].contributions.routes[0].path)');
  });
});

describe('upstreams', () => {
  const ups = (...entries: string[]): string => lines('tenants: {}', 'upstreams:', ...entries.map((e) => `  - ${e}`));

  it('accepts http(s) URLs under clean prefixes', () => {
    expect(parse(ups('{ prefix: /api/catalog, url: "http://catalog:8080" }', '{ prefix: /, url: "https://api.example.com/" }')).ok).toBe(true);
  });

  it('refuses an upstream url with a base path, which forwarding would ignore', () => {
    const result = parse(ups('{ prefix: /api/catalog, url: "https://api.example.com/base" }'));
    expect(brief(result)).toEqual([['invalid_upstream_url', '3:34', 'upstreams[0].url']]);
    expect(result.ok ? '' : result.issues[0]?.message).toContain("forwards the request's own path unchanged");
  });

  it('refuses malformed prefixes and URLs, and a prefix routed twice', () => {
    const result = parse(
      ups(
        '{ prefix: api, url: "http://a" }',
        '{ prefix: /api/, url: "ftp://a" }',
        '{ prefix: "/api/{id}", url: "http://user:pw@a" }',
        '{ prefix: /api/x, url: "http://a?x=1" }',
        '{ prefix: /api/x, url: "not a url" }',
      ),
    );
    expect(brief(result)).toEqual([
      ['invalid_upstream_prefix', '3:15', 'upstreams[0].prefix'],
      ['invalid_upstream_prefix', '4:15', 'upstreams[1].prefix'],
      ['invalid_upstream_url', '4:27', 'upstreams[1].url'],
      ['invalid_upstream_prefix', '5:15', 'upstreams[2].prefix'],
      ['invalid_upstream_url', '5:33', 'upstreams[2].url'],
      ['invalid_upstream_url', '6:28', 'upstreams[3].url'],
      ['duplicate_upstream_prefix', '7:15', 'upstreams[4].prefix'],
      ['invalid_upstream_url', '7:28', 'upstreams[4].url'],
    ]);
  });
});
