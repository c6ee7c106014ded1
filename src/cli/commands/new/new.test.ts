import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { captureIo, tempDir } from '../../../../test/cli/support.js';
import { matches, parseGrants, parsePluginsConfig } from '../../../config/index.js';
import { PLUGIN_ID } from '../../../config/names.js';
import { reservedPrefixOf } from '../../../config/path-template.js';
import { run } from '../../index.js';
import { pascal } from './names.js';

async function scaffold(dir: string, ...args: string[]) {
  const io = captureIo(dir, { EXPERIENCE_VERSION: '1.4.0' });
  const code = await run(['new', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const exists = (p: string) => lstat(p).then(() => true, () => false);

describe('new <id>', () => {
  it('creates plugin.json, the components and their test, and nothing else', async () => {
    const dir = await tempDir();
    const { code, out } = await scaffold(dir, 'my-plugin');
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('Created plugins/my-plugin/plugin.json, plugins/my-plugin/src/index.tsx, plugins/my-plugin/src/index.test.tsx');
    expect((await readdir(dir, { recursive: true })).sort()).toEqual(['plugins', 'plugins/my-plugin', 'plugins/my-plugin/plugin.json', 'plugins/my-plugin/src', 'plugins/my-plugin/src/index.test.tsx', 'plugins/my-plugin/src/index.tsx']);
    const info = JSON.parse(await readFile(path.join(dir, 'plugins/my-plugin/plugin.json'), 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ id: 'my-plugin', version: '0.1.0', components: ['MyPluginPage', 'MyPluginWidget'] });
    const source = await readFile(path.join(dir, 'plugins/my-plugin/src/index.tsx'), 'utf8');
    expect(source).toContain('export function MyPluginPage({ sdk }: PluginComponentProps)');
    expect(source).toContain('export function MyPluginWidget({ sdk, slot }: PluginWidgetProps)');
    // Only types from the host: a run-time import of src/ would bundle a second SDK (the build refuses it).
    expect(source).toMatch(/^import type \{ PluginComponentProps, PluginWidgetProps \} from '\.\.\/\.\.\/\.\.\/src\/sdk\/index\.js';$/m);
  });

  it('prints a plugins.yaml entry and grants.yaml items that the loader accepts once pasted', async () => {
    const dir = await tempDir();
    const { out } = await scaffold(dir, 'reports', '--route', '/reports/overview', '--tenant', 'acme.localhost', '--version', '1.2.3', '--json');
    const printed = JSON.parse(out) as { pluginsYaml: string; grantsYaml: string; tenant: string; route: string };
    expect(printed).toMatchObject({ tenant: 'acme.localhost', route: '/reports/overview' });
    const plugins = parsePluginsConfig(`tenants:\n  acme.localhost:\n${printed.pluginsYaml}`, { file: 'plugins.yaml', mode: 'development' });
    expect(plugins.ok && plugins.value.tenants['acme.localhost']?.[0]).toMatchObject({
      id: 'reports',
      version: '1.2.3',
      engine: { experience: '>=1.4.0 <2.0.0' },
      bundle: { file: '/app/plugins/reports/1.2.3/index.esm.js' },
      permissions: { api: [], sse: [] },
      contributions: {
        routes: [{ path: '/reports/overview', component: 'ReportsPage', resource: 'reports.page', action: 'view' }],
        widgets: [{ slot: 'dashboard.main', component: 'ReportsWidget', resource: 'reports.widget', action: 'view' }],
      },
    });
    // Unpinned until built: production refuses it with the hint the entry's comment gives.
    const production = parsePluginsConfig(`tenants:\n  acme.localhost:\n${printed.pluginsYaml}`, { file: 'plugins.yaml', mode: 'production' });
    expect(production.ok ? [] : production.issues.map((i) => i.code)).toEqual(['missing_integrity']);
    expect(printed.pluginsYaml).toContain('# Production requires a pin: experience-plugins hash --write --add plugins/reports/1.2.3/index.esm.js');
    const grants = parseGrants(`tenants:\n  acme.localhost:\n    roles:\n${printed.grantsYaml}`, { file: 'grants.yaml' });
    expect(grants.ok && grants.value.tenants['acme.localhost']?.roles).toEqual({
      member: [{ resource: 'reports.page', action: 'view' }],
      'dashboard-user': [{ resource: 'reports.widget', action: 'view' }],
    });
    expect(parseDocument(printed.grantsYaml).errors).toEqual([]);
  });

  it.each([
    ['My-Plugin', /is not a plugin id/],
    ['1plugin', /is not a plugin id/],
    ['my_plugin', /is not a plugin id/],
    ['x.y', /is not a plugin id/],
    ['../x', /is not a plugin id/],
    ['a'.repeat(64), /is not a plugin id/],
    ['api', /route "\/api" is under \/api, which the SPA leaves to the BFF/],
    ['healthz', /route "\/healthz" is under \/healthz/],
    ['metrics', /route "\/metrics" is under \/metrics/],
  ])('refuses %s (exit 64) and writes nothing', async (id, message) => {
    const dir = await tempDir();
    const { code, err } = await scaffold(dir, id);
    expect(code).toBe(64);
    expect(err).toMatch(message);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a bad --route or --version the same way', async () => {
    const dir = await tempDir();
    expect((await scaffold(dir, 'ok', '--route', '/auth/x')).err).toMatch(/is under \/auth/);
    expect((await scaffold(dir, 'ok', '--route', 'no-slash')).code).toBe(64);
    expect((await scaffold(dir, 'ok', '--version', '1.0')).err).toMatch(/not a canonical semver version/);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each(['a folder', 'a file', 'a dangling symlink'])('refuses an existing plugins/<id> (%s), exit 1, and leaves it as it was', async (kind) => {
    const dir = await tempDir();
    const target = path.join(dir, 'plugins/taken');
    await mkdir(path.dirname(target), { recursive: true });
    if (kind === 'a folder') await mkdir(target);
    if (kind === 'a file') await writeFile(target, 'mine\n');
    if (kind === 'a dangling symlink') await symlink(path.join(dir, 'nowhere'), target);
    const { code, err } = await scaffold(dir, 'taken');
    expect(code).toBe(1);
    expect(err).toBe('experience-plugins new: plugins/taken already exists; nothing written (pick another id, or remove it)\n');
    if (kind === 'a folder') expect(await readdir(target)).toEqual([]);
    if (kind === 'a file') expect(await readFile(target, 'utf8')).toBe('mine\n');
    expect(await exists(path.join(dir, 'nowhere'))).toBe(false);
  });

  it('accepts exactly the plugin ids whose page the SPA may route, for any string', async () => {
    const dir = await tempDir();
    const idLike = fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[a-z][a-z0-9-]{0,70}$/), fc.constantFrom('api', 'auth', 'events', 'stream', 'healthz', 'readyz', 'metrics', 'configs'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(idLike, async (id) => {
        if (id.startsWith('-')) return; // an option to the argument parser, not an id
        const folder = `p${n++}`;
        const { code } = await scaffold(dir, id, '--dir', folder);
        const valid = matches(PLUGIN_ID, id) && reservedPrefixOf(`/${id}`) === undefined;
        expect(code).toBe(valid ? 0 : 64);
        expect(await exists(path.join(dir, folder))).toBe(valid);
      }),
      { numRuns: 60 },
    );
  });

  it('derives component names that are JavaScript identifiers', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/), (id) => {
        expect(`${pascal(id)}Page`).toMatch(/^[A-Z][A-Za-z0-9]*Page$/);
      }),
    );
  });
});
