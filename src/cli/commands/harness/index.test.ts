import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureIo, pluginEntry, pluginsYaml, policyWasm, REPO, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { run } from '../../program.js';

// The policy judges whether a path or topic is declared: the harness reads it from POLICY_WASM.
const ENV: Record<string, string> = { EXPERIENCE_VERSION: '1.4.0' };
beforeAll(async () => {
  ENV['POLICY_WASM'] = await policyWasm();
}, 60_000);
const DECLARED = pluginEntry({ id: 'shop', version: '1.2.0', api: [['GET', '/api/shop/items'], ['GET', '/api/shop/items/{id}'], ['POST', '/api/shop/cart']], sse: ['shop'], routes: [['/shop', 'ShopPage']], widgets: [['dashboard.main', 'ShopWidget']] });
const SOURCE = `import type { PluginComponentProps } from '../../../sdk/index.js';
export function ShopPage({ sdk }: PluginComponentProps) {
  const items = sdk.api.useQuery('/api/shop/items');
  const one = sdk.api.useQuery(\`/api/shop/items/\${encodeURIComponent('x')}\`);
  void sdk.api.json('/api/shop/cart', { method: 'POST', json: {} });
  sdk.sse.subscribe(['shop.cart'], () => {});
  return null;
}
export function ShopWidget() { return null; }
`;
const BUNDLE = `import{jsx as j}from"/shared/jsx-runtime.js";function P({sdk:s}){s.api.useQuery("/api/shop/items");s.api.useQuery(\`/api/shop/items/\${encodeURIComponent("x")}\`);s.api.json("/api/shop/cart",{method:"POST",json:{}});s.sse.subscribe(["shop.cart"],()=>{});return null}function W(){return null}export{P as ShopPage,W as ShopWidget};\n`;

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await writeFiles(dir, {
    'config/plugins.yaml': pluginsYaml({ localhost: [DECLARED] }),
    'plugins/shop/plugin.json': JSON.stringify({ id: 'shop', version: '1.2.0', components: ['ShopPage', 'ShopWidget'] }),
    'plugins/shop/src/index.tsx': SOURCE,
    'plugins/shop/1.2.0/index.esm.js': BUNDLE,
  });
});

async function harness(...args: string[]) {
  const io = captureIo(dir, ENV);
  const code = await run(['harness', ...args], io);
  return { code, lines: io.out().trimEnd().split('\n'), out: io.out(), err: io.err() };
}

describe('harness', () => {
  it('passes a plugin that uses only what it declares, exit 0', async () => {
    const { code, lines } = await harness('plugins/shop');
    expect(lines).toEqual(['harness plugins/shop (shop 1.2.0): passed, 0 findings, 0 undecided; 327 B of 256.0 KiB; 1 source file and the bundle scanned']);
    expect(code).toBe(0);
  });

  it('reports an API path used in the source that its permissions do not declare', async () => {
    await writeFiles(dir, { 'plugins/shop/src/extra.ts': "export const load = (sdk: any) => sdk.api.fetch('/api/admin/users', { method: 'DELETE' });\n" });
    const { code, lines } = await harness('plugins/shop');
    expect(code).toBe(1);
    expect(lines[0]).toBe(
      'plugins/shop/src/extra.ts:1:49  undeclared_api  DELETE /api/admin/users is not in permissions.api (config/plugins.yaml, tenant localhost declares: GET /api/shop/items, GET /api/shop/items/{id}, POST /api/shop/cart)',
    );
  });

  it('names the methods a path is declared for', async () => {
    await writeFiles(dir, { 'plugins/shop/src/extra.ts': "export const f = (sdk: any) => sdk.api.json('/api/shop/items', { method: 'POST' });\n" });
    const { lines } = await harness('plugins/shop');
    expect(lines[0]).toContain('POST /api/shop/items is not in permissions.api (declared for GET only)');
  });

  it('reports undeclared topics and calls around the SDK', async () => {
    await writeFiles(dir, { 'plugins/shop/src/extra.ts': "export const f = (sdk: any) => { sdk.sse.subscribe('orders', () => {}); fetch('/api/shop/items'); };\n" });
    const { code, lines } = await harness('plugins/shop');
    expect(code).toBe(1);
    expect(lines.slice(0, 2)).toEqual([
      'plugins/shop/src/extra.ts:1:52  undeclared_topic  sse topic "orders" is not under a prefix in permissions.sse (config/plugins.yaml, tenant localhost declares: shop)',
      'plugins/shop/src/extra.ts:1:73  bypasses_sdk  fetch(...) goes around the SDK: no X-Plugin-Id, so the BFF refuses it (use sdk.api.fetch / sdk.sse.subscribe)',
    ]);
  });

  it('lists computed paths and topics as undecided without failing', async () => {
    await writeFiles(dir, { 'plugins/shop/src/extra.ts': 'export const f = (sdk: any, url: string, t: string) => { sdk.api.fetch(url); sdk.sse.subscribe([t], () => {}); };\n' });
    const { code, lines } = await harness('plugins/shop');
    expect(code).toBe(0);
    expect(lines.slice(0, 2)).toEqual([
      'undecided  plugins/shop/src/extra.ts:1:72  computed_path  api.fetch with a computed path (url)',
      'undecided  plugins/shop/src/extra.ts:1:97  computed_topic  sse.subscribe with a computed topic (t)',
    ]);
    expect(lines[2]).toContain('passed, 0 findings, 2 undecided');
  });

  it('reports a path or topic the BFF would refuse as malformed, not as declared', async () => {
    // "/api/shop/items/" looks like "/api/shop/items/{id}" with an empty id: the policy calls it malformed.
    await writeFiles(dir, { 'plugins/shop/src/extra.ts': "export const f = (sdk: any) => { sdk.api.json('/api/shop/items/'); sdk.sse.subscribe('shop..cart', () => {}); };\n" });
    const { code, lines } = await harness('plugins/shop');
    expect(code).toBe(1);
    expect(lines.slice(0, 2)).toEqual([
      'plugins/shop/src/extra.ts:1:47  malformed_api_path  GET /api/shop/items/: the BFF refuses this path as malformed (malformed_path)',
      'plugins/shop/src/extra.ts:1:86  malformed_topic  sse topic "shop..cart" is malformed: the BFF refuses it (malformed_topic)',
    ]);
  });

  it('reads a path with a query string as the path the BFF judges', async () => {
    await writeFiles(dir, { 'plugins/shop/src/extra.ts': "export const f = (sdk: any) => sdk.api.json('/api/shop/items?page=2&sort=/x');\n" });
    expect((await harness('plugins/shop')).code).toBe(0);
  });

  it('reports a policy it cannot read as a finding, and still runs the other checks', async () => {
    await writeFiles(dir, { 'plugins/shop/1.2.0/index.esm.js': 'import x from "https://cdn.example.com/lib.js";\nexport { x as ShopPage, x as ShopWidget };\n' });
    const io = captureIo(dir, { ...ENV, POLICY_WASM: 'nowhere.wasm' });
    expect(await run(['harness', 'plugins/shop'], io)).toBe(1);
    const codes = io.out().trimEnd().split('\n').slice(0, -1).map((l) => l.split('  ').find((p) => /^[a-z_]+$/.test(p)));
    expect(codes).toEqual(['foreign_import', 'policy_unavailable']);
    expect(io.out()).toContain('policy_unavailable  cannot read the policy nowhere.wasm (ENOENT): build it with `make policy`, or pass --policy <file> (it judges whether the paths and topics are declared)');
  });

  it('reports imports from another origin, bare specifiers and a missing export', async () => {
    await writeFiles(dir, {
      'plugins/shop/1.2.0/index.esm.js': 'import x from "https://cdn.example.com/lib.js";\nimport y from "react";\nconst z = import("data:text/javascript,1");\nexport function ShopPage() { return [x, y, z]; }\n',
    });
    const { code, lines } = await harness('plugins/shop');
    expect(code).toBe(1);
    expect(lines.slice(0, 4)).toEqual([
      'plugins/shop/1.2.0/index.esm.js:1:15  foreign_import  imports "https://cdn.example.com/lib.js" from another origin; CSP script-src \'self\' blocks it (serve it from /shared/ or bundle it)',
      'plugins/shop/1.2.0/index.esm.js:2:15  bare_import  imports the bare specifier "react", which a browser cannot resolve (bundle it, or import the shared copy from /shared/)',
      'plugins/shop/1.2.0/index.esm.js:3:18  foreign_import  imports "data:text/javascript,1" from another origin; CSP script-src \'self\' blocks it (serve it from /shared/ or bundle it)',
      expect.stringMatching(/^config\/plugins\.yaml:\d+:24  missing_export  widget component "ShopWidget" is not exported by plugins\/shop\/1\.2\.0\/index\.esm\.js \(exports: ShopPage\)$/),
    ]);
  });

  it('reports a bundle over the size budget and an engine range the host does not satisfy', async () => {
    await writeFiles(dir, { 'config/plugins.yaml': pluginsYaml({ localhost: [DECLARED.replace('>=1.0.0 <2.0.0', '^2.0.0')] }) });
    const { code, lines } = await harness('plugins/shop', '--max-size', '100');
    expect(code).toBe(1);
    expect(lines.slice(0, 2)).toEqual([
      'plugins/shop/1.2.0/index.esm.js  size_budget  bundle is 327 B, over the budget of 100 B (--max-size)',
      'config/plugins.yaml:7:21  engine_range  engine.experience "^2.0.0" is not satisfied by host version 1.4.0: the BFF leaves the plugin out',
    ]);
    expect((await harness('plugins/shop', '--max-size', 'lots')).code).toBe(64);
  });

  it('checks a bare bundle against a spec-style manifest', async () => {
    await writeFiles(dir, {
      'dist/index.esm.js': BUNDLE,
      'manifest.yaml': 'id: shop\nversion: "1.2.0"\nengine: { experience: ">=1.0.0" }\ncontributions:\n  routes: [{ path: /shop, component: ShopPage }]\npermissions:\n  api: [{ method: GET, path: /api/shop/items }]\n  sse: []\n',
    });
    const { code, lines } = await harness('dist/index.esm.js', '--plugin', 'shop', '--manifest', 'manifest.yaml');
    expect(code).toBe(1);
    expect(lines).toContain('dist/index.esm.js:1:115  undeclared_api  GET /api/shop/items/${…} is not in permissions.api (manifest.yaml declares: GET /api/shop/items)');
    expect(lines).toContain('dist/index.esm.js:1:231  undeclared_topic  sse topic "shop.cart" is not under a prefix in permissions.sse (manifest.yaml declares: none)');
  });

  it('reads a plugin.json that declares permissions', async () => {
    await writeFiles(dir, {
      'plugins/shop/plugin.json': JSON.stringify({ id: 'shop', version: '1.2.0', engine: { experience: '*' }, contributions: { routes: [{ path: '/shop', component: 'ShopPage' }] }, permissions: { api: [{ method: 'GET', path: '/api/shop/**' }, { method: 'POST', path: '/api/shop/cart' }], sse: ['shop'] } }),
    });
    expect((await harness('plugins/shop')).code).toBe(0);
  });

  it('says when the plugin is not declared, or declared at another version', async () => {
    await writeFiles(dir, { 'config/plugins.yaml': pluginsYaml({ localhost: [pluginEntry({ id: 'other' })] }) });
    expect((await harness('plugins/shop')).lines[0]).toBe('undeclared_plugin  plugin "shop" is not in config/plugins.yaml (pass --manifest to check against a manifest)');
    await writeFiles(dir, { 'config/plugins.yaml': pluginsYaml({ localhost: [DECLARED.replace(/1\.2\.0/g, '1.1.0')] }) });
    expect((await harness('plugins/shop')).lines[0]).toMatch(/version_mismatch {2}config\/plugins\.yaml installs shop 1\.1\.0, not 1\.2\.0: checked against that declaration$/);
  });

  it('reports a bundle that was not built, and prints JSON', async () => {
    await writeFiles(dir, { 'plugins/shop/plugin.json': JSON.stringify({ id: 'shop', version: '9.9.9' }) });
    const { code, out } = await harness('plugins/shop', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ plugin: { id: 'shop', version: '9.9.9' }, passed: false, findings: expect.arrayContaining([expect.objectContaining({ code: 'bundle_missing' })]) });
  });

  it('refuses a path that is neither a plugin nor a bundle', async () => {
    expect((await harness('nowhere')).err).toContain('nowhere does not exist');
    await writeFiles(dir, { 'empty/.keep': '' });
    expect((await harness('empty')).code).toBe(1);
  });
});

describe('harness on the demo plugins', () => {
  const built = (id: string, version: string) => existsSync(path.join(REPO, 'plugins', id, version, 'index.esm.js'));

  it.runIf(built('sneaky', '0.3.0'))('fails sneaky for the API, topic and origin it never declared', async () => {
    const io = captureIo(REPO, ENV);
    expect(await run(['harness', 'plugins/sneaky'], io)).toBe(1);
    const codes = io.out().trimEnd().split('\n').slice(0, -1).map((l) => l.split('  ')[1]);
    expect(codes).toEqual(['undeclared_api', 'cross_origin', 'undeclared_topic']);
  });

  it.runIf(built('orders', '2.1.0'))('passes orders', async () => {
    const io = captureIo(REPO, ENV);
    expect(await run(['harness', 'plugins/orders'], io)).toBe(0);
  });
});
