/**
 * `experience-plugins new` end to end, outside the repository's plugins/: the scaffold builds
 * with the repository's own plugin build, its first test passes, `harness` passes it against
 * the plugins.yaml entry `new` printed, and once pinned as printed, `validate` passes it in
 * production mode with the printed grants (nobody left unable to see it).
 */
import { execFile } from 'node:child_process';
import { readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, integrityOf, readPluginInfo } from '../../scripts/web/build-plugins.mjs';
import { REPO, runCli, scaffoldInTemp, type Scaffolded } from '../support/scaffold.js';

const exec = promisify(execFile);
let s: Scaffolded;

beforeAll(async () => {
  s = await scaffoldInTemp('my-plugin');
});
afterAll(async () => {
  await s?.remove();
});

describe('a scaffolded plugin', () => {
  it('builds with the repository build: one ES module exporting both components, React from /shared/', async () => {
    const built = await buildPlugin(s.dir, await readPluginInfo(s.dir, 'my-plugin'));
    expect(built.file).toBe(path.join(s.pluginsDir, 'my-plugin/0.1.0/index.esm.js'));
    const code = Buffer.from(built.bytes).toString('utf8');
    expect(code).toMatch(/from"\/shared\/jsx-runtime\.js"/);
    expect(code).toMatch(/from"\/shared\/react\.js"/);
    expect(code).toMatch(/export\{[^}]*MyPluginPage[^}]*\}/);
    expect(code).toMatch(/export\{[^}]*MyPluginWidget[^}]*\}/);
  });

  it('passes harness against the entry new printed, exit 0', async () => {
    const { code, out } = await runCli(s.dir, ['harness', 'plugins/my-plugin', '--config', 'plugins.yaml', '--policy', path.join(REPO, 'build/policy.wasm')]);
    expect(out).toMatch(/^harness plugins\/my-plugin \(my-plugin 0\.1\.0\): passed, 0 findings/m);
    expect(code).toBe(0);
  });

  it('validates in production once pinned as printed, with no warning about who may see it', async () => {
    const unpinned = await runCli(s.dir, ['validate', 'plugins.yaml', '--grants', 'grants.yaml', '--plugins-root', 'plugins', '--policy', path.join(REPO, 'build/policy.wasm'), '--skip-bundles']);
    expect(unpinned.code).toBe(1);
    expect(unpinned.out).toMatch(/plugins\.yaml:\d+:7 {2}tenants\.localhost\[0\]\.bundle {2}plugin "my-plugin" has no bundle\.integrity/);
    const pin = await runCli(s.dir, ['hash', '--write', '--add', 'plugins/my-plugin/0.1.0/index.esm.js', '--config', 'plugins.yaml', '--plugins-root', 'plugins']);
    expect(pin.code).toBe(0);
    // The pin is the built bytes' (the other plugins' bundles are not in this copy, so validate skips the disk).
    const bytes = await readFile(path.join(s.pluginsDir, 'my-plugin/0.1.0/index.esm.js'));
    expect(await readFile(s.pluginsFile, 'utf8')).toContain(`integrity: "${integrityOf(bytes)}"`);
    const checked = await runCli(s.dir, ['validate', 'plugins.yaml', '--grants', 'grants.yaml', '--policy', path.join(REPO, 'build/policy.wasm'), '--skip-bundles']);
    expect(checked.code).toBe(0);
    expect(checked.out.split('\n').filter((l) => l.includes('my-plugin') || l.includes('tenants.localhost[0]'))).toEqual([]);
  });

  it('comes with a first test that passes as generated', async () => {
    // The test imports React and the SDK's types the way the plugin does: give the copy the repository's.
    for (const name of ['node_modules', 'src', 'tsconfig.json']) await symlink(path.join(REPO, name), path.join(s.dir, name));
    const vitest = path.join(REPO, 'node_modules/vitest/vitest.mjs');
    const { stdout } = await exec(process.execPath, [vitest, 'run', '--root', s.dir, '--dir', 'plugins', '--reporter', 'verbose'], { cwd: s.dir, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
    expect(stdout).toMatch(/Tests\s+2 passed \(2\)/);
  }, 60_000);
});
