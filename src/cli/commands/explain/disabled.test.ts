import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo, GRANTS_YAML, pluginEntry, pluginsYaml, policyWasm, tempDir, writeFiles } from '../../../../test/cli/support.js';
import { run } from '../../program.js';

// The kill switch as `explain` shows it: the policy's rule and code, and the operator's reason where it is written.
const ENV = { EXPERIENCE_VERSION: '1.4.0' };
const REASON = 'INC-1234: leaks order data';
let policy: string;
let dir: string;

/** A plugin entry with `disabled: { reason }` as its last field. */
const disabled = (entry: string, reason: string): string => `${entry}\n      disabled:\n        reason: "${reason}"`;
const ORDERS = disabled(pluginEntry({ id: 'orders', api: [['GET', '/api/orders']], sse: ['orders'], routes: [['/orders', 'OrdersPage', 'plugin.route']] }), REASON);
const HELLO = pluginEntry({ id: 'hello', api: [['GET', '/api/hello']], routes: [['/hello', 'Hello', 'plugin.route']] });
const OLD_OFF = disabled(pluginEntry({ id: 'old', version: '0.9.0', engine: '>=0.1.0 <1.0.0' }), 'old and off');

beforeAll(async () => {
  policy = await policyWasm();
  dir = await tempDir();
  await writeFiles(dir, { 'config/plugins.yaml': pluginsYaml({ localhost: [ORDERS, HELLO, OLD_OFF] }), 'config/grants.yaml': GRANTS_YAML });
}, 60_000);

async function explain(...args: string[]) {
  const io = captureIo(dir, ENV);
  const code = await run(['explain', '--policy', policy, ...args], io);
  return { code, lines: io.out().trimEnd().split('\n'), out: io.out(), err: io.err() };
}

describe('explain: a disabled plugin', () => {
  it.each([
    ['an API call its allow-list allows', ['--path', '/api/orders']],
    ['an API call outside its allow-list', ['--path', '/api/other']],
    ['a malformed path', ['--path', '/api/orders/../x']],
    ['a declared topic', ['--topic', 'orders.created']],
  ])('refuses %s with plugin_disabled, the rule, and the reason at its file:line:col', async (_name, args) => {
    const { code, lines } = await explain('--tenant', 'localhost', '--plugin', 'orders', ...args);
    expect(code).toBe(1);
    expect(lines[0]).toBe('decision  deny (plugin_disabled)');
    expect(lines[1]).toMatch(/^rule {6}Plugin disabled: An operator turned the plugin off for the tenant/);
    expect(lines[3]).toMatch(
      new RegExp(`^why {7}disabled by an operator: "${REASON}" \\(experience-plugins enable orders --tenant localhost turns it on\\)  config/plugins\\.yaml:\\d+:17  tenants\\.localhost\\[0\\]\\.disabled\\.reason$`),
    );
  });

  it('names the disabled plugin before its incompatibility', async () => {
    const { lines } = await explain('--tenant', 'localhost', '--plugin', 'old', '--path', '/api/x');
    expect(lines[0]).toBe('decision  deny (plugin_disabled)');
    expect(lines[3]).toContain('"old and off"');
  });

  it('leaves it out of the contributions with the reason, where an incompatible one would name its range', async () => {
    const { code, lines } = await explain('--tenant', 'localhost', '--user', 'alice', '--roles', 'member');
    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith('left out'))).toEqual([
      expect.stringMatching(/^left out  old 0\.9\.0: disabled by an operator: "old and off"  config\/plugins\.yaml:\d+:17  tenants\.localhost\[2\]\.disabled\.reason$/),
      expect.stringMatching(/^left out  orders 1\.0\.0: disabled by an operator: "INC-1234: leaks order data"  config\/plugins\.yaml:\d+:17  tenants\.localhost\[0\]\.disabled\.reason$/),
    ]);
    expect(lines.some((l) => l.startsWith('hello 1.0.0'))).toBe(true);
  });

  it('keeps the reason in --json too', async () => {
    const { out } = await explain('--tenant', 'localhost', '--plugin', 'orders', '--path', '/api/orders', '--json');
    const parsed = JSON.parse(out) as { decision: { reason: string }; rule: { reason: string }; detail: string };
    expect(parsed.decision.reason).toBe('plugin_disabled');
    expect(parsed.rule.reason).toBe('plugin_disabled');
    expect(parsed.detail).toContain(REASON);
  });
});
