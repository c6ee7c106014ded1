import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleExporting, pluginEntry, pluginsYaml, policyWasm, REPO, tempDir, writeFiles } from '../../test/cli/support.js';

const exec = promisify(execFile);
const MAIN = path.join(REPO, 'src/cli/main.ts');
// tsx's loader by absolute URL: `--import tsx` would resolve from the child's working directory.
const TSX = pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;

/** Runs the real program in a child process, the way `npx experience-plugins` does (via tsx). */
async function cli(args: string[], cwd = REPO): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env['PATH'] ?? '', EXPERIENCE_VERSION: '1.4.0' };
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
let policy: string;
beforeAll(async () => {
  policy = await policyWasm();
  dir = await tempDir();
  const entry = pluginEntry({ id: 'shop', integrity: `sha256:${'0'.repeat(64)}`, api: [['GET', '/api/shop/{id}']], routes: [['/shop', 'Shop']] });
  await writeFiles(dir, {
    'old.yaml': pluginsYaml({ localhost: [entry] }),
    'new.yaml': pluginsYaml({ localhost: [entry.replace('/api/shop/{id}', '/api/shop/**')] }),
    'plugins/shop/1.0.0/index.esm.js': bundleExporting('Shop'),
    'bad/index.esm.js': 'import x from "https://cdn.example.com/x.js"; export { x as Shop };\n',
  });
}, 60_000);

describe.concurrent('the experience-plugins program', { timeout: 60_000 }, () => {
  it('prints help (0), and refuses no or an unknown command (64)', async () => {
    const [help, none, unknown, usage] = await Promise.all([cli(['--help']), cli([]), cli(['nope']), cli(['validate', '--nope'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: experience-plugins <command> [options]');
    expect(none.code).toBe(64);
    expect(unknown).toMatchObject({ code: 64, stderr: expect.stringContaining('unknown command "nope"') });
    expect(usage).toMatchObject({ code: 64, stderr: expect.stringContaining("Run `experience-plugins validate --help` for usage.") });
  });

  it('validate: 0 for the default config, 1 for a broken one', async () => {
    const [good, bad] = await Promise.all([cli(['validate', '--skip-bundles']), cli(['validate', 'new.yaml', '--grants', path.join(REPO, 'config/grants.yaml'), '--plugins-root', 'nowhere'], dir)]);
    expect(good.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^new\.yaml:\d+:\d+ {2}tenants\.localhost\[0\]\.bundle\.file {2}bundle not found/);
  });

  it('explain: 0 when allowed, 1 when denied', async () => {
    const base = ['explain', '--tenant', 'localhost', '--plugin', 'orders', '--policy', policy];
    const [allowed, denied] = await Promise.all([cli([...base, '--path', '/api/orders/42']), cli([...base, '--path', '/api/orders/42/items'])]);
    expect(allowed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^decision {2}allow \(allowed\)\n/) });
    expect(denied).toMatchObject({ code: 1, stdout: expect.stringMatching(/^decision {2}deny \(allowlist_violation\)\n/) });
  });

  it('hash: prints the integrity, 0', async () => {
    const { code, stdout } = await cli(['hash', 'plugins/shop/1.0.0/index.esm.js'], dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });

  it('harness: 1 for a bundle importing from another origin', async () => {
    const { code, stdout } = await cli(['harness', 'bad/index.esm.js', '--plugin', 'shop', '--config', 'old.yaml'], dir);
    expect(code).toBe(1);
    expect(stdout).toContain('bad/index.esm.js:1:15  foreign_import  imports "https://cdn.example.com/x.js" from another origin');
  });

  it('migrate: 0 with the plugins.yaml on stdout and the report on stderr', async () => {
    const { code, stdout, stderr } = await cli(['migrate', 'test/fixtures/migrate/spec-manifests.yaml', '--tenant', 'localhost']);
    expect(code).toBe(0);
    expect(stdout).toContain('tenants:\n  localhost:\n    # migrate: not migrated (see the report): description\n    - id: hello');
    expect(stderr).toContain('migrate: 7 notes in the report; the result passes the loader checks');
  });

  it('diff: 2 when permissions were widened, 0 when not', async () => {
    // The policy answers coverage; without one, diff cannot tell and exits 1.
    const [widened, same, none] = await Promise.all([
      cli(['diff', 'old.yaml', 'new.yaml', '--policy', policy], dir),
      cli(['diff', 'new.yaml', 'new.yaml', '--policy', policy], dir),
      cli(['diff', 'old.yaml', 'new.yaml'], dir),
    ]);
    expect(none).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read the policy build/policy.wasm (ENOENT): build it with `make policy`') });
    expect(widened.code).toBe(2);
    expect(widened.stdout).toContain('widened  GET /api/shop/{id} -> GET /api/shop/**');
    expect(same).toMatchObject({ code: 0, stdout: 'no permission changes\n' });
  });
});
