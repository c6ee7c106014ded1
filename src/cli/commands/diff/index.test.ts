import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo, pluginEntry, pluginsYaml, policyWasm, REPO, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { run } from '../../program.js';

// The policy answers which entry covers which: the commands read it from POLICY_WASM, as the BFF does.
const ENV: Record<string, string> = { EXPERIENCE_VERSION: '1.4.0' };
beforeAll(async () => {
  ENV['POLICY_WASM'] = await policyWasm();
}, 60_000);
type P = Parameters<typeof pluginEntry>[0];
const orders = (extra: Partial<P> = {}): string =>
  pluginEntry({ id: 'orders', api: [['GET', '/api/orders'], ['GET', '/api/orders/{id}']], sse: ['orders.created'], routes: [['/orders', 'OrdersPage']], ...extra });

async function diff(before: string, after: string, ...args: string[]) {
  const dir = await tempDir();
  await writeFiles(dir, { 'old.yaml': before, 'new.yaml': after });
  const io = captureIo(dir, ENV);
  const code = await run(['diff', 'old.yaml', 'new.yaml', ...args], io);
  return { code, lines: io.out().trimEnd().split('\n'), out: io.out(), err: io.err() };
}

describe('diff', () => {
  it('flags a path template widened to a prefix, exit 2', async () => {
    const { code, lines } = await diff(
      pluginsYaml({ localhost: [orders()] }),
      pluginsYaml({ localhost: [orders({ api: [['GET', '/api/orders'], ['GET', '/api/orders/**']] })] }),
    );
    expect(code).toBe(2);
    expect(lines).toEqual([
      'localhost / orders',
      '  +  api  widened  GET /api/orders/{id} -> GET /api/orders/**  new.yaml:14:13  a parameter template became a prefix: every path below /api/orders is allowed',
      '1 widening, 0 other changes (exit 2)',
    ]);
  });

  type Api = [string, string][];
  it.each<[Api, Api, string, string, string]>([
    [[['GET', '/api/orders/42']], [['GET', '/api/orders/{id}']], 'widened', 'GET /api/orders/42 -> GET /api/orders/{id}', 'a literal segment became a parameter'],
    [[['GET', '/api/orders/**']], [['GET', '/api/**']], 'widened', 'GET /api/orders/** -> GET /api/**', 'prefix shortened: every path below /api is allowed'],
    [[['GET', '/api/orders']], [['GET', '/api/orders'], ['DELETE', '/api/orders']], 'added', 'DELETE /api/orders', ''],
  ])('classifies %j -> %j as %s', async (before, after, change, what, note) => {
    const { code, lines } = await diff(pluginsYaml({ localhost: [orders({ api: before })] }), pluginsYaml({ localhost: [orders({ api: after })] }));
    expect(code).toBe(2);
    expect(lines[1]).toContain(`+  api  ${change}  ${what}`);
    expect(lines[1]).toContain(note);
  });

  it('flags SSE prefixes added or shortened, and contributions added or re-gated', async () => {
    const after = orders({ sse: ['orders', 'audit'], routes: [['/orders', 'OrdersPage', 'orders.page'], ['/orders/admin', 'OrdersAdmin']] });
    const { code, lines } = await diff(pluginsYaml({ localhost: [orders()] }), pluginsYaml({ localhost: [after] }));
    expect(code).toBe(2);
    expect(lines.map((l) => l.replace(/ +/g, ' ').replace(/ new\.yaml:\d+:\d+/, ''))).toEqual([
      'localhost / orders',
      ' + sse widened orders.created -> orders prefix shortened: more topics are allowed',
      ' + sse added audit',
      ' + route changed /orders OrdersPage (plugin.route/view) -> /orders OrdersPage (orders.page/view) PDP hint changed: who sees it now depends on other grants',
      ' + route added /orders/admin OrdersAdmin (plugin.route/view)',
      '4 widenings, 0 other changes (exit 2)',
    ]);
  });

  it('counts everything an added plugin or tenant brings as widened', async () => {
    const { code, out } = await diff(pluginsYaml({ localhost: [orders()] }), pluginsYaml({ localhost: [orders(), pluginEntry({ id: 'extra', api: [['POST', '/api/x']] })], acme: [orders()] }));
    expect(code).toBe(2);
    expect(out).toMatch(/localhost \/ extra\n {2}\+ +plugin +added +extra 1\.0\.0 +new\.yaml:\d+:7\n {2}\+ +api +added +POST \/api\/x/);
    expect(out).toMatch(/acme \/ orders\n {2}\+ +plugin +added +orders 1\.0\.0 +new\.yaml:\d+:7 {2}tenant added/);
  });

  it('flags a plugin the host version now satisfies', async () => {
    const { code, out } = await diff(pluginsYaml({ localhost: [orders({ engine: '>=0.1.0 <1.0.0' })] }), pluginsYaml({ localhost: [orders({ engine: '>=0.1.0 <2.0.0' })] }));
    expect(code).toBe(2);
    expect(out).toContain("host 1.4.0 now satisfies engine.experience: the plugin's permissions take effect");
  });

  it('lists narrowings and removals without failing, exit 0', async () => {
    const { code, lines } = await diff(
      pluginsYaml({ localhost: [orders({ api: [['GET', '/api/orders/**']] }), pluginEntry({ id: 'gone' })] }),
      pluginsYaml({ localhost: [orders({ api: [['GET', '/api/orders/{id}']], sse: [] })] }),
    );
    expect(code).toBe(0);
    expect(lines.map((l) => l.replace(/ +/g, ' ').replace(/ (old|new)\.yaml:\d+:\d+/, ''))).toEqual([
      'localhost / orders',
      ' - api narrowed GET /api/orders/** -> GET /api/orders/{id}',
      ' - sse removed orders.created',
      'localhost / gone',
      ' - plugin removed gone 1.0.0',
      '0 widenings, 3 other changes',
    ]);
  });

  it('says so when nothing changed (the default config against itself)', async () => {
    const io = captureIo(REPO, ENV);
    expect(await run(['diff', 'config/plugins.yaml', 'config/plugins.yaml'], io)).toBe(0);
    expect(io.out()).toBe('no permission changes\n');
  });

  it('exits 1 with the issues when a file is invalid or missing', async () => {
    const bad = await diff(pluginsYaml({ localhost: [orders()] }), 'tenants:\n  localhost:\n    - id: x\n');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^new\.yaml:3:7 {2}tenants\.localhost\[0\]/);
    expect((await run(['diff', 'a.yaml'], captureIo(REPO, ENV)))).toBe(64);
  });

  it('prints JSON with --json', async () => {
    const { code, out } = await diff(pluginsYaml({ localhost: [orders()] }), pluginsYaml({ localhost: [orders({ sse: ['orders'] })] }), '--json');
    expect(code).toBe(2);
    expect(JSON.parse(out)).toEqual({
      widened: true,
      changes: [{ tenant: 'localhost', plugin: 'orders', kind: 'sse', change: 'widened', widening: true, old: 'orders.created', new: 'orders', note: 'prefix shortened: more topics are allowed', location: { file: 'new.yaml', line: 16, col: 15, path: 'tenants.localhost[0].permissions.sse[0]' } }],
    });
  });
});
