import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexApi, indexSse } from './compile-index.js';
import { compileApiPermission, compileSsePermission } from './compile-registry.js';
import type { ApiIndex, RegistryApiEntry } from './registry-types.js';

const entry = (method: string, path: string): RegistryApiEntry => {
  const compiled = compileApiPermission({ method, path });
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.value;
};

/** A template from a small alphabet, so that generated lists share shapes and literals. */
const template = fc
  .tuple(fc.array(fc.oneof(fc.constantFrom('api', 'orders', '42', 'Orders', '__proto__', 'constructor'), fc.constant(null)), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([parts, prefix]) => `/${parts.map((p, i) => p ?? `{p${i}}`).join('/')}${prefix ? '/**' : ''}`);
const entries = fc.array(
  fc.tuple(fc.constantFrom('GET', 'POST', 'valueOf'), template).map(([m, t]) => entry(m, t)),
  { maxLength: 60, size: 'max' },
);

/** Every (method, bucket, index) of the index, as it is laid out. */
function buckets(index: ApiIndex): { method: string; prefix: boolean; slot: number; length: number; literals: number[]; key: string; ids: number[] }[] {
  return Object.entries(index).flatMap(([method, { exact, prefix }]) => [
    ...exact.flatMap((shapes, slot) => shapes.flatMap((s) => Object.entries(s.entries).map(([key, ids]) => ({ method, prefix: false, slot, ...s, key, ids })))),
    ...prefix.flatMap((s) => Object.entries(s.entries).map(([key, ids]) => ({ method, prefix: true, slot: -1, ...s, key, ids }))),
  ]);
}

const literalPositions = (e: RegistryApiEntry) => e.segments.flatMap((s, j) => ('literal' in s ? [j] : []));
const literalKey = (e: RegistryApiEntry) => e.segments.flatMap((s) => ('literal' in s ? [s.literal] : [])).join('/');

describe('indexApi', () => {
  it('lays out the index of docs/contracts.md', () => {
    const list = ['/api/orders', '/api/orders/{id}', '/{region}/orders/{id}', '/api/**', '/api/orders/{ref}'].map((t) => entry('GET', t));
    expect(indexApi([...list, entry('POST', '/api/orders')])).toEqual({
      GET: {
        exact: [
          [],
          [],
          [{ length: 2, literals: [0, 1], entries: { 'api/orders': [0] } }],
          [
            { length: 3, literals: [0, 1], entries: { 'api/orders': [1, 4] } },
            { length: 3, literals: [1], entries: { orders: [2] } },
          ],
        ],
        prefix: [{ length: 1, literals: [0], entries: { api: [3] } }],
      },
      POST: { exact: [[], [], [{ length: 2, literals: [0, 1], entries: { 'api/orders': [5] } }]], prefix: [] },
    });
  });

  it('puts every entry in exactly one bucket: its method, exact length or prefix, literal positions and literals', () => {
    fc.assert(
      fc.property(entries, (list) => {
        const all = buckets(indexApi(list));
        expect(all.flatMap((b) => b.ids).sort((a, b) => a - b)).toEqual(list.map((_, i) => i));
        for (const b of all) {
          // In file order, and no empty bucket.
          expect(b.ids.length).toBeGreaterThan(0);
          expect([...b.ids].sort((x, y) => x - y)).toEqual(b.ids);
          for (const i of b.ids) {
            const e = list[i]!;
            expect({ method: e.method, prefix: e.prefix, length: e.segments.length, literals: literalPositions(e), key: literalKey(e) }).toEqual({
              method: b.method,
              prefix: b.prefix,
              length: b.length,
              literals: b.literals,
              key: b.key,
            });
            if (!b.prefix) expect(b.slot).toBe(b.length);
          }
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('keeps one shape per segment count and literal positions, and never a hole in exact', () => {
    fc.assert(
      fc.property(entries, (list) => {
        for (const { exact, prefix } of Object.values(indexApi(list))) {
          expect(Object.keys(exact).length).toBe(exact.length);
          for (const shapes of [...exact, prefix]) {
            const signatures = shapes.map((s) => JSON.stringify([s.length, s.literals]));
            expect(new Set(signatures).size).toBe(signatures.length);
          }
        }
      }),
      { seed: 8, numRuns: 200 },
    );
  });

  it('keeps "__proto__" and "constructor" as plain own keys', () => {
    const index = indexApi([entry('GET', '/__proto__'), entry('GET', '/constructor/{x}'), { ...entry('GET', '/a'), method: '__proto__' }]);
    expect(Object.keys(index)).toEqual(['GET', '__proto__']);
    expect(Object.keys(index['GET']!.exact[1]![0]!.entries)).toEqual(['__proto__']);
    expect(index['GET']!.exact[2]![0]!.entries).toEqual({ constructor: [1] });
    expect(JSON.parse(JSON.stringify(index))).toEqual(index);
    expect(({} as Record<string, unknown>)['GET']).toBeUndefined();
  });

  it('inserts methods and literal keys sorted', () => {
    const index = indexApi([entry('POST', '/b'), entry('GET', '/c'), entry('GET', '/a')]);
    expect(Object.keys(index)).toEqual(['GET', 'POST']);
    expect(Object.keys(index['GET']!.exact[1]![0]!.entries)).toEqual(['a', 'c']);
  });

  it('is empty for no entries', () => {
    expect(indexApi([])).toEqual({});
  });
});

describe('indexSse', () => {
  it('maps each prefix to its entries in file order, duplicates included', () => {
    expect(indexSse(['orders', 'orders.created', 'orders', 'eu'].map(compileSsePermission))).toEqual({ eu: [3], orders: [0, 2], 'orders.created': [1] });
  });

  it('is empty for no prefixes, and keeps "__proto__" as an own key', () => {
    expect(indexSse([])).toEqual({});
    expect(Object.keys(indexSse([compileSsePermission('__proto__')]))).toEqual(['__proto__']);
  });
});
