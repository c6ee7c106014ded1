import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRegistry } from './compile-registry.js';
import { parseGrants } from './parse-grants.js';
import { parsePluginsConfig } from './parse-plugins.js';
import { dataDocumentJson } from './data-document.js';
import { canonicalJson } from './serialize.js';

describe('canonicalJson', () => {
  it('sorts keys recursively, keeps array order, adds no whitespace', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 2 }, 3], a: 'x', c: null, d: true })).toBe('{"a":"x","b":[{"a":2,"z":1},3],"c":null,"d":true}');
  });

  it('sorts by code unit, not locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, _: 4, é: 5 })).toBe('{"B":2,"_":4,"a":3,"b":1,"é":5}');
  });

  it('drops undefined properties like JSON.stringify, and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
  });

  it('is JSON that parses back to an equal value, and is independent of key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const back = JSON.parse(text) as unknown;
        expect(back).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(shuffleKeys(back))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('dataDocumentJson of a compiled registry', () => {
  const plugins = (order: 'ab' | 'ba'): string => {
    const a = ['    - id: a', '      version: "1.0.0"', '      engine: { experience: "*" }', '      bundle: { file: /app/plugins/a/x.js }'];
    const b = ['    - bundle: { file: /app/plugins/b/x.js }', '      engine: { experience: "*" }', '      version: "1.0.0"', '      id: b'];
    const tenantX = ['  x.localhost:', ...(order === 'ab' ? [...a, ...b] : [...b, ...a])];
    const tenantY = ['  y.localhost: []'];
    return ['tenants:', ...(order === 'ab' ? [...tenantX, ...tenantY] : [...tenantY, ...tenantX]), ''].join('\n');
  };
  const grants = (order: 'ab' | 'ba'): string =>
    order === 'ab'
      ? 'tenants:\n  x.localhost:\n    roles: { r1: [], r2: [] }\n    users: { u: [] }\n'
      : 'tenants:\n  x.localhost:\n    users: { u: [] }\n    roles: { r2: [], r1: [] }\n';

  const compile = (order: 'ab' | 'ba'): string => {
    const p = parsePluginsConfig(plugins(order), { file: 'p', mode: 'test' });
    const g = parseGrants(grants(order), { file: 'g' });
    if (!p.ok || !g.ok) throw new Error('fixture invalid');
    return dataDocumentJson(compileRegistry(p.value, g.value, { hostVersion: '1.4.0' }).registry);
  };

  it('gives the same bytes for the same input, and for maps written in another order', () => {
    expect(compile('ab')).toBe(compile('ab'));
    expect(compile('ba')).toBe(compile('ab'));
  });

  it('is the whole document, data.registry under "registry"', () => {
    expect(dataDocumentJson({ host_version: '1.4.0', tenants: {} })).toBe('{"registry":{"host_version":"1.4.0","tenants":{}}}');
  });
});

/** The same value with every object's keys in reverse insertion order. */
function shuffleKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffleKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, shuffleKeys(v)]));
  }
  return value;
}
