import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataDocumentJson, shardDataDocument } from './data-document.js';
import type { Registry } from './registry-types.js';
import { canonicalJson } from './serialize.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
// Canonical (code unit) order: JSON.parse puts integer-like keys first, so compare sorted.
const sorted = (keys: readonly string[]) => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

// Tenant entries of any JSON shape: the cut must not depend on what a tenant holds.
const registries: fc.Arbitrary<Registry> = fc
  .record({
    host_version: fc.constantFrom('1.4.0', '2.0.0-rc.1'),
    tenants: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 25 }),
  })
  .map((r) => r as unknown as Registry);

describe('dataDocumentJson', () => {
  it('is the canonical JSON of {registry}', () => {
    const registry = { host_version: '1.4.0', tenants: { b: { plugins: {}, grants: { roles: {}, users: {} } }, a: { plugins: {}, grants: { roles: {}, users: {} } } } };
    expect(dataDocumentJson(registry)).toBe(canonicalJson({ registry }));
    expect(dataDocumentJson(registry).startsWith('{"registry":{"host_version":"1.4.0","tenants":{"a":')).toBe(true);
  });
});

describe('shardDataDocument', () => {
  it('cuts the document into valid documents that together hold every tenant once (property)', () => {
    fc.assert(
      fc.property(registries, fc.integer({ min: 1, max: 400 }), (registry, maxShardBytes) => {
        const { digest, shards } = shardDataDocument(registry, { maxShardBytes });
        const whole = dataDocumentJson(registry);
        expect(digest).toBe(sha256(whole));
        expect(shards.length).toBeGreaterThan(0);
        expect(shards.flatMap((s) => s.tenants)).toEqual(sorted(Object.keys(registry.tenants)));
        for (const shard of shards) {
          const doc = JSON.parse(shard.json) as { registry: Registry };
          expect(shard.json).toBe(canonicalJson(doc));
          expect(doc.registry.host_version).toBe(registry.host_version);
          expect(sorted(Object.keys(doc.registry.tenants))).toEqual(shard.tenants);
          for (const t of shard.tenants) expect(doc.registry.tenants[t]).toEqual(JSON.parse(whole).registry.tenants[t]);
          const entries = shard.json.length - canonicalJson({ registry: { ...registry, tenants: {} } }).length;
          if (shard.tenants.length > 1) expect(entries).toBeLessThanOrEqual(maxShardBytes + shard.tenants.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is one shard, the whole document, when everything fits', () => {
    fc.assert(
      fc.property(registries, (registry) => {
        const { shards } = shardDataDocument(registry, { maxShardBytes: Number.POSITIVE_INFINITY });
        expect(shards).toHaveLength(1);
        expect(shards[0]?.json).toBe(dataDocumentJson(registry));
      }),
    );
  });

  it('keeps a document without tenants as one shard', () => {
    const registry: Registry = { host_version: '1.4.0', tenants: {} };
    const json = '{"registry":{"host_version":"1.4.0","tenants":{}}}';
    expect(shardDataDocument(registry, { maxShardBytes: 1 }).shards).toEqual([{ tenants: [], json, digest: sha256(json) }]);
  });

  it('puts a tenant larger than the limit in a shard of its own', () => {
    const big = { plugins: { p: { padding: 'x'.repeat(100) } }, grants: { roles: {}, users: {} } };
    const small = { plugins: {}, grants: { roles: {}, users: {} } };
    const registry = { host_version: '1.4.0', tenants: { a: small, b: big, c: small, d: small } } as unknown as Registry;
    const shards = shardDataDocument(registry, { maxShardBytes: 110 }).shards.map((s) => s.tenants);
    expect(shards).toContainEqual(['b']);
    expect(shards.flat()).toEqual(['a', 'b', 'c', 'd']);
  });

  // What lets a reload keep the Wasm instances of the shards an edit did not touch.
  it('changes only the edited tenant\'s shard, and the next, when one tenant grows or shrinks (property)', () => {
    const tenant = (n: number) => ({ plugins: { p: { api: Array.from({ length: n }, (_, i) => `/api/r${i}`) } }, grants: { roles: {}, users: {} } });
    fc.assert(
      fc.property(
        // 7-12 entries: tenants of 147-201 bytes, so the average stays between 128 and 256 bytes
        // whatever the edit, and the boundaries' power of two (4 KiB / 2 / average -> 8) with it.
        fc.array(fc.integer({ min: 7, max: 12 }), { minLength: 50, maxLength: 400 }),
        fc.nat(),
        fc.integer({ min: -3, max: 3 }),
        (sizes, at, delta) => {
          const i = at % sizes.length;
          const hosts = sizes.map((_, k) => `t${k}.example.com`);
          const registryOf = (ns: number[]) => ({ host_version: '1.4.0', tenants: Object.fromEntries(hosts.map((h, k) => [h, tenant(ns[k]!)])) }) as unknown as Registry;
          const edited = sizes.map((n, k) => (k === i ? Math.max(0, n + delta) : n));
          const options = { maxShardBytes: 4 * 1024 };
          const before = shardDataDocument(registryOf(sizes), options).shards.map((s) => s.digest);
          const after = shardDataDocument(registryOf(edited), options).shards.map((s) => s.digest);
          const kept = new Set(before);
          expect(after.filter((d) => !kept.has(d)).length).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
