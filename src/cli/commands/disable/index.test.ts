import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { captureIo, pluginEntry, pluginsYaml, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { run } from '../../program.js';

const ORIGINAL = `# operators' notes stay\n${pluginsYaml({ localhost: [pluginEntry({ id: 'hello' }), pluginEntry({ id: 'orders', version: '2.1.0' })] })}`;
let dir: string;

beforeEach(async () => {
  dir = await tempDir();
  await writeFiles(dir, { 'config/plugins.yaml': ORIGINAL });
});

async function cli(...args: string[]) {
  const io = captureIo(dir);
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err(), file: await readFile(path.join(dir, 'config/plugins.yaml'), 'utf8') };
}

describe('disable / enable', () => {
  it('disables in place, says where, and enable restores the file exactly', async () => {
    const off = await cli('disable', 'orders', '--tenant', 'localhost', '--reason', 'INC-1234: leaks order data');
    expect(off.code).toBe(0);
    expect(off.err).toBe('');
    expect(off.out).toMatch(/^config\/plugins\.yaml:\d+:7 {2}tenants\.localhost\[1\]\.disabled {2}disabled plugin orders of tenant localhost\n/);
    expect(off.out).toContain('applies it at its next reload');
    expect(off.file).toContain('    - id: orders\n      disabled: { reason: "INC-1234: leaks order data" }\n');
    expect(off.file.startsWith("# operators' notes stay\n")).toBe(true);

    const on = await cli('enable', 'orders', '--tenant', 'localhost');
    expect(on.code).toBe(0);
    expect(on.out).toContain('enabled plugin orders of tenant localhost (it was disabled: "INC-1234: leaks order data")');
    expect(on.file).toBe(ORIGINAL);
  });

  it('answers --json with where and what', async () => {
    const off = await cli('disable', 'hello', '--tenant', 'localhost', '--reason', 'why', '--json');
    expect(JSON.parse(off.out)).toMatchObject({ file: 'config/plugins.yaml', written: true, tenant: 'localhost', plugin: 'hello', action: 'disabled', path: 'tenants.localhost[0].disabled' });
    const again = await cli('disable', 'hello', '--tenant', 'localhost', '--reason', 'why', '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({ written: false, error: { code: 'already_disabled', path: 'tenants.localhost[0].disabled' } });
  });

  it.each([
    [['disable', 'orders', '--tenant', 'acme', '--reason', 'x'], 'no tenant "acme"; tenants: localhost'],
    [['disable', 'order', '--tenant', 'localhost', '--reason', 'x'], 'tenant localhost has no plugin "order"; plugins: hello, orders (did you mean "orders"?)'],
    [['enable', 'orders', '--tenant', 'localhost'], 'plugin orders of tenant localhost is not disabled'],
  ])('%j: exit 1, a located message, nothing written', async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^config\/plugins\.yaml(:\d+:\d+)? {2}\S*/);
    expect(result.err).toContain(message);
    expect(result.err.trimEnd().split('\n').at(-1)).toBe('config/plugins.yaml: not changed');
    expect(result.file).toBe(ORIGINAL);
  });

  it('refuses a second disable, quoting the first reason', async () => {
    await cli('disable', 'orders', '--tenant', 'localhost', '--reason', 'first');
    const twice = await cli('disable', 'orders', '--tenant', 'localhost', '--reason', 'second');
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('is already disabled ("first"); enable it first to change the reason');
    expect(twice.file).toContain('reason: "first"');
    expect(twice.file).not.toContain('second');
  });

  it.each([
    [['disable', 'orders', '--reason', 'x'], '--tenant is required'],
    [['disable', 'orders', '--tenant', 'localhost'], '--reason is required'],
    [['disable', 'orders', '--tenant', 'localhost', '--reason', ' '], '--reason: the reason must be one line of 1-200 characters'],
    [['disable', 'orders', '--tenant', 'localhost', '--reason', 'a\nb'], '--reason: the reason must be one line'],
    [['enable', '--tenant', 'localhost'], ''],
    [['enable', 'orders'], '--tenant is required'],
  ])('%j: a usage error (64), nothing written', async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(64);
    expect(result.err).toContain(message);
    expect(result.file).toBe(ORIGINAL);
  });

  it('says so when the file cannot be read', async () => {
    const result = await cli('disable', 'orders', '--tenant', 'localhost', '--reason', 'x', '--config', 'missing.yaml');
    expect(result.code).toBe(1);
    expect(result.err).toContain('cannot read missing.yaml (ENOENT)');
  });
});
