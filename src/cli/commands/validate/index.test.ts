import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundleExporting, captureIo, GRANTS_YAML, pluginEntry, pluginsYaml, policyWasm, REPO, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { integrityOf } from '../../shared/index.js';
import { validateCommand } from './index.js';

// The policy answers whether anyone is granted a contribution: validate reads it from POLICY_WASM.
const ENV: Record<string, string> = { EXPERIENCE_VERSION: '1.4.0' };
beforeAll(async () => {
  ENV['POLICY_WASM'] = await policyWasm();
}, 60_000);
const HELLO = bundleExporting('Hello', 'HelloWidget');
// Production (validate's default) requires a pin on every bundle: hello's matches HELLO; `gone` has no file to match.
const HELLO_PIN = integrityOf(Buffer.from(HELLO));
const GONE_PIN = `sha256:${'0'.repeat(64)}`;
const hello = (extra: Parameters<typeof pluginEntry>[0] | object = {}) =>
  pluginEntry({ id: 'hello', integrity: HELLO_PIN, api: [['GET', '/api/hello']], routes: [['/hello', 'Hello']], widgets: [['dashboard.main', 'HelloWidget']], ...extra });

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await writeFiles(dir, { 'config/grants.yaml': GRANTS_YAML, 'plugins/hello/1.0.0/index.esm.js': HELLO });
});

async function validate(config: string, ...args: string[]) {
  await writeFiles(dir, { 'config/plugins.yaml': config });
  const io = captureIo(dir, ENV);
  const code = await validateCommand(args, io);
  return { code, out: io.out(), lines: io.out().trimEnd().split('\n') };
}

describe('validate', () => {
  it('passes a good config with its bundles, exit 0', async () => {
    const { code, lines } = await validate(pluginsYaml({ localhost: [hello({ integrity: integrityOf(Buffer.from(HELLO)) })] }));
    expect(lines).toEqual(['config/plugins.yaml: valid, 0 errors, 0 warnings (1 plugin in 1 tenant, 1 bundle checked)']);
    expect(code).toBe(0);
  });

  it('reports a bundle whose integrity drifted, at the integrity value', async () => {
    const stale = `sha256:${'0'.repeat(64)}`;
    const { code, lines } = await validate(pluginsYaml({ localhost: [hello({ integrity: stale })] }));
    expect(code).toBe(1);
    expect(lines[0]).toBe(
      `config/plugins.yaml:10:20  tenants.localhost[0].bundle.integrity  does not match plugins/hello/1.0.0/index.esm.js, which hashes to ${integrityOf(Buffer.from(HELLO))} (the BFF answers 409); if the new bundle is intended, run: experience-plugins hash --write`,
    );
  });

  it('reports a contribution naming a component the bundle does not export', async () => {
    const { code, lines } = await validate(pluginsYaml({ localhost: [hello({ widgets: [['dashboard.main', 'HelloWidgett']] })] }));
    expect(code).toBe(1);
    expect(lines[0]).toBe('config/plugins.yaml:24:24  tenants.localhost[0].contributions.widgets[0].component  "HelloWidgett" is not exported by plugins/hello/1.0.0/index.esm.js (it exports Hello, HelloWidget)');
  });

  it('reports a missing bundle under the plugins root', async () => {
    const { code, lines } = await validate(pluginsYaml({ localhost: [hello(), pluginEntry({ id: 'gone', integrity: GONE_PIN })] }));
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^config\/plugins\.yaml:\d+:15  tenants\.localhost\[1\]\.bundle\.file  bundle not found: plugins\/gone\/1\.0\.0\/index\.esm\.js \(plugins root plugins\)$/);
  });

  it('reads bundles from --plugins-root (and PLUGINS_ROOT)', async () => {
    await writeFiles(dir, { 'elsewhere/hello/1.0.0/index.esm.js': HELLO });
    const config = pluginsYaml({ localhost: [hello()] });
    expect((await validate(config, '--plugins-root', path.join(dir, 'elsewhere'))).code).toBe(0);
    await writeFiles(dir, { 'config/plugins.yaml': config });
    const io = captureIo(dir, { ...ENV, PLUGINS_ROOT: 'nowhere' });
    expect(await validateCommand([], io)).toBe(1);
  });

  it('refuses a bundle that is not an ES module', async () => {
    await writeFiles(dir, { 'plugins/hello/1.0.0/index.esm.js': 'export const = 1;\n' });
    const broken = await validate(pluginsYaml({ localhost: [hello()] }));
    expect(broken.lines[0]).toContain('tenants.localhost[0].bundle.file  plugins/hello/1.0.0/index.esm.js:1:14 is not valid JavaScript: Expected identifier but found "="');
    await writeFiles(dir, { 'plugins/hello/1.0.0/index.esm.js': 'module.exports = { Hello: 1 };\n' });
    expect((await validate(pluginsYaml({ localhost: [hello()] }))).lines[0]).toContain('is CommonJS, not an ES module');
  });

  it('refuses a bundle that escapes its plugin folder through a symlink', async () => {
    await writeFiles(dir, { 'outside/evil.js': HELLO, 'plugins/hello/1.0.0/.keep': '' });
    await symlink(path.join(dir, 'outside/evil.js'), path.join(dir, 'plugins/hello/1.0.0/link.esm.js'));
    const config = pluginsYaml({ localhost: [hello()] }).replace('1.0.0/index.esm.js', '1.0.0/link.esm.js');
    const { code, lines } = await validate(config);
    expect(code).toBe(1);
    expect(lines[0]).toContain('resolves (through a symlink) outside plugins/hello/');
  });

  it('reports every loader issue at once, with positions, in file order', async () => {
    const config = pluginsYaml({ localhost: [hello({ version: '1.0' }), pluginEntry({ id: 'Bad_Id', integrity: GONE_PIN, api: [['GET', '/api/x/*']] })] });
    const { code, lines } = await validate(config);
    expect(code).toBe(1);
    expect(lines.slice(0, -1)).toEqual([
      'config/plugins.yaml:5:16  tenants.localhost[0].version  version "1.0" is not a semver version (e.g. "1.0.0")',
      expect.stringMatching(/^config\/plugins\.yaml:\d+:11  tenants\.localhost\[1\]\.id  /),
      expect.stringMatching(/tenants\.localhost\[1\]\.permissions\.api\[0\]\.path  "\/api\/x\/\*": "\*": "\*" is only allowed as a final "\*\*" segment$/),
    ]);
    expect(lines.at(-1)).toBe('config/plugins.yaml: invalid, 3 errors, 0 warnings');
  });

  it('validates grants.yaml too, and warns about contributions nobody is granted', async () => {
    const config = pluginsYaml({ localhost: [hello({ routes: [['/hello', 'Hello', 'secret.page']] })], 'acme.localhost': [hello()] });
    const { code, lines } = await validate(config);
    expect(code).toBe(0);
    expect(lines.filter((l) => l.includes('warning:'))).toEqual([
      expect.stringContaining('tenants.localhost[0].contributions.routes[0]  warning: no role or user in config/grants.yaml is granted secret.page/view in tenant localhost: nobody sees this route'),
      expect.stringContaining('tenants.acme.localhost[0].contributions.routes[0]  warning: no role or user in config/grants.yaml is granted plugin.route/view in tenant acme.localhost'),
      expect.stringContaining('tenants.acme.localhost[0].contributions.widgets[0]  warning:'),
    ]);
    await writeFiles(dir, { 'config/grants.yaml': 'tenants:\n  localhost:\n    roles: { member: [ { resource: x } ] }\n' });
    const bad = await validate(config);
    expect(bad.code).toBe(1);
    expect(bad.lines[0]).toMatch(/^config\/grants\.yaml:3:24  tenants\.localhost\.roles\.member\[0\]/);
  });

  it('reports a policy it cannot read as one more error when grants.yaml is checked, and only then', async () => {
    const config = pluginsYaml({ localhost: [hello(), pluginEntry({ id: 'gone', integrity: GONE_PIN })] });
    await writeFiles(dir, { 'config/plugins.yaml': config });
    const io = captureIo(dir, { ...ENV, POLICY_WASM: 'nowhere.wasm' });
    expect(await validateCommand([], io)).toBe(1);
    const lines = io.out().trimEnd().split('\n');
    expect(lines).toContain('config/grants.yaml  cannot read the policy nowhere.wasm (ENOENT): build it with `make policy`, or pass --policy <file> (it answers whether anyone is granted each contribution)');
    expect(lines.some((l) => l.includes('bundle_missing') || l.includes('bundle not found'))).toBe(true);
    // Without grants.yaml nothing asks the policy.
    await writeFiles(dir, { 'config/plugins.yaml': pluginsYaml({ localhost: [hello()] }) });
    const { rm } = await import('node:fs/promises');
    await rm(path.join(dir, 'config/grants.yaml'));
    const without = captureIo(dir, { ...ENV, POLICY_WASM: 'nowhere.wasm' });
    expect(await validateCommand(['--skip-bundles'], without)).toBe(0);
  });

  it('warns about a plugin the host version excludes', async () => {
    const { code, lines } = await validate(pluginsYaml({ localhost: [hello({ engine: '>=2.0.0' })] }));
    expect(code).toBe(0);
    expect(lines[0]).toBe('config/plugins.yaml:7:21  tenants.localhost[0].engine.experience  warning: ">=2.0.0" is not satisfied by host version 1.4.0: hello stays installed but is left out of the manifests and its API calls are refused');
  });

  it('fails for a named grants file that does not exist', async () => {
    const { code, lines } = await validate(pluginsYaml({ localhost: [hello()] }), '--grants', 'nope.yaml');
    expect(code).toBe(1);
    expect(lines[0]).toBe('nope.yaml  cannot read the file (ENOENT)');
  });

  it('prints JSON with --json, and skips the disk with --skip-bundles', async () => {
    const config = pluginsYaml({ localhost: [hello(), pluginEntry({ id: 'gone', integrity: GONE_PIN })] });
    const json = JSON.parse((await validate(config, '--json')).out) as { ok: boolean; errors: { code: string; line: number }[] };
    expect(json.ok).toBe(false);
    expect(json.errors.map((e) => e.code)).toEqual(['bundle_missing']);
    const skipped = await validate(config, '--skip-bundles');
    expect(skipped.code).toBe(0);
    expect(skipped.lines.at(-1)).toContain('bundles not checked');
  });

  it('accepts the repository default config (the loader rules)', async () => {
    const io = captureIo(REPO, ENV);
    expect(await validateCommand(['config/plugins.yaml', '--skip-bundles'], io)).toBe(0);
    expect(io.out()).toContain('config/plugins.yaml: valid, 0 errors');
  });
});
