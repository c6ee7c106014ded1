/**
 * A throw-away deployment: plugins.yaml, grants.yaml and policy.wasm copied into a temp
 * folder (so reload tests can edit them), and a PLUGINS_ROOT with real bundle files,
 * including a tampered one and a symlink that points outside the root.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The same variable the server reads; the Makefile builds the default.
export const POLICY = path.resolve(process.env.POLICY_WASM ?? 'build/policy.wasm');

export interface Fixture {
  dir: string;
  pluginsFile: string;
  grantsFile: string;
  /** identity.yaml: no provider by default (the tests sign in with the development login). */
  identityFile: string;
  policyFile: string;
  pluginsRoot: string;
  webRoot: string;
  /** A file outside PLUGINS_ROOT that nothing may ever serve. */
  secretFile: string;
  bundles: Record<string, Buffer>;
  /** Rewrites plugins.yaml with `edit` applied to the current text. */
  editPlugins(edit: (text: string) => string): Promise<void>;
  remove(): Promise<void>;
}

export const HELLO_JS = Buffer.from('export default { id: "hello", components: {} };\n');
export const ORDERS_JS = Buffer.from('export default { id: "orders", components: {} };\n');
export const LIMITED_JS = Buffer.from('export default { id: "limited" };\n');
const TAMPERED_JS = Buffer.from('export default { id: "tampered", evil: true };\n');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The test config. `down` routes to an upstream that is not listening (502).
 */
export function pluginsYaml(options: { downUrl: string }): string {
  return `tenants:
  localhost:
    - id: hello
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle:
        file: /app/plugins/hello/1.0.0/index.esm.js
        integrity: "sha256:${sha256(HELLO_JS)}"
      permissions:
        api:
          - { method: GET, path: /api/hello }
        sse: []
      contributions:
        routes:
          - { path: /hello, component: Hello, resource: plugin.route, action: view }
        widgets:
          - { slot: dashboard.main, component: HelloWidget, resource: plugin.widget, action: view }
    - id: orders
      version: "2.1.0"
      engine: { experience: ">=1.2.0 <2.0.0" }
      bundle:
        file: /app/plugins/orders/2.1.0/index.esm.js
      permissions:
        api:
          - { method: GET, path: /api/orders }
          - { method: GET, path: "/api/orders/{id}" }
          - { method: POST, path: "/api/orders/{id}/notes" }
          - { method: DELETE, path: "/api/orders/{id}" }
          - { method: GET, path: /api/catalog/** }
          - { method: GET, path: /api/slow }
          - { method: GET, path: /api/down/status }
        sse: [orders, stock.levels]
      rateLimit: { requestsPerSecond: 1000, burst: 1000 }
      contributions:
        routes:
          - { path: /orders, component: OrdersPage, resource: orders.page, action: view }
        widgets:
          - { slot: dashboard.main, component: OrdersWidget, resource: orders.widget, action: view }
    - id: limited
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle: { file: /app/plugins/limited/1.0.0/index.esm.js }
      permissions:
        api:
          - { method: GET, path: /api/hello }
        sse: []
      rateLimit: { requestsPerSecond: 1, burst: 1 }
      contributions: { routes: [], widgets: [] }
    - id: tampered
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle:
        file: /app/plugins/tampered/1.0.0/index.esm.js
        integrity: "sha256:${sha256(Buffer.from('the bytes the operator signed off'))}"
      permissions: { api: [], sse: [] }
      contributions: { routes: [], widgets: [] }
    - id: linked
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle: { file: /app/plugins/linked/1.0.0/index.esm.js }
      permissions: { api: [], sse: [] }
      contributions: { routes: [], widgets: [] }
    - id: missing
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle: { file: /app/plugins/missing/1.0.0/index.esm.js }
      permissions: { api: [], sse: [] }
      contributions: { routes: [], widgets: [] }
    - id: legacy
      version: "0.9.0"
      engine: { experience: ">=0.1.0 <1.0.0" }
      bundle: { file: /app/plugins/legacy/0.9.0/index.esm.js }
      permissions:
        api:
          - { method: GET, path: /api/hello }
        sse: [orders]
      contributions:
        routes:
          - { path: /legacy, component: LegacyPage, resource: plugin.route, action: view }
  acme.localhost:
    - id: hello
      version: "1.0.0"
      engine: { experience: ">=1.0.0 <2.0.0" }
      bundle: { file: /app/plugins/hello/1.0.0/index.esm.js }
      permissions:
        api:
          - { method: GET, path: /api/hello }
        sse: []
      contributions:
        routes:
          - { path: /hello, component: Hello, resource: plugin.route, action: view }
upstreams:
  - { prefix: /api/down, url: "${options.downUrl}" }
`;
}

/**
 * The test config as a production BFF accepts it: every bundle without a pin gets the explicit
 * opt-out `integrity: none` (production requires one or the other on every bundle).
 */
export function optOutUnpinned(text: string): string {
  const flow = text.replace(/bundle: \{ file: (\S+) \}/g, 'bundle: { file: $1, integrity: none }');
  return flow.replace(/^( +)bundle:\n\1  file: \S+\n(?!\1  integrity:)/gm, (block: string, indent: string) => `${block}${indent}  integrity: none\n`);
}

export const GRANTS_YAML = `tenants:
  localhost:
    roles:
      member:
        - { resource: plugin.route, action: view }
        - { resource: orders.page, action: view }
      dashboard-user:
        - { resource: plugin.widget, action: view }
        - { resource: orders.widget, action: view }
    users:
      carol:
        - { resource: reports, action: "*" }
  acme.localhost:
    roles:
      member:
        - { resource: plugin.route, action: view }
`;

export async function createFixture(options: { downUrl: string }): Promise<Fixture> {
  if (!existsSync(POLICY)) throw new Error(`${POLICY} is missing: run \`make policy\` first`);
  const dir = await mkdtemp(path.join(tmpdir(), 'xp-bff-'));
  const configDir = path.join(dir, 'config');
  const pluginsRoot = path.join(dir, 'plugins');
  const webRoot = path.join(dir, 'web');
  await mkdir(configDir);
  const pluginsFile = path.join(configDir, 'plugins.yaml');
  const grantsFile = path.join(configDir, 'grants.yaml');
  const policyFile = path.join(configDir, 'policy.wasm');
  const identityFile = path.join(configDir, 'identity.yaml');
  await writeFile(pluginsFile, pluginsYaml(options));
  await writeFile(identityFile, 'tenants: {}\n');
  await writeFile(grantsFile, GRANTS_YAML);
  await copyFile(POLICY, policyFile);

  const bundles: Record<string, Buffer> = { hello: HELLO_JS, orders: ORDERS_JS, limited: LIMITED_JS, tampered: TAMPERED_JS };
  const versions: Record<string, string> = { hello: '1.0.0', orders: '2.1.0', limited: '1.0.0', tampered: '1.0.0' };
  for (const [id, bytes] of Object.entries(bundles)) {
    const folder = path.join(pluginsRoot, id, versions[id] as string);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'index.esm.js'), bytes);
  }
  const secretFile = path.join(dir, 'secret.js');
  await writeFile(secretFile, 'export const secret = "must never be served";\n');
  await mkdir(path.join(pluginsRoot, 'linked', '1.0.0'), { recursive: true });
  await symlink(secretFile, path.join(pluginsRoot, 'linked', '1.0.0', 'index.esm.js'));

  await mkdir(path.join(webRoot, 'assets'), { recursive: true });
  await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>Experience</title><script type="module" src="/assets/app-1a2b3c.js"></script>\n');
  await writeFile(path.join(webRoot, 'assets', 'app-1a2b3c.js'), 'console.log("shell");\n');
  await writeFile(path.join(webRoot, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');

  return {
    dir,
    pluginsFile,
    grantsFile,
    identityFile,
    policyFile,
    pluginsRoot,
    webRoot,
    secretFile,
    bundles,
    async editPlugins(edit) {
      const text = await readFile(pluginsFile, 'utf8');
      const next = edit(text);
      if (next === text) throw new Error('editPlugins: the edit changed nothing');
      // Write then rename, as editors and config-management tools do: never a half-written file.
      const tmp = `${pluginsFile}.tmp`;
      await writeFile(tmp, next);
      const { rename } = await import('node:fs/promises');
      await rename(tmp, pluginsFile);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
