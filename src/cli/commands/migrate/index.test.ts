import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleExporting, captureIo, GRANTS_YAML, policyWasm, REPO, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { run } from '../../program.js';

// validate asks the policy who is granted the contributions: it reads it from POLICY_WASM.
const ENV: Record<string, string> = { EXPERIENCE_VERSION: '1.4.0' };
beforeAll(async () => {
  ENV['POLICY_WASM'] = await policyWasm();
}, 60_000);
const EXAMPLES = path.join(REPO, 'test/fixtures/migrate');

async function migrate(cwd: string, ...args: string[]) {
  const io = captureIo(cwd, ENV);
  const code = await run(['migrate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

type Migrated = { tenants: Record<string, { id: string; version: string; contributions: { routes: { component: string }[]; widgets: { component: string }[] } }[]> };

describe('migrate: every example round-trips through validate', async () => {
  const examples = (await readdir(EXAMPLES)).filter((f) => /\.(ya?ml|json)$/.test(f));

  it('has examples', () => expect(examples.length).toBeGreaterThanOrEqual(2));

  it.each(examples)('%s', async (example) => {
    const dir = await tempDir();
    const migrated = await migrate(dir, path.join(EXAMPLES, example), '--tenant', 'localhost', '--tenant', 'acme.localhost', '-o', 'plugins.yaml');
    expect(migrated.code).toBe(0);
    expect(migrated.err).toContain('the result passes the loader checks (written to plugins.yaml)');
    // Put a bundle exporting the named components where each migrated bundle.file points.
    const config = parse(await readFile(path.join(dir, 'plugins.yaml'), 'utf8')) as Migrated;
    for (const p of Object.values(config.tenants).flat()) {
      const names = [...p.contributions.routes, ...p.contributions.widgets].map((c) => c.component);
      await writeFiles(dir, { [`plugins/${p.id}/${p.version}/index.esm.js`]: bundleExporting(...names) });
    }
    await writeFiles(dir, { 'grants.yaml': GRANTS_YAML });
    // What the migration report asks for: pin the bundles (production requires bundle.integrity).
    const pin = captureIo(dir, ENV);
    expect(await run(['hash', '--write', '--add', '--config', 'plugins.yaml', '--plugins-root', 'plugins'], pin)).toBe(0);
    const io = captureIo(dir, ENV);
    const code = await run(['validate', 'plugins.yaml', '--grants', 'grants.yaml', '--plugins-root', 'plugins'], io);
    expect(io.out().split('\n').filter((l) => / {2}tenants\./.test(l) && !l.includes('warning:'))).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('migrate', () => {
  it('keeps unknown fields in the report (stderr, --report, and a comment), never silently', async () => {
    const dir = await tempDir();
    const { code, out, err } = await migrate(dir, path.join(EXAMPLES, 'legacy-registry.json'), '--tenant', 'acme.example.com', '--report', 'report.json');
    expect(code).toBe(0);
    const notMigrated = err.split('\n').filter((l) => l.includes('  not migrated: '));
    expect(notMigrated.map((l) => l.split('  ')[1])).toEqual([
      'registry',
      'plugins[0].name',
      'plugins[0].author',
      'plugins[0].permissions.storage',
      'plugins[0].contributions.commands',
      'plugins[0].contributions.routes[0].title',
      'plugins[0].contributions.widgets[0].order',
    ]);
    expect(notMigrated[2]).toMatch(/^.*legacy-registry\.json:8:17 {2}plugins\[0\]\.author {2}not migrated: unknown field: \{"name":"Stock Team","email":"stock@example\.com"\}$/);
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as { kind: string; path: string; value?: unknown }[];
    expect(report.find((n) => n.path === 'plugins[0].contributions.commands')).toMatchObject({ kind: 'unknown_field', value: [{ id: 'inventory.refresh', title: 'Refresh stock' }] });
    expect(out).toContain('    # migrate: not migrated (see the report): name, author, permissions.storage, contributions.commands, contributions.routes[0].title, contributions.widgets[0].order\n    - id: inventory');
  });

  it('converts legacy forms and reports each conversion and default', async () => {
    const dir = await tempDir();
    const { out, err } = await migrate(dir, path.join(EXAMPLES, 'legacy-registry.json'), '--tenant', 'acme.example.com');
    expect(out).toContain('            path: /api/inventory/items/{sku}/count');
    expect(out).toContain('            path: /api/warehouses/**');
    expect(err).toContain('converted: path "/api/warehouses/*" written as "/api/warehouses/**" (a prefix: every path below it is allowed; narrow it if you can)');
    expect(err).toContain('default: bundle.file set to /app/plugins/inventory/3.2.1/index.esm.js: "https://cdn.example.com/inventory/3.2.1/index.esm.js" is not under /app/plugins/inventory/');
    expect(err).toContain('plugins[0].contributions.widgets[0].resource  default: no PDP hint: resource set to plugin.widget');
  });

  it('prints JSON with --json', async () => {
    const dir = await tempDir();
    const { out } = await migrate(dir, path.join(EXAMPLES, 'spec-manifests.yaml'), '--tenant', 'localhost', '--json');
    const json = JSON.parse(out) as { output: string; valid: boolean; report: { kind: string }[] };
    expect(json.valid).toBe(true);
    expect(json.output).toMatch(/^# plugins\.yaml written by `experience-plugins migrate` from spec-manifests\.yaml\./);
    expect(json.report.filter((n) => n.kind === 'unknown_field')).toHaveLength(1);
  });

  it('exits 1 with the loader issues when the result is not valid', async () => {
    const dir = await tempDir();
    const { code, err } = await migrate(dir, path.join(REPO, 'test/fixtures/cli/migrate-invalid.yaml'), '--tenant', 'localhost', '-o', 'out.yaml');
    expect(code).toBe(1);
    expect(err).toContain('plugins[0].engine  problem: no engine.experience: the host compatibility range must be set by hand');
    expect(err).toMatch(/out\.yaml:\d+:\d+ {2}tenants\.localhost\[0\]\.version {2}version "1\.0" is not a semver version/);
    expect(err).toMatch(/out\.yaml:\d+:\d+ {2}tenants\.localhost\[0\]\.contributions\.routes\[0\]\.path {2}"\/api\/broken" is under \/api/);
    expect(err).toContain('the result has 4 issues');
  });

  it('refuses input that is not a manifest list, and a missing --tenant', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'map.yaml': 'id: x\n', 'broken.json': '[{"id": }' });
    expect(await migrate(dir, 'map.yaml', '--tenant', 't')).toMatchObject({ code: 1, err: 'experience-plugins migrate: map.yaml: expected a list of plugin manifests, or a map with a "plugins" list\n' });
    expect((await migrate(dir, 'broken.json', '--tenant', 't')).err).toMatch(/^experience-plugins migrate: broken\.json:1:\d+ {2}not valid YAML or JSON/);
    expect((await migrate(dir, 'map.yaml')).code).toBe(64);
    expect((await migrate(dir, 'nope.yaml', '--tenant', 't')).err).toContain('cannot read nope.yaml (ENOENT)');
  });
});
