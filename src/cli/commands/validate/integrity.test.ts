import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { bundleExporting, captureIo, pluginEntry, pluginsYaml, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { integrityOf, run } from '../../index.js';

// Production (validate's default mode) requires bundle.integrity on every bundle: a pin, or the
// explicit opt-out `none`, which validate accepts with a warning that says what it costs.

const HELLO = bundleExporting('Hello');
const ORDERS = bundleExporting('OrdersPage');
const hello = (integrity?: string) => pluginEntry({ id: 'hello', ...(integrity ? { integrity } : {}), routes: [['/hello', 'Hello']] });
const orders = (integrity?: string) => pluginEntry({ id: 'orders', version: '2.1.0', ...(integrity ? { integrity } : {}), routes: [['/orders', 'OrdersPage']] });

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await writeFiles(dir, { 'plugins/hello/1.0.0/index.esm.js': HELLO, 'plugins/orders/2.1.0/index.esm.js': ORDERS });
});

async function cli(config: string, ...args: string[]) {
  await writeFiles(dir, { 'config/plugins.yaml': config });
  // No grants.yaml in dir: nothing here needs the policy.
  const io = captureIo(dir, { EXPERIENCE_VERSION: '1.4.0' });
  const code = await run(args, io);
  return { code, out: io.out(), lines: io.out().trimEnd().split('\n') };
}

describe('validate: bundle.integrity in production', () => {
  it('fails for each unpinned bundle, at the bundle key, and passes the same file in development and test', async () => {
    const config = pluginsYaml({ localhost: [hello(), orders()], 'acme.localhost': [hello(integrityOf(Buffer.from(HELLO)))] });
    const prod = await cli(config, 'validate');
    expect(prod.code).toBe(1);
    expect(prod.lines).toEqual([
      'config/plugins.yaml:8:7  tenants.localhost[0].bundle  plugin "hello" has no bundle.integrity, which production requires: pin the bundle (experience-plugins hash --write --add), or write integrity: none to serve it unverified',
      expect.stringMatching(/^config\/plugins\.yaml:\d+:7 {2}tenants\.localhost\[1\]\.bundle {2}plugin "orders" has no bundle\.integrity/),
      'config/plugins.yaml: invalid, 2 errors, 0 warnings',
    ]);
    for (const mode of ['development', 'test']) {
      const other = await cli(config, 'validate', '--mode', mode);
      expect(other.code, mode).toBe(0);
      expect(other.lines.at(-1), mode).toContain('valid, 0 errors, 0 warnings');
    }
  });

  it('accepts integrity: none with a warning naming the plugin, the tenant and the file served unverified', async () => {
    const config = pluginsYaml({ localhost: [hello('none'), orders(integrityOf(Buffer.from(ORDERS)))], 'acme.localhost': [hello('none')] });
    const { code, lines } = await cli(config, 'validate');
    expect(code).toBe(0);
    expect(lines).toEqual([
      "config/plugins.yaml:10:20  tenants.localhost[0].bundle.integrity  warning: integrity: none: hello 1.0.0 is served unverified in tenant localhost: whatever bytes are at /app/plugins/hello/1.0.0/index.esm.js run in its users' browsers, and a changed or tampered bundle is not refused (pin it: experience-plugins hash --write --add after removing the line)",
      expect.stringMatching(/^config\/plugins\.yaml:\d+:20 {2}tenants\.acme\.localhost\[0\]\.bundle\.integrity {2}warning: integrity: none: hello 1\.0\.0 is served unverified in tenant acme\.localhost: /),
      'config/plugins.yaml: valid, 0 errors, 2 warnings (3 plugins in 2 tenants, 3 bundles checked)',
    ]);
  });

  it('lists the opt-out in --json as a warning with its code and position', async () => {
    const { code, out } = await cli(pluginsYaml({ localhost: [hello('none')] }), 'validate', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out) as { ok: boolean; errors: unknown[]; warnings: { code: string; line: number; col: number; path: string }[] };
    expect(json.ok).toBe(true);
    expect(json.warnings.map(({ code: c, line, col, path: p }) => ({ code: c, line, col, path: p }))).toEqual([
      { code: 'integrity_opt_out', line: 10, col: 20, path: 'tenants.localhost[0].bundle.integrity' },
    ]);
  });
});

describe('hash --write and integrity: none', () => {
  it('leaves an explicit opt-out alone, says so with the value that would pin it, and pins the rest', async () => {
    const config = pluginsYaml({ localhost: [hello('none'), orders()] });
    const { code, lines } = await cli(config, 'hash', '--write', '--add');
    expect(code).toBe(0);
    const after = await readFile(path.join(dir, 'config/plugins.yaml'), 'utf8');
    expect(after).toContain('integrity: "none"');
    expect(after).toContain(`integrity: "${integrityOf(Buffer.from(ORDERS))}"`);
    expect(lines).toEqual([
      `config/plugins.yaml:10:20  tenants.localhost[0].bundle.integrity  skipped: integrity: none is an explicit opt-out, left as it is; to pin the bundle, replace it with "${integrityOf(Buffer.from(HELLO))}"`,
      expect.stringMatching(/tenants\.localhost\[1\]\.bundle\.integrity {2}added sha256:/),
      'config/plugins.yaml: written; 0 updated, 1 added, 0 unchanged',
    ]);
  });
});
