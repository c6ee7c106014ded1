import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DISABLED_REASON, matches, parsePluginsConfig } from '../../../config/index.js';
import { disablePlugin, enablePlugin, KillSwitchEditError } from './edit.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

/** The same two-plugin file in the layouts operators write: block, flow entries, comments, CRLF, no final newline. */
const LAYOUTS: Record<string, string> = {
  block: lines(
    '# top comment',
    'tenants:',
    '  localhost:',
    '    - id: hello # the greeter',
    '      version: "1.0.0"',
    '      engine: { experience: ">=1.0.0 <2.0.0" }',
    '      bundle:',
    '        file: /app/plugins/hello/1.0.0/index.esm.js',
    '',
    '    # orders: the shop',
    '    - id: orders',
    "      version: '2.1.0'",
    '      engine:',
    '        experience: ">=1.2.0 <2.0.0"',
    '      bundle: { file: /app/plugins/orders/2.1.0/index.esm.js }',
    '  acme.localhost:',
    '    - id: orders',
    '      version: "2.1.0"',
    '      engine: { experience: ">=1.2.0 <2.0.0" }',
    '      bundle: { file: /app/plugins/orders/2.1.0/index.esm.js }',
  ),
  flow: lines(
    'tenants:',
    '  localhost:',
    '    - { id: hello, version: "1.0.0", engine: { experience: ">=1.0.0" }, bundle: { file: /app/plugins/hello/1.0.0/index.esm.js } }',
    '    - {id: orders, version: "2.1.0", engine: {experience: ">=1.0.0"}, bundle: {file: /app/plugins/orders/2.1.0/index.esm.js}}',
  ),
  'id not first': lines(
    'tenants:',
    '  localhost:',
    '    - version: "1.0.0"',
    '      id: hello',
    '      engine: { experience: ">=1.0.0" }',
    '      bundle: { file: /app/plugins/hello/1.0.0/index.esm.js }',
    '    - engine: { experience: ">=1.0.0" }',
    '      bundle: { file: /app/plugins/orders/2.1.0/index.esm.js }',
    '      version: "2.1.0"',
    '      id: orders',
  ),
  crlf: lines(
    'tenants:',
    '  localhost:',
    '    - id: hello',
    '      version: "1.0.0"',
    '      engine: { experience: ">=1.0.0" }',
    '      bundle: { file: /app/plugins/hello/1.0.0/index.esm.js }',
    '    - id: orders',
    '      version: "2.1.0"',
    '      engine: { experience: ">=1.0.0" }',
    '      bundle: { file: /app/plugins/orders/2.1.0/index.esm.js }',
  ).replace(/\n/g, '\r\n'),
  'no final newline': lines(
    'tenants:',
    '  localhost:',
    '    - id: hello',
    '      version: "1.0.0"',
    '      engine: { experience: ">=1.0.0" }',
    '      bundle: { file: /app/plugins/hello/1.0.0/index.esm.js }',
    '    - bundle: { file: /app/plugins/orders/2.1.0/index.esm.js }',
    '      version: "2.1.0"',
    '      engine: { experience: ">=1.0.0" }',
    '      id: orders',
  ).trimEnd(),
};

const data = (text: string) => parse(text) as { tenants: Record<string, Record<string, unknown>[]> };
const valid = (text: string) => parsePluginsConfig(text, { file: 'plugins.yaml', mode: 'test' });

const reasons = fc.string({ minLength: 1, maxLength: 200, unit: fc.constantFrom('a', 'Z', ' ', '-', ':', '"', "'", '#', '\\', '{', '}', ',', 'é', '→', '&', '*', '!', '%', '@') }).filter((r) => matches(DISABLED_REASON, r));

describe.each(Object.entries(LAYOUTS))('disable and enable: %s layout', (_name, text) => {
  it('disable sets exactly that entry\'s disabled field; enable gives back the file byte for byte', () => {
    fc.assert(
      fc.property(fc.constantFrom('hello', 'orders'), reasons, (id, reason) => {
        const off = disablePlugin(text, 'localhost', id, reason);
        const expected = data(text);
        const entry = expected.tenants['localhost']?.find((p) => p['id'] === id);
        if (!entry) throw new Error('fixture');
        entry['disabled'] = { reason };
        expect(data(off.text)).toEqual(expected);
        // The loader reads the reason back exactly as given, and the file stays valid.
        const loaded = valid(off.text);
        if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
        expect(loaded.value.tenants['localhost']?.find((p) => p.id === id)?.disabled).toEqual({ reason });
        expect(enablePlugin(off.text, 'localhost', id).text).toBe(text);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps every comment and every other line', () => {
    const off = disablePlugin(text, 'localhost', 'orders', 'INC-1').text;
    const before = text.split(/\r?\n/);
    const after = off.split(/\r?\n/);
    // Block entries gain one line; flow entries keep their line count.
    expect(after.filter((l) => !before.includes(l))).toHaveLength(1);
    expect(before.filter((l) => !after.includes(l)).length).toBeLessThanOrEqual(1);
    for (const comment of before.filter((l) => l.includes('#'))) expect(after).toContain(comment);
  });
});

describe('disable: placement', () => {
  it('writes the field right under the id, at the column of the entry\'s keys', () => {
    const off = disablePlugin(LAYOUTS['block'] as string, 'localhost', 'orders', 'INC-1234: leaks "order" data');
    const out = off.text.split('\n');
    expect(out.slice(10, 12)).toEqual(['    - id: orders', '      disabled: { reason: "INC-1234: leaks \\"order\\" data" }']);
    expect(off).toMatchObject({ path: 'tenants.localhost[1].disabled', line: 12, col: 7 });
  });

  it('touches only the tenant named: the same plugin elsewhere stays on', () => {
    const off = disablePlugin(LAYOUTS['block'] as string, 'acme.localhost', 'orders', 'acme only');
    expect(data(off.text).tenants['localhost']?.some((p) => 'disabled' in p)).toBe(false);
    expect(data(off.text).tenants['acme.localhost']?.[0]?.['disabled']).toEqual({ reason: 'acme only' });
  });
});

describe('enable: removal', () => {
  it.each([
    ['a flow field', '      disabled: { reason: x }'],
    ['a block field', '      disabled:\n        reason: x'],
    ['a field with a trailing comment', '      disabled: { reason: x } # INC-9, until Monday'],
    ['a field with a quoted multi-word reason', '      disabled:\n        reason: "a b c"   # why'],
  ])('removes %s written by hand, and nothing else', (_name, field) => {
    const on = LAYOUTS['block'] as string;
    const hand = on.replace("    - id: orders\n      version: '2.1.0'", `    - id: orders\n${field}\n      version: '2.1.0'`);
    expect(hand).not.toBe(on);
    const result = enablePlugin(hand, 'localhost', 'orders');
    expect(result.text).toBe(on);
    expect(result.previousReason).toBe(field.includes('a b c') ? 'a b c' : 'x');
  });

  it('removes a field written last in the entry, or first after the dash', () => {
    const on = LAYOUTS['block'] as string;
    const last = on.replace('      bundle: { file: /app/plugins/orders/2.1.0/index.esm.js }\n  acme', '      bundle: { file: /app/plugins/orders/2.1.0/index.esm.js }\n      disabled: { reason: x }\n  acme');
    expect(enablePlugin(last, 'localhost', 'orders').text).toBe(on);
    const first = on.replace('    - id: orders\n', '    - disabled: { reason: x }\n      id: orders\n');
    expect(data(enablePlugin(first, 'localhost', 'orders').text)).toEqual(data(on));
  });

  it('removes a flow field that comes first in a flow entry', () => {
    const on = LAYOUTS['flow'] as string;
    const first = on.replace('{ id: hello,', '{ disabled: { reason: x }, id: hello,');
    expect(data(enablePlugin(first, 'localhost', 'hello').text)).toEqual(data(on));
  });
});

describe('errors, located', () => {
  const text = LAYOUTS['block'] as string;
  const error = (f: () => unknown): KillSwitchEditError => {
    try {
      f();
    } catch (e) {
      if (e instanceof KillSwitchEditError) return e;
      throw e;
    }
    throw new Error('no error');
  };

  it.each([
    ['an unknown tenant, with the tenants and a suggestion', () => disablePlugin(text, 'localhots', 'orders', 'x'), 'unknown_tenant', 'no tenant "localhots"; tenants: localhost, acme.localhost (did you mean "localhost"?)'],
    ['an unknown plugin, with the plugins and a suggestion', () => disablePlugin(text, 'localhost', 'order', 'x'), 'unknown_plugin', 'tenant localhost has no plugin "order"; plugins: hello, orders (did you mean "orders"?)'],
    ['enable of an unknown plugin', () => enablePlugin(text, 'localhost', 'nope'), 'unknown_plugin', 'tenant localhost has no plugin "nope"; plugins: hello, orders'],
    ['enable of a plugin that is on', () => enablePlugin(text, 'localhost', 'hello'), 'not_disabled', 'plugin hello of tenant localhost is not disabled'],
    ['an empty reason', () => disablePlugin(text, 'localhost', 'hello', ''), 'invalid_disabled_reason', undefined],
    ['a reason of spaces', () => disablePlugin(text, 'localhost', 'hello', '   '), 'invalid_disabled_reason', undefined],
    ['a reason with a line break', () => disablePlugin(text, 'localhost', 'hello', 'a\nb'), 'invalid_disabled_reason', undefined],
    ['a reason over 200 characters', () => disablePlugin(text, 'localhost', 'hello', 'a'.repeat(201)), 'invalid_disabled_reason', undefined],
    ['a file that is not YAML', () => disablePlugin('tenants: [', 'localhost', 'hello', 'x'), 'yaml_syntax', undefined],
  ])('refuses %s', (_name, f, code, message) => {
    const e = error(f);
    expect(e.code).toBe(code);
    if (message !== undefined) expect(e.message).toBe(message);
  });

  it('refuses to disable twice, pointing at the field and quoting the reason', () => {
    const off = disablePlugin(text, 'localhost', 'orders', 'INC-1').text;
    const e = error(() => disablePlugin(off, 'localhost', 'orders', 'INC-2'));
    expect(e.code).toBe('already_disabled');
    expect(e.message).toBe('plugin orders of tenant localhost is already disabled ("INC-1"); enable it first to change the reason');
    expect(e.at).toEqual({ line: 12, col: 17, path: 'tenants.localhost[1].disabled' });
  });

  it('refuses a plugin listed twice in the tenant, at the second entry', () => {
    const twice = text.replace('  acme.localhost:\n', "    - id: orders\n      version: '2.1.1'\n  acme.localhost:\n");
    const e = error(() => disablePlugin(twice, 'localhost', 'orders', 'x'));
    expect(e.code).toBe('duplicate_plugin_id');
    expect(e.at.path).toBe('tenants.localhost[2]');
  });
});
