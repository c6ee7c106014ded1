import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { defaultConfigFiles, defaultHostVersion, loadConfigFiles } from './load-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xp-config-'));
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('defaultHostVersion', () => {
  it("is the repository's package.json version", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(defaultHostVersion()).toBe(pkg.version);
    expect(defaultHostVersion()).toBe('1.4.0');
  });
});

describe('the default config files', () => {
  it('load without issues in every mode', async () => {
    for (const mode of ['production', 'development', 'test'] as const) {
      const loaded = await loadConfigFiles({ ...defaultConfigFiles(), mode, hostVersion: defaultHostVersion() });
      expect(Object.keys(loaded.registry.tenants)).toContain('localhost');
    }
  });

  it('hold the plugins the browser bundles are being built for', async () => {
    const { plugins, registry } = await loadConfigFiles({ ...defaultConfigFiles(), mode: 'production', hostVersion: '1.4.0' });
    const summary = (tenant: string) =>
      plugins.tenants[tenant]?.map((p) => ({
        id: p.id,
        version: p.version,
        range: p.engine.experience,
        file: p.bundle.file,
        // The exact values are held to the built bytes by test/integration/integrity.test.ts.
        integrity: p.bundle.integrity?.replace(/^sha256:[0-9a-f]{64}$/, 'sha256:<hex>'),
        api: p.permissions.api.map((a) => `${a.method} ${a.path}`),
        sse: p.permissions.sse,
        routes: p.contributions.routes.map((r) => `${r.path} ${r.component} ${r.resource}/${r.action}`),
        widgets: p.contributions.widgets.map((w) => `${w.slot} ${w.component} ${w.resource}/${w.action}`),
        rateLimit: p.rateLimit,
      }));
    const hello = {
      id: 'hello',
      version: '1.0.0',
      range: '>=1.0.0 <2.0.0',
      file: '/app/plugins/hello/1.0.0/index.esm.js',
      integrity: 'sha256:<hex>',
      api: ['GET /api/hello'],
      sse: [],
      routes: ['/hello Hello plugin.route/view'],
      widgets: ['dashboard.main HelloWidget plugin.widget/view'],
      rateLimit: undefined,
    };
    expect(summary('localhost')).toEqual([
      hello,
      {
        id: 'orders',
        version: '2.1.0',
        range: '>=1.2.0 <2.0.0',
        file: '/app/plugins/orders/2.1.0/index.esm.js',
        integrity: 'sha256:<hex>',
        api: ['GET /api/orders', 'GET /api/orders/{id}', 'POST /api/orders/{id}/notes', 'GET /api/catalog/**'],
        sse: ['orders'],
        routes: ['/orders OrdersPage orders.page/view'],
        widgets: ['dashboard.main OrdersWidget orders.widget/view'],
        rateLimit: { requestsPerSecond: 20, burst: 40 },
      },
      {
        id: 'sneaky',
        version: '0.3.0',
        range: '>=1.0.0 <2.0.0',
        file: '/app/plugins/sneaky/0.3.0/index.esm.js',
        integrity: 'sha256:<hex>',
        api: ['GET /api/sneaky/status'],
        sse: ['sneaky'],
        routes: ['/sneaky SneakyPage plugin.route/view'],
        widgets: [],
        rateLimit: undefined,
      },
      {
        id: 'crashy',
        version: '0.1.0',
        range: '>=1.0.0 <2.0.0',
        file: '/app/plugins/crashy/0.1.0/index.esm.js',
        integrity: 'sha256:<hex>',
        api: [],
        sse: [],
        routes: ['/crashy CrashyPage plugin.route/view'],
        widgets: ['dashboard.main CrashyWidget plugin.widget/view'],
        rateLimit: undefined,
      },
      {
        id: 'legacy',
        version: '0.9.0',
        range: '>=0.1.0 <1.0.0',
        file: '/app/plugins/legacy/0.9.0/index.esm.js',
        integrity: 'sha256:<hex>',
        api: [],
        sse: [],
        routes: ['/legacy LegacyPage plugin.route/view'],
        widgets: [],
        rateLimit: undefined,
      },
    ]);
    expect(summary('acme.localhost')).toEqual([hello]);
    expect(plugins.upstreams).toEqual([]);
    const compatible = Object.values(registry.tenants['localhost']!.plugins).map((p) => `${p.id}:${p.compatible}`);
    expect(compatible).toEqual(['crashy:true', 'hello:true', 'legacy:false', 'orders:true', 'sneaky:true']);
    expect(registry.tenants['localhost']!.grants).toEqual({
      roles: {
        'dashboard-user': [
          { resource: 'plugin.widget', action: 'view' },
          { resource: 'orders.widget', action: 'view' },
        ],
        member: [
          { resource: 'plugin.route', action: 'view' },
          { resource: 'orders.page', action: 'view' },
        ],
      },
      users: {},
    });
    expect(registry.tenants['acme.localhost']!.grants).toEqual({ roles: { member: [{ resource: 'plugin.route', action: 'view' }] }, users: {} });
  });

  it('point editors at their schemas', async () => {
    const { pluginsFile, grantsFile } = defaultConfigFiles();
    expect((await readFile(pluginsFile, 'utf8')).split('\n')[0]).toBe('# yaml-language-server: $schema=./plugins.schema.json');
    expect((await readFile(grantsFile, 'utf8')).split('\n')[0]).toBe('# yaml-language-server: $schema=./grants.schema.json');
  });
});

describe('loadConfigFiles', () => {
  it('throws one ConfigError with the issues of both files', async () => {
    const pluginsFile = await write('bad-plugins.yaml', 'tenants:\n  localhost:\n    - id: Bad\n');
    const grantsFile = await write('bad-grants.yaml', 'tenants:\n  localhost:\n    role: {}\n');
    const error = await loadConfigFiles({ pluginsFile, grantsFile, mode: 'production', hostVersion: '1.4.0' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => `${path.basename(i.file)}:${i.line}:${i.col} ${i.code} ${i.path}`);
    expect(issues).toEqual([
      'bad-plugins.yaml:3:7 missing_field tenants.localhost[0].version',
      'bad-plugins.yaml:3:7 missing_field tenants.localhost[0].engine',
      'bad-plugins.yaml:3:7 missing_field tenants.localhost[0].bundle',
      'bad-plugins.yaml:3:11 invalid_plugin_id tenants.localhost[0].id',
      'bad-grants.yaml:3:5 unknown_field tenants.localhost.role',
    ]);
    expect((error as ConfigError).code).toBe('config_invalid');
    expect((error as ConfigError).message).toMatch(/^config invalid \(5 issues\); first: .*bad-plugins\.yaml:3:7 {2}tenants\.localhost\[0\]\.version {2}missing required field "version"$/);
  });

  it('reports an unreadable file as an issue, alongside the other file', async () => {
    const grantsFile = await write('g-ok.yaml', 'tenants: {}\n');
    const pluginsFile = path.join(dir, 'missing.yaml');
    const error = (await loadConfigFiles({ pluginsFile, grantsFile, mode: 'production', hostVersion: '1.4.0' }).catch((e: unknown) => e)) as ConfigError;
    expect(error.issues).toEqual([{ code: 'file_unreadable', file: pluginsFile, line: 0, col: 0, path: '', message: 'cannot read the file (ENOENT)' }]);
  });

  it('passes mode and bundle mount through', async () => {
    const pluginsFile = await write(
      'dev.yaml',
      'tenants:\n  localhost:\n    - { id: a, version: "1.0.0", engine: { experience: "*" }, bundle: { url: "http://localhost:5173/a.js" } }\n    - { id: b, version: "1.0.0", engine: { experience: "*" }, bundle: { file: /b/b/x.js } }\n',
    );
    const grantsFile = await write('g.yaml', 'tenants: {}\n');
    const loaded = await loadConfigFiles({ pluginsFile, grantsFile, mode: 'development', hostVersion: '1.4.0', bundleMount: '/b' });
    expect(loaded.plugins.tenants['localhost']?.map((p) => p.bundle)).toEqual([{ url: 'http://localhost:5173/a.js' }, { file: '/b/b/x.js' }]);
    const refused = (await loadConfigFiles({ pluginsFile, grantsFile, mode: 'production', hostVersion: '1.4.0', bundleMount: '/b' }).catch((e: unknown) => e)) as ConfigError;
    // Production also requires b's integrity; a's url is refused on its own.
    expect(refused.issues.map((i) => [i.code, i.path])).toEqual([
      ['bundle_url_not_allowed', 'tenants.localhost[0].bundle.url'],
      ['missing_integrity', 'tenants.localhost[1].bundle'],
    ]);
  });
});
