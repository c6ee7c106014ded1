import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo, GRANTS_YAML, pluginEntry, pluginsYaml, tempDir, writeFiles } from '../../../test/cli/support.js';
import { loadSettings } from '../../server/settings.js';
import { SettingsError } from '../../settings/index.js';
import { run } from '../program.js';
import type { Values } from './args.js';
import * as settings from './settings.js';

type Env = Record<string, string | undefined>;
// What the BFF needs besides the shared settings.
const BFF = { UPSTREAM_URL: 'http://127.0.0.1:9000', SESSION_KEYS: 'k'.repeat(32) };
const CWD = '/srv/bff';

/** What the BFF resolves `env` to, for the settings the CLI shares. */
function bff(env: Env) {
  const s = loadSettings({ ...BFF, ...env }, CWD);
  return { plugins: s.pluginsConfig, grants: s.grantsConfig, policy: s.policyWasm, root: s.pluginsRoot, mount: s.pluginsMount, version: s.hostVersion, mode: s.mode };
}

/** What a command resolves the same `env` to (with `values` as its flags). */
function cli(env: Env, values: Values = {}) {
  const io = captureIo(CWD, env);
  return {
    plugins: settings.pluginsFile(io, values).abs,
    grants: settings.grantsFile(io, values).abs,
    policy: settings.policyFile(io, values).abs,
    root: settings.pluginsRoot(io, values).abs,
    mount: settings.bundleMount(io, values),
    version: settings.hostVersion(io, values),
    mode: settings.mode(io, values),
  };
}

const DEFAULTS = {
  plugins: '/srv/bff/config/plugins.yaml',
  grants: '/srv/bff/config/grants.yaml',
  policy: '/srv/bff/build/policy.wasm',
  root: '/srv/bff/plugins',
  mount: '/app/plugins',
  version: '1.4.0',
  mode: 'production',
};

describe('the CLI and the BFF read the shared settings alike', () => {
  it.each([
    ['nothing set', {}, DEFAULTS],
    ['blank values', { PLUGINS_CONFIG: ' ', GRANTS_CONFIG: '', POLICY_WASM: '\t', PLUGINS_ROOT: ' ', PLUGINS_MOUNT: ' ', EXPERIENCE_VERSION: '', NODE_ENV: ' ' }, DEFAULTS],
    [
      'relative, absolute and padded values',
      { PLUGINS_CONFIG: ' conf/plugins.yaml ', GRANTS_CONFIG: '../shared/grants.yaml', POLICY_WASM: '/etc/bff/p.wasm', PLUGINS_ROOT: './bundles/', PLUGINS_MOUNT: '/srv/mount', EXPERIENCE_VERSION: ' 2.0.0-rc.1 ', NODE_ENV: 'test' },
      { plugins: '/srv/bff/conf/plugins.yaml', grants: '/srv/shared/grants.yaml', policy: '/etc/bff/p.wasm', root: '/srv/bff/bundles', mount: '/srv/mount', version: '2.0.0-rc.1', mode: 'test' },
    ],
    ['development', { NODE_ENV: 'development', PLUGINS_ROOT: '/var/lib/plugins' }, { ...DEFAULTS, mode: 'development', root: '/var/lib/plugins' }],
  ])('%s', (_, env, expected) => {
    const withVersion = { EXPERIENCE_VERSION: '1.4.0', ...env };
    expect(bff(withVersion)).toEqual(expected);
    expect(cli(withVersion)).toEqual(expected);
  });

  it.each([
    ['NODE_ENV', 'staging'],
    ['NODE_ENV', 'PRODUCTION'],
    ['EXPERIENCE_VERSION', 'v1.4.0'],
    ['EXPERIENCE_VERSION', '1.4.0+build.5'],
    ['EXPERIENCE_VERSION', '1.04.0'],
    ['PLUGINS_MOUNT', 'app/plugins'],
    ['PLUGINS_MOUNT', '/app/plugins/'],
    ['PLUGINS_MOUNT', '/app/./plugins'],
  ])('refuses %s=%o with the same message', (name, value) => {
    const env = { EXPERIENCE_VERSION: '1.4.0', [name]: value };
    // The wording itself is src/settings/shared.test.ts's to check; here, that both say it.
    const message = `${name} must be`;
    expect(() => bff(env)).toThrow(message);
    let refusal: unknown;
    try {
      bff(env);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(SettingsError);
    expect(() => cli(env)).toThrow(SettingsError);
    expect(() => cli(env)).toThrow(refusal as Error);
  });

  it('agrees on any value of the checked settings: the same value, or the same refusal', () => {
    const raw = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('development', ' test ', '1.4.0', '2.0.0-rc.1', '1.4', '/app/plugins', '/srv/x/', '/a//b', '/a/%41', ''));
    const outcome = (read: () => unknown) => {
      try {
        return { value: read() };
      } catch (error) {
        return { error: error instanceof SettingsError ? error.message : `not a SettingsError: ${String(error)}` };
      }
    };
    fc.assert(
      fc.property(fc.constantFrom('NODE_ENV', 'EXPERIENCE_VERSION', 'PLUGINS_MOUNT'), raw, (name, value) => {
        const env = { EXPERIENCE_VERSION: '1.4.0', [name]: value };
        expect(outcome(() => cli(env))).toEqual(outcome(() => bff(env)));
      }),
    );
  });

  it('lets a flag override the variable, and names the flag when its value is refused', () => {
    const env = { EXPERIENCE_VERSION: '1.4.0', NODE_ENV: 'staging', PLUGINS_MOUNT: 'relative', POLICY_WASM: 'env.wasm' };
    const flags = { mode: 'test', 'plugins-mount': '/mnt/p', 'host-version': '3.0.0', policy: 'flag.wasm', config: 'c.yaml', grants: 'g.yaml', 'plugins-root': 'r' };
    expect(cli(env, flags)).toEqual({ plugins: '/srv/bff/c.yaml', grants: '/srv/bff/g.yaml', policy: '/srv/bff/flag.wasm', root: '/srv/bff/r', mount: '/mnt/p', version: '3.0.0', mode: 'test' });
    const io = captureIo(CWD, {});
    expect(() => settings.mode(io, { mode: 'qa' })).toThrow(new SettingsError('--mode must be development, production or test, got "qa"'));
    expect(() => settings.hostVersion(io, { 'host-version': 'v2' })).toThrow(new SettingsError('--host-version must be a semver version like 1.4.0, got "v2"'));
    expect(() => settings.bundleMount(io, { 'plugins-mount': '/' })).toThrow(/^--plugins-mount must be a clean absolute path/);
  });
});

describe('every command refuses a bad shared setting with that message (exit 64)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    const hello = pluginsYaml({ localhost: [pluginEntry({ id: 'hello', api: [['GET', '/api/hello']] })] });
    await writeFiles(dir, { 'config/plugins.yaml': hello, 'config/grants.yaml': GRANTS_YAML, 'old.yaml': hello, 'plugins/hello/plugin.json': '{"id": "hello", "version": "1.0.0"}', 'legacy.json': '[]' });
  });

  const COMMANDS: [string, string[]][] = [
    ['validate', ['validate']],
    ['explain', ['explain', '--tenant', 'localhost', '--plugin', 'hello', '--path', '/api/hello']],
    ['diff', ['diff', 'old.yaml', 'config/plugins.yaml']],
    ['harness', ['harness', 'plugins/hello']],
    ['migrate', ['migrate', 'legacy.json', '--tenant', 'localhost']],
    ['hash', ['hash', '--write']],
  ];
  // Which shared checked settings each command reads (the others never look at them).
  const READS: Record<string, string[]> = {
    validate: ['NODE_ENV', 'EXPERIENCE_VERSION', 'PLUGINS_MOUNT'],
    explain: ['NODE_ENV', 'EXPERIENCE_VERSION', 'PLUGINS_MOUNT'],
    diff: ['NODE_ENV', 'EXPERIENCE_VERSION', 'PLUGINS_MOUNT'],
    harness: ['EXPERIENCE_VERSION', 'PLUGINS_MOUNT', 'NODE_ENV'],
    migrate: ['NODE_ENV', 'PLUGINS_MOUNT'],
    hash: ['PLUGINS_MOUNT'],
  };
  const BAD: Record<string, string> = { NODE_ENV: 'staging', EXPERIENCE_VERSION: 'v1', PLUGINS_MOUNT: '/app/plugins/' };
  const cases = COMMANDS.flatMap(([name, argv]) => (READS[name] ?? []).map((variable) => [name, variable, argv] as const));

  it.each(cases)('%s with a bad %s', async (name, variable, argv) => {
    const env = { EXPERIENCE_VERSION: '1.4.0', [variable]: BAD[variable] };
    let expected = '';
    try {
      bff(env);
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(expected).toMatch(new RegExp(`^${variable} must be`));
    const io = captureIo(dir, env);
    expect(await run(argv, io)).toBe(64);
    expect(io.err()).toBe(`experience-plugins ${name}: ${expected}\nRun \`experience-plugins ${name} --help\` for usage.\n`);
    expect(io.out()).toBe('');
  });
});
