import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { bundleExporting, captureIo, pluginEntry, pluginsYaml, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { integrityOf } from '../../shared/index.js';
import { run } from '../../program.js';

const HELLO = bundleExporting('Hello');
const ORDERS = bundleExporting('OrdersPage');
const STALE = `sha256:${'0'.repeat(64)}`;

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await writeFiles(dir, { 'plugins/hello/1.0.0/index.esm.js': HELLO, 'plugins/orders/2.1.0/index.esm.js': ORDERS });
});

async function hash(...args: string[]) {
  const io = captureIo(dir);
  const code = await run(['hash', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('hash <bundle>', () => {
  it('prints sha256:<hex> for one bundle', async () => {
    expect(await hash('plugins/hello/1.0.0/index.esm.js')).toEqual({ code: 0, out: `${integrityOf(Buffer.from(HELLO))}\n`, err: '' });
  });

  it('prints one line per bundle for several, and accepts a bundle.file path', async () => {
    const { out } = await hash('plugins/hello/1.0.0/index.esm.js', '/app/plugins/orders/2.1.0/index.esm.js');
    expect(out).toBe(`${integrityOf(Buffer.from(HELLO))}  plugins/hello/1.0.0/index.esm.js\n${integrityOf(Buffer.from(ORDERS))}  plugins/orders/2.1.0/index.esm.js\n`);
  });

  it('fails without a bundle (64) or for a missing one (1)', async () => {
    expect((await hash()).code).toBe(64);
    const missing = await hash('nope.js');
    expect(missing).toMatchObject({ code: 1, err: 'experience-plugins hash: cannot read nope.js\n' });
  });
});

describe('hash --write', () => {
  const config = () =>
    pluginsYaml({
      localhost: [pluginEntry({ id: 'hello', integrity: STALE, routes: [['/hello', 'Hello']] }), pluginEntry({ id: 'orders', version: '2.1.0' })],
      'acme.localhost': [pluginEntry({ id: 'hello', integrity: STALE })],
    });

  it('updates the drifted integrity values and nothing else', async () => {
    const before = config();
    await writeFiles(dir, { 'config/plugins.yaml': before });
    const { code, out } = await hash('--write');
    expect(code).toBe(0);
    const after = await readFile(path.join(dir, 'config/plugins.yaml'), 'utf8');
    const fresh = integrityOf(Buffer.from(HELLO));
    expect(after).toBe(before.split(STALE).join(fresh));
    expect(out.trimEnd().split('\n')).toEqual([
      `config/plugins.yaml:10:20  tenants.localhost[0].bundle.integrity  updated to ${fresh} (was sha256:000000000000…)`,
      expect.stringMatching(/^config\/plugins\.yaml:\d+:20  tenants\.acme\.localhost\[0\]\.bundle\.integrity {2}updated to /),
      'config/plugins.yaml: written; 2 updated, 0 added, 0 unchanged, 1 entry without integrity (pass --add to pin them)',
    ]);
    // A second run has nothing to do.
    expect((await hash('--write')).out).toBe('config/plugins.yaml: not changed; 0 updated, 0 added, 2 unchanged, 1 entry without integrity (pass --add to pin them)\n');
  });

  it('pins entries without integrity with --add', async () => {
    await writeFiles(dir, { 'config/plugins.yaml': config() });
    await hash('--write', '--add');
    const after = await readFile(path.join(dir, 'config/plugins.yaml'), 'utf8');
    expect(after).toContain(`        file: /app/plugins/orders/2.1.0/index.esm.js\n        integrity: "${integrityOf(Buffer.from(ORDERS))}"\n      permissions:`);
  });

  it('touches only the entries of the bundles named', async () => {
    await writeFiles(dir, { 'config/plugins.yaml': config() });
    const { out } = await hash('--write', '--add', 'plugins/orders/2.1.0/index.esm.js');
    expect(out).toContain('0 updated, 1 added, 0 unchanged');
    expect(await readFile(path.join(dir, 'config/plugins.yaml'), 'utf8')).toContain(STALE);
  });

  it('writes nothing when a bundle is missing, exit 1', async () => {
    const before = pluginsYaml({ localhost: [pluginEntry({ id: 'hello', integrity: STALE }), pluginEntry({ id: 'gone' })] });
    await writeFiles(dir, { 'config/plugins.yaml': before });
    const { code, out } = await hash('--write');
    expect(code).toBe(1);
    expect(out).toMatch(/tenants\.localhost\[1\]\.bundle\.file {2}bundle not found: plugins\/gone\/1\.0\.0\/index\.esm\.js/);
    expect(out).toContain('config/plugins.yaml: not changed (1 error)');
    expect(await readFile(path.join(dir, 'config/plugins.yaml'), 'utf8')).toBe(before);
  });

  it('refuses a config with YAML errors, and reports a named bundle no entry uses', async () => {
    await writeFiles(dir, { 'config/plugins.yaml': 'tenants: [\n' });
    expect((await hash('--write')).code).toBe(1);
    await writeFiles(dir, { 'config/plugins.yaml': config(), 'loose.js': HELLO });
    const loose = await hash('--write', 'loose.js', '--json');
    expect(loose.code).toBe(1);
    expect(JSON.parse(loose.out)).toMatchObject({ written: false, errors: [{ code: 'bundle_unused', message: "no plugin entry's bundle.file points at loose.js" }] });
  });
});
