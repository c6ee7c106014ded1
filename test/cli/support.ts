/**
 * Helpers for the CLI tests (src/cli/**.test.ts): an in-memory Io, throwaway folders with
 * fixture configs and bundles, and the real policy module.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import type { Io } from '../../src/cli/index.js';
import { ALL_ENTRYPOINTS } from '../../src/engine/index.js';

export const REPO = path.resolve(import.meta.dirname, '../..');

/** An Io that records what a command prints. */
export function captureIo(cwd: string = REPO, env: Record<string, string | undefined> = {}): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    // Only what the test passes: the runner's own PLUGINS_ROOT etc. must not leak in.
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temp folder, removed after the test file. */
export async function tempDir(prefix = 'xp-cli-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Writes files (relative path -> text) under `dir`, creating folders. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
}

/** A minimal ESM bundle exporting the named components. */
export function bundleExporting(...names: string[]): string {
  const body = names.map((_, i) => `function c${i}(){return null}`).join('');
  return `import{jsx as j}from"/shared/jsx-runtime.js";${body}export{${names.map((n, i) => `c${i} as ${n}`).join(',')}};\n`;
}

/** One plugins.yaml entry (tenant list item), indented for `tenants.<host>:`. */
export function pluginEntry(p: {
  id: string;
  version?: string;
  engine?: string;
  integrity?: string;
  /** `[requestsPerSecond, burst]`. */
  rateLimit?: [number, number];
  api?: [string, string][];
  sse?: string[];
  routes?: [string, string, string?][];
  widgets?: [string, string, string?][];
  /** The kill switch's reason (`disabled: { reason }`). */
  disabled?: string;
}): string {
  const version = p.version ?? '1.0.0';
  const lines = [
    `    - id: ${p.id}`,
    `      version: "${version}"`,
    '      engine:',
    `        experience: "${p.engine ?? '>=1.0.0 <2.0.0'}"`,
    '      bundle:',
    `        file: /app/plugins/${p.id}/${version}/index.esm.js`,
    ...(p.integrity ? [`        integrity: "${p.integrity}"`] : []),
    ...(p.disabled ? ['      disabled:', `        reason: ${JSON.stringify(p.disabled)}`] : []),
    ...(p.rateLimit ? ['      rateLimit:', `        requestsPerSecond: ${p.rateLimit[0]}`, `        burst: ${p.rateLimit[1]}`] : []),
    '      permissions:',
    `        api: ${p.api && p.api.length > 0 ? '' : '[]'}`.trimEnd(),
    ...(p.api ?? []).flatMap(([method, apiPath]) => [`          - method: ${method}`, `            path: ${apiPath}`]),
    `        sse: [${(p.sse ?? []).join(', ')}]`,
    '      contributions:',
    `        routes: ${p.routes && p.routes.length > 0 ? '' : '[]'}`.trimEnd(),
    ...(p.routes ?? []).flatMap(([route, component, resource]) => [`          - path: ${route}`, `            component: ${component}`, `            resource: ${resource ?? 'plugin.route'}`, '            action: view']),
    `        widgets: ${p.widgets && p.widgets.length > 0 ? '' : '[]'}`.trimEnd(),
    ...(p.widgets ?? []).flatMap(([slot, component, resource]) => [`          - slot: ${slot}`, `            component: ${component}`, `            resource: ${resource ?? 'plugin.widget'}`, '            action: view']),
  ];
  return lines.join('\n');
}

/** A whole plugins.yaml with one tenant (or several), and its `upstreams` (`[prefix, url, forwardAccessToken?]`). */
export function pluginsYaml(tenants: Record<string, string[]>, upstreams: [string, string, boolean?][] = []): string {
  const body = Object.entries(tenants).map(([host, entries]) => `  ${host}:\n${entries.join('\n\n')}`).join('\n');
  const routes = upstreams.map(([prefix, url, token]) => `  - prefix: ${prefix}\n    url: ${url}${token ? '\n    forwardAccessToken: true' : ''}`);
  return `# test config\ntenants:\n${body}\nupstreams:${routes.length > 0 ? `\n${routes.join('\n')}` : ' []'}\n`;
}

export const GRANTS_YAML = `tenants:
  localhost:
    roles:
      member:
        - { resource: plugin.route, action: view }
      dashboard-user:
        - { resource: plugin.widget, action: view }
    users:
      carol:
        - { resource: orders.page, action: "*" }
`;

const run = promisify(execFile);

/**
 * The real policy module: build/policy.wasm when `make policy` built it, else compiled here
 * the way the Makefile does (needs the pinned OPA, `make tools`).
 */
export async function policyWasm(): Promise<string> {
  const built = path.join(REPO, 'build/policy.wasm');
  try {
    await access(built);
    return built;
  } catch {
    const dir = await tempDir('xp-policy-');
    const opa = process.env['OPA'] ?? path.join(REPO, '.tools/bin/opa');
    await run(opa, ['build', '-t', 'wasm', ...ALL_ENTRYPOINTS.flatMap((e) => ['-e', e]), '--capabilities', 'policy/capabilities.json', '--ignore', '*_test.rego', '--ignore', 'capabilities.json', '-o', path.join(dir, 'bundle.tar.gz'), 'policy/'], { cwd: REPO });
    await run('tar', ['-xzf', path.join(dir, 'bundle.tar.gz'), '-C', dir, '/policy.wasm']);
    return path.join(dir, 'policy.wasm');
  }
}

export async function read(file: string): Promise<string> {
  return readFile(file, 'utf8');
}
