import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiDecisionCache } from './api-cache.js';
import type { ApiInput } from './types.js';

// Few characters, the key's own separators among them, so that look-alike inputs are common.
const piece = fc.string({ unit: fc.constantFrom('1', '2', ':', '!', 'a', '/', '"', ',', '\u0000'), maxLength: 6 });
const input: fc.Arbitrary<Required<ApiInput>> = fc.record({
  tenant: piece,
  plugin_id: fc.option(piece, { nil: null }),
  method: piece,
  path: piece,
});

const keyOf = (i: Required<ApiInput>): string => ApiDecisionCache.key(i.tenant, i.plugin_id, i.method, i.path);

/** Reads a key back into its input: that every key reads back into the input it was made from is what makes keys injective. */
function decode(key: string): Required<ApiInput> {
  let at = 0;
  const field = (): string => {
    const colon = key.indexOf(':', at);
    const length = Number(key.slice(at, colon));
    if (colon === -1 || !/^\d+$/.test(key.slice(at, colon))) throw new Error(`no length at ${at} in ${JSON.stringify(key)}`);
    const value = key.slice(colon + 1, colon + 1 + length);
    at = colon + 1 + length;
    return value;
  };
  const tenant = field();
  let plugin_id: string | null = null;
  if (key[at] === '!') at += 1;
  else plugin_id = field();
  const method = field();
  return { tenant, plugin_id, method, path: key.slice(at) };
}

describe('ApiDecisionCache.key', () => {
  it('reads back into exactly the input it was made from', () => {
    fc.assert(
      fc.property(input, (a) => {
        expect(decode(keyOf(a))).toEqual(a);
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives two inputs the same key only when every field is the same', () => {
    fc.assert(
      fc.property(input, input, (a, b) => {
        const same = a.tenant === b.tenant && a.plugin_id === b.plugin_id && a.method === b.method && a.path === b.path;
        expect(keyOf(a) === keyOf(b)).toBe(same);
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['a null plugin id and an empty one', { plugin_id: null }, { plugin_id: '' }],
    ['a null plugin id and one spelled !', { plugin_id: null }, { plugin_id: '!' }],
    ['a field boundary moved', { tenant: 'a1', method: ':GET' }, { tenant: 'a', method: '1:GET' }],
    ['a plugin id moved into the tenant', { tenant: 'a2:a', plugin_id: null }, { tenant: 'a', plugin_id: 'a!' }],
    ['a path that looks like a method', { method: 'GET', path: '/x' }, { method: 'GET/', path: 'x' }],
  ])('keeps apart %s', (_name, a, b) => {
    const base: Required<ApiInput> = { tenant: 't', plugin_id: 'p', method: 'GET', path: '/x' };
    expect(keyOf({ ...base, ...a })).not.toBe(keyOf({ ...base, ...b }));
  });
});
