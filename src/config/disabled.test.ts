import { describe, expect, it } from 'vitest';
import { compileRegistry } from './compile-registry.js';
import { disabledPlugins } from './disabled.js';
import type { ParseResult } from './issue.js';
import { parsePluginsConfig } from './parse-plugins.js';
import type { PluginsConfig } from './types.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const parse = (text: string): ParseResult<PluginsConfig> => parsePluginsConfig(text, { file: 'plugins.yaml', mode: 'test' });
const brief = (r: ParseResult<unknown>): string[] => (r.ok ? [] : r.issues.map((i) => `${i.code} ${i.line}:${i.col} ${i.path}`));
const plugin = (id: string, ...extra: string[]): string[] => [
  `    - id: ${id}`,
  '      version: "1.0.0"',
  '      engine: { experience: ">=1.0.0 <2.0.0" }',
  `      bundle: { file: /app/plugins/${id}/1.0.0/index.esm.js }`,
  ...extra,
];
/** A one-plugin file whose 7th line is `disabled:` with the given value. */
const withDisabled = (value: string): string => lines('tenants:', '  localhost:', ...plugin('hello', `      disabled: ${value}`));

describe('plugins.yaml disabled: the model and the data', () => {
  it('keeps the reason in the model, and compiles it into the plugin of data.registry (only when set)', () => {
    const result = parse(lines('tenants:', '  localhost:', ...plugin('hello', '      disabled: { reason: "INC-1234: leaks data" }'), ...plugin('orders')));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const [hello, orders] = result.value.tenants['localhost'] ?? [];
    expect(hello?.disabled).toEqual({ reason: 'INC-1234: leaks data' });
    expect(orders && 'disabled' in orders).toBe(false);
    const { registry } = compileRegistry(result.value, { tenants: {} }, { hostVersion: '1.4.0' });
    expect(registry.tenants['localhost']?.plugins['hello']?.disabled).toEqual({ reason: 'INC-1234: leaks data' });
    // A plugin that is on compiles as before: no field, so its data (and digest) does not change.
    expect(Object.keys(registry.tenants['localhost']?.plugins['orders'] ?? {})).not.toContain('disabled');
  });

  it('keeps keys sorted (the data document is canonical)', () => {
    const result = parse(withDisabled('{ reason: off }'));
    if (!result.ok) throw new Error('fixture');
    const keys = Object.keys(compileRegistry(result.value, { tenants: {} }, { hostVersion: '1.4.0' }).registry.tenants['localhost']?.plugins['hello'] ?? {});
    expect(keys).toEqual([...keys].sort());
  });

  it('accepts reasons up to 200 characters, any printable text', () => {
    for (const reason of ['x', 'a'.repeat(200), '"Ünïcødé — and <angle> brackets"', "'  padded  '"]) {
      expect(brief(parse(withDisabled(`{ reason: ${reason.startsWith('"') || reason.startsWith("'") ? reason : JSON.stringify(reason)} }`)))).toEqual([]);
    }
  });

  // Each bad value is named at its own file:line:col with the field path.
  it.each([
    ['an empty reason', '{ reason: "" }', 'invalid_disabled_reason 7:27 tenants.localhost[0].disabled.reason'],
    ['a reason of spaces only', '{ reason: "   " }', 'invalid_disabled_reason 7:27 tenants.localhost[0].disabled.reason'],
    ['a reason over 200 characters', `{ reason: "${'a'.repeat(201)}" }`, 'invalid_disabled_reason 7:27 tenants.localhost[0].disabled.reason'],
    ['a reason with a line break', '{ reason: "one\\ntwo" }', 'invalid_disabled_reason 7:27 tenants.localhost[0].disabled.reason'],
    ['a reason with a control character', '{ reason: "bell\\u0007" }', 'invalid_disabled_reason 7:27 tenants.localhost[0].disabled.reason'],
    ['a reason with a C1 control (NEL)', '{ reason: "next\\u0085line" }', 'invalid_disabled_reason 7:27 tenants.localhost[0].disabled.reason'],
    ['a reason with a Unicode line separator', '{ reason: "one\\u2028two" }', 'invalid_disabled_reason 7:27 tenants.localhost[0].disabled.reason'],
    ['a reason with a tab', '{ reason: "a\\tb" }', 'invalid_disabled_reason 7:27 tenants.localhost[0].disabled.reason'],
    ['a number as the reason', '{ reason: 42 }', 'schema 7:27 tenants.localhost[0].disabled.reason'],
    ['no reason', '{}', 'missing_field 7:17 tenants.localhost[0].disabled.reason'],
    ['true instead of a map', 'true', 'schema 7:17 tenants.localhost[0].disabled'],
    ['a bare string', 'INC-1', 'schema 7:17 tenants.localhost[0].disabled'],
    ['an unknown field', '{ reason: off, until: tomorrow }', 'unknown_field 7:32 tenants.localhost[0].disabled.until'],
  ])('refuses %s at its position', (_name, value, expected) => {
    expect(brief(parse(withDisabled(value)))).toEqual([expected]);
  });

  it('names the rule in the message', () => {
    const result = parse(withDisabled('{ reason: "" }'));
    expect(!result.ok && result.issues[0]?.message).toBe('"" is not a valid disabled reason (one line of 1-200 characters, not only spaces, no control characters)');
  });
});

describe('disabledPlugins', () => {
  it('lists each disabled plugin with its tenant, tenants sorted, plugins in file order', () => {
    const result = parse(
      lines(
        'tenants:',
        '  z.localhost:',
        ...plugin('b', '      disabled: { reason: second }'),
        ...plugin('a', '      disabled: { reason: first }'),
        '  localhost:',
        ...plugin('hello'),
        ...plugin('orders', '      disabled: { reason: "INC-1" }'),
      ),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(disabledPlugins(result.value)).toEqual([
      { tenant: 'localhost', plugin: 'orders', version: '1.0.0', reason: 'INC-1' },
      { tenant: 'z.localhost', plugin: 'b', version: '1.0.0', reason: 'second' },
      { tenant: 'z.localhost', plugin: 'a', version: '1.0.0', reason: 'first' },
    ]);
  });

  it('is empty when nothing is disabled', () => {
    const result = parse(lines('tenants:', '  localhost:', ...plugin('hello')));
    if (!result.ok) throw new Error('fixture');
    expect(disabledPlugins(result.value)).toEqual([]);
  });
});
