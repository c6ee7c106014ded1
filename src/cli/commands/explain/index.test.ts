import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo, GRANTS_YAML, pluginEntry, pluginsYaml, REPO, policyWasm, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { compileRegistry, dataDocumentJson, type PluginConfig } from '../../../config/index.js';
import { createPolicyTools, createWasmEngine } from '../../../engine/index.js';
import { run } from '../../program.js';
import { explainCommand } from './index.js';

const ENV = { EXPERIENCE_VERSION: '1.4.0' };
let policy: string;
let dir: string;

const ORDERS = pluginEntry({
  id: 'orders',
  version: '2.1.0',
  api: [['GET', '/api/orders'], ['GET', '/api/orders/{id}'], ['POST', '/api/orders/{id}/notes'], ['GET', '/api/catalog/**']],
  sse: ['orders'],
  routes: [['/orders', 'OrdersPage', 'orders.page']],
  widgets: [['dashboard.main', 'OrdersWidget']],
});
const OLD = pluginEntry({ id: 'old', version: '0.9.0', engine: '>=0.1.0 <1.0.0', routes: [['/old', 'Old']] });

beforeAll(async () => {
  policy = await policyWasm();
  dir = await tempDir();
  await writeFiles(dir, { 'config/plugins.yaml': pluginsYaml({ localhost: [ORDERS, OLD] }), 'config/grants.yaml': GRANTS_YAML });
}, 60_000);

async function explain(...args: string[]) {
  const io = captureIo(dir, ENV);
  const code = await run(['explain', '--policy', policy, ...args], io);
  return { code, lines: io.out().trimEnd().split('\n'), out: io.out(), err: io.err() };
}

describe('explain: API requests', () => {
  it('shows the entry that matched, where it is written, exit 0', async () => {
    const { code, lines } = await explain('--tenant', 'localhost', '--plugin', 'orders', '--method', 'GET', '--path', '/api/orders/42');
    expect(code).toBe(0);
    expect(lines.slice(0, 4)).toEqual([
      'decision  allow (allowed)',
      'rule      Allowed: An allow-list entry matches the method and path.',
      'request   GET /api/orders/42  plugin orders  tenant localhost',
      'matched   GET /api/orders/{id}  config/plugins.yaml:14:13  tenants.localhost[0].permissions.api[1]',
    ]);
    expect(lines[4]).toMatch(/^policy    .*policy\.wasm \([0-9a-f]{12}\), data [0-9a-f]{12}, host 1\.4\.0$/);
  });

  it('shows the closest entry of a near miss and the segment that differs, exit 1', async () => {
    const { code, lines } = await explain('--tenant', 'localhost', '--plugin', 'orders', '--path', '/api/orders/42/items');
    expect(code).toBe(1);
    expect(lines.slice(0, 5)).toEqual([
      'decision  deny (allowlist_violation)',
      "rule      Allow-list violation: None of the plugin's allow-list entries matches the method and path.",
      'request   GET /api/orders/42/items  plugin orders  tenant localhost',
      'closest   GET /api/orders/{id}  config/plugins.yaml:14:13  tenants.localhost[0].permissions.api[1]',
      'differs   segment 4: the template ends after "{id}"; the path goes on with "items" (only a prefix template "/**" matches below it)',
    ]);
  });

  it('names a method that differs', async () => {
    const { lines } = await explain('--tenant', 'localhost', '--plugin', 'orders', '--method', 'DELETE', '--path', '/api/orders/7');
    expect(lines[4]).toBe('differs   the path matches but the method differs: the entry allows GET, the request is DELETE');
  });

  it.each([
    [['--tenant', 'localhost', '--path', '/api/orders'], 'missing_plugin_id', 'the request carries no plugin id'],
    [['--tenant', 'localhots', '--plugin', 'orders', '--path', '/api/orders'], 'unknown_tenant', 'tenants: localhost (did you mean "localhost"?)'],
    [['--tenant', 'localhost', '--plugin', 'order', '--path', '/api/orders'], 'unknown_plugin', 'installed: old, orders (did you mean "orders"?)'],
    [['--tenant', 'localhost', '--plugin', 'old', '--path', '/api/orders'], 'incompatible_plugin', 'engine.experience ">=0.1.0 <1.0.0" is not satisfied by host version 1.4.0  config/plugins.yaml:'],
    [['--tenant', 'localhost', '--plugin', 'orders', '--path', '/api/orders/%2e%2e/x'], 'malformed_path', 'the path contains the encoded sequence "%2e"'],
  ])('explains %j as %s', async (args, reason, why) => {
    const { code, lines } = await explain(...args);
    expect(code).toBe(1);
    expect(lines[0]).toBe(`decision  deny (${reason})`);
    expect(lines[1]).toMatch(/^rule {6}\S/);
    expect(lines[3]).toMatch(/^why {7}/);
    expect(lines[3]).toContain(why);
  });

  it('prints the decision and the explanation as JSON', async () => {
    const { out } = await explain('--tenant', 'localhost', '--plugin', 'orders', '--path', '/api/catalogue', '--json');
    const json = JSON.parse(out) as Record<string, unknown>;
    expect(json).toMatchObject({
      kind: 'api',
      decision: { allow: false, reason: 'allowlist_violation', plugin_id: 'orders' },
      // The look-alike prefix entry is the helpful comparison, not the first entry in file order.
      closest: { entry: 'GET /api/catalog/**', segment: 2, location: { path: 'tenants.localhost[0].permissions.api[3]' } },
      host_version: '1.4.0',
    });
  });
});

describe('explain: SSE topics', () => {
  it('shows the matching prefix, or the closest one', async () => {
    const ok = await explain('--tenant', 'localhost', '--plugin', 'orders', '--topic', 'orders.created');
    expect(ok.code).toBe(0);
    expect(ok.lines[3]).toBe('matched   prefix orders  config/plugins.yaml:20:15  tenants.localhost[0].permissions.sse[0]');
    const miss = await explain('--tenant', 'localhost', '--plugin', 'orders', '--topic', 'order.created');
    expect(miss.code).toBe(1);
    expect(miss.lines.slice(3, 5)).toEqual([
      'closest   prefix orders  config/plugins.yaml:20:15  tenants.localhost[0].permissions.sse[0]',
      'differs   segment 1: "order" is not "orders": prefixes match whole dot segments, never a part of one',
    ]);
    const other = await explain('--tenant', 'localhost', '--plugin', 'orders', '--topic', 'billing.created');
    expect(other.lines[4]).toBe('differs   segment 1: the prefix has "orders", the topic has "billing"');
  });
});

describe('explain: contributions and authz', () => {
  it('lists granted and withheld contributions and which grant decided', async () => {
    const { code, lines } = await explain('--tenant', 'localhost', '--user', 'bob', '--roles', 'member');
    expect(code).toBe(0);
    expect(lines.slice(0, 4)).toEqual([
      'request   contributions  user bob  roles member  tenant localhost',
      'orders 2.1.0',
      '  withheld  route   /orders         OrdersPage    orders.page/view    would be granted by user carol',
      '  withheld  widget  dashboard.main  OrdersWidget  plugin.widget/view  would be granted by role dashboard-user',
    ]);
    expect(lines[4]).toMatch(/^left out  old 0\.9\.0: engine\.experience ">=0\.1\.0 <1\.0\.0" is not satisfied by the host version  config\/plugins\.yaml:\d+:21/);
  });

  it('credits the user grant and the role grant', async () => {
    const { lines } = await explain('--tenant', 'localhost', '--user', 'carol', '--roles', 'dashboard-user');
    expect(lines.slice(2, 4)).toEqual([
      '  granted  route   /orders         OrdersPage    orders.page/view    by user carol',
      '  granted  widget  dashboard.main  OrdersWidget  plugin.widget/view  by role dashboard-user',
    ]);
  });

  it('explains authz: the grant that allowed it, or who has one', async () => {
    const yes = await explain('--tenant', 'localhost', '--user', 'carol', '--resource', 'orders.page', '--action', 'edit');
    expect(yes.code).toBe(0);
    expect(yes.lines[1]).toBe("rule      Granted: One of the subject's roles, or the subject's id, has a grant matching the resource and action.");
    expect(yes.lines[3]).toBe('granted   user carol: orders.page/*  config/grants.yaml:10:11  tenants.localhost.users.carol[0]');
    const no = await explain('--tenant', 'localhost', '--user', 'bob', '--roles', 'member', '--resource', 'plugin.widget', '--action', 'view');
    expect(no.code).toBe(1);
    expect(no.lines[3]).toBe('would be  granted by role dashboard-user: plugin.widget/view  config/grants.yaml:7:11  tenants.localhost.roles.dashboard-user[0]');
  });

  it('explains the repository default config for alice and bob', async () => {
    const io = captureIo(REPO, ENV);
    expect(await explainCommand(['--tenant', 'localhost', '--user', 'alice', '--roles', 'member,dashboard-user', '--policy', policy], io)).toBe(0);
    expect(io.out()).toMatch(/granted {2}widget {2}dashboard\.main {2}HelloWidget +plugin\.widget\/view {2}by role dashboard-user/);
    const bob = captureIo(REPO, ENV);
    await explainCommand(['--tenant', 'localhost', '--user', 'bob', '--roles', 'member', '--policy', policy], bob);
    expect(bob.out()).toMatch(/withheld {2}widget {2}dashboard\.main {2}HelloWidget/);
    expect(bob.out()).not.toMatch(/granted +widget/);
  });
});

describe('explain: errors', () => {
  it('asks for a question, one at a time (exit 64)', async () => {
    expect((await explain('--tenant', 'localhost')).code).toBe(64);
    expect((await explain('--tenant', 'localhost', '--path', '/x', '--topic', 'y')).err).toContain('ask one question at a time');
    expect((await explain('--plugin', 'x', '--path', '/x')).err).toContain('--tenant is required');
  });

  it('says to run `make policy` when the policy is missing', async () => {
    const io = captureIo(dir, ENV);
    expect(await run(['explain', '--tenant', 'localhost', '--plugin', 'orders', '--path', '/api/orders', '--policy', 'build/none.wasm'], io)).toBe(1);
    expect(io.err()).toBe('experience-plugins explain: cannot read the policy build/none.wasm (ENOENT): build it with `make policy`, or pass --policy <file>\n');
  });

  it('prints the config issues, as the files were named, when the config is invalid', async () => {
    await writeFiles(dir, { 'bad.yaml': 'tenants:\n  localhost:\n    - id: x\n' });
    const io = captureIo(dir, ENV);
    expect(await run(['explain', '--config', 'bad.yaml', '--tenant', 'localhost', '--user', 'u', '--policy', policy], io)).toBe(1);
    expect(io.err()).toMatch(/^bad\.yaml:3:7  tenants\.localhost\[0\]/);
  });
});

describe('the explanation is the policy\'s', () => {
  // The explanation entrypoint and the decision entrypoint are one module: on random requests the
  // explanation carries the engine's decision, and names the entry the decision matched.
  it('agrees with the Wasm decision on random paths', async () => {
    const api = [['GET', '/api/orders'], ['GET', '/api/orders/{id}'], ['POST', '/api/orders/{id}/notes'], ['GET', '/api/catalog/**'], ['PUT', '/api/{a}/x/{b}']];
    const plugin: PluginConfig = {
      id: 'p',
      version: '1.0.0',
      engine: { experience: '*' },
      bundle: { file: '/app/plugins/p/1.0.0/index.esm.js' },
      permissions: { api: api.map(([method, path]) => ({ method: method as string, path: path as string })), sse: [] },
      contributions: { routes: [], widgets: [] },
    };
    const { registry } = compileRegistry({ tenants: { t: [plugin] }, upstreams: [] }, { tenants: {} }, { hostVersion: '1.4.0' });
    const wasm = await readFile(policy);
    const dataJson = dataDocumentJson(registry);
    const engine = await createWasmEngine({ wasm, dataJson, cache: false });
    const tools = await createPolicyTools({ wasm, dataJson });
    const segment = fc.constantFrom('api', 'orders', 'catalog', 'notes', 'x', '42', 'Orders', '', '.', '%2F', 'a%2e');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 0, maxLength: 5 }), fc.constantFrom('GET', 'POST', 'PUT', 'get'), (parts, method) => {
        const input = { tenant: 't', plugin_id: 'p', method, path: `/${parts.join('/')}` };
        const decision = engine.api(input);
        const explained = tools.explainApi(input);
        expect(explained.decision).toEqual(decision);
        expect(explained.rule.reason).toBe(decision.reason);
        const first = explained.entries.find((e) => e.path_matches && e.method_matches);
        expect(first && `${first.method} ${first.template}`).toBe(decision.matched);
        if (decision.reason === 'malformed_path') expect(explained.path.malformations.length).toBeGreaterThan(0);
        else expect(explained.path.malformations).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('explain: the request target, read as the BFF reads it', () => {
  it('judges the path without its query string, and says so', async () => {
    const { code, lines } = await explain('--tenant', 'localhost', '--plugin', 'orders', '--path', '/api/orders/42?expand=items&x=/y');
    expect(code).toBe(0);
    expect(lines.slice(2, 5)).toEqual([
      'request   GET /api/orders/42  plugin orders  tenant localhost',
      'note      the query string "?expand=items&x=/y" is not part of the judged path: the BFF judges /api/orders/42',
      'matched   GET /api/orders/{id}  config/plugins.yaml:14:13  tenants.localhost[0].permissions.api[1]',
    ]);
  });

  it.each([
    ['http://localhost:8080/api/orders?x=1', 0, '/api/orders'],
    ['https://localhost/api/orders/7#frag', 0, '/api/orders/7'],
    ['http://localhost/api/catalog/a/../b?q', 0, '/api/catalog/b'],
    ['http://localhost/api/nothing?x=/api/orders', 1, '/api/nothing'],
  ])('reads the full URL %s as the request target a client sends', async (url, exit, path) => {
    const { code, lines } = await explain('--tenant', 'localhost', '--plugin', 'orders', '--path', url);
    expect(code).toBe(exit);
    expect(lines[2]).toBe(`request   GET ${path}  plugin orders  tenant localhost`);
    expect(lines[3]).toMatch(new RegExp(`^note {6}a client sends .* as the request target .*: the BFF judges ${path.replaceAll('/', '\\/')}$`));
  });

  it('judges a query-only difference the same as the bare path (the decision does not see the query)', async () => {
    const bare = await explain('--tenant', 'localhost', '--plugin', 'orders', '--path', '/api/orders/1/2', '--json');
    const query = await explain('--tenant', 'localhost', '--plugin', 'orders', '--path', '/api/orders/1/2?a=b', '--json');
    const strip = (out: string) => {
      const { note: _note, ...rest } = JSON.parse(out) as Record<string, unknown>;
      return rest;
    };
    expect(strip(query.out)).toEqual(strip(bare.out));
  });

  it('puts the rule that decided in the JSON too', async () => {
    const { out } = await explain('--tenant', 'localhost', '--plugin', 'orders', '--path', '/api/orders/', '--json');
    expect(JSON.parse(out)).toMatchObject({
      decision: { reason: 'malformed_path' },
      rule: { reason: 'malformed_path', title: 'Malformed path' },
      detail: 'segment 3 is empty ("//", a trailing "/", or "/" alone)',
    });
  });
});
