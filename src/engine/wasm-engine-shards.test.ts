/**
 * An engine given the data in shards decides exactly as one given the whole document, for a
 * policy that, like ours, reads the data only at data.registry.tenants[input.tenant].
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../../test/support/opa.js';
import { CATALOGUES } from './catalogue.js';
import type { EngineData } from './data.js';
import { ENTRYPOINTS } from './entrypoints.js';
import { catalogueFiles } from './testing/catalogue-rego.js';
import { createWasmEngine, type WasmEngine } from './wasm-engine.js';

const POLICIES = {
  ...catalogueFiles({
    api: { allowed: { allow: true }, unknown_tenant: { http_status: 403, message: 'No tenant' }, not_allowed: { http_status: 403, message: 'No' } },
    sse: { allowed: { allow: true }, not_allowed: { http_status: 403, message: 'No' } },
    authz: { granted: { allow: true }, not_granted: {} },
  }),
  'api.rego': `package experience.api
decision := {"allow": true, "reason": "allowed", "plugin_id": input.plugin_id, "matched": input.path} if {
	input.path in data.registry.tenants[input.tenant].paths
} else := {"allow": false, "reason": "unknown_tenant"} if {
	not data.registry.tenants[input.tenant]
} else := {"allow": false, "reason": "not_allowed"}
`,
  'sse.rego': `package experience.sse
decision := {"allow": false, "reason": "not_allowed"}
`,
  'contributions.rego': `package experience.contributions
decision := {"plugins": [p |
	some id in data.registry.tenants[input.tenant].plugins
	p := {"id": id, "version": data.registry.host_version, "routes": [], "widgets": []}
]}
`,
  'authz.rego': `package experience.authz
decision := {"allow": true, "reason": "granted"} if {
	input.subject.id in data.registry.tenants[input.tenant].users
} else := {"allow": false, "reason": "not_granted"}
`,
};

interface Tenant {
  paths: string[];
  plugins: string[];
  users: string[];
}

let wasm: Uint8Array;
beforeAll(async () => {
  wasm = await buildWasm(POLICIES, [...Object.values(ENTRYPOINTS), ...Object.values(CATALOGUES).map((c) => c.entrypoint)]);
}, 60_000);

const documentOf = (tenants: Record<string, Tenant>) => JSON.stringify({ registry: { host_version: '1.4.0', tenants } });

/** The tenants cut into consecutive groups of the given sizes (the rest in a last group). */
function shardsOf(tenants: Record<string, Tenant>, sizes: number[]): EngineData {
  const hosts = Object.keys(tenants);
  const groups: string[][] = [];
  for (const size of sizes) if (hosts.length > 0) groups.push(hosts.splice(0, Math.max(1, size)));
  if (hosts.length > 0) groups.push(hosts);
  if (groups.length === 0) groups.push([]);
  const shards = groups.map((g) => {
    const json = documentOf(Object.fromEntries(g.map((h) => [h, tenants[h]!])));
    return { tenants: g, json, digest: createHash('sha256').update(json).digest('hex') };
  });
  return { digest: createHash('sha256').update(documentOf(tenants)).digest('hex'), shards };
}

const names = fc.constantFrom('a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example', 'g.example');
const tenantData: fc.Arbitrary<Tenant> = fc.record({
  paths: fc.uniqueArray(fc.constantFrom('/a', '/b', '/c'), { maxLength: 3 }),
  plugins: fc.uniqueArray(fc.constantFrom('p', 'q', 'r'), { maxLength: 3 }),
  users: fc.uniqueArray(fc.constantFrom('alice', 'bob'), { maxLength: 2 }),
});

function decisions(engine: WasmEngine, hosts: string[]): unknown[] {
  return hosts.flatMap((tenant) => [
    ...['/a', '/b', '/c'].map((path) => engine.api({ tenant, plugin_id: 'p', method: 'GET', path })),
    engine.contributions({ tenant, user: { id: 'alice', roles: [] } }),
    ...['alice', 'bob'].map((id) => engine.authz({ tenant, subject: { id, roles: [] }, resource: 'r', action: 'view' })),
  ]);
}

describe('createWasmEngine with data in shards', () => {
  it('decides every tenant, known or not, as the whole document does (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(names, tenantData, { maxKeys: 6 }), fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 6 }), async (tenants, sizes) => {
        const data = shardsOf(tenants, sizes);
        const whole = await createWasmEngine({ wasm, dataJson: documentOf(tenants), cache: false });
        const sharded = await createWasmEngine({ wasm, data, cache: false });
        expect(sharded.shards).toBe(data.shards.length);
        // Every name, installed or not, and a tenant that is no string at all.
        const hosts = ['a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example', 'g.example', 'unknown', ''];
        expect(decisions(sharded, hosts)).toEqual(decisions(whole, hosts));
        const odd = { tenant: 42 as unknown as string, plugin_id: 'p', method: 'GET', path: '/a' };
        expect(sharded.api(odd)).toEqual(whole.api(odd));
        expect(sharded.revision.data).toBe(whole.revision.data);
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('loads one shard per event-loop turn', async () => {
    const tenants = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((h) => [h, { paths: ['/a'], plugins: [], users: [] }]));
    let turns = 0;
    let done = false;
    const tick = (): void => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const engine = await createWasmEngine({ wasm, data: shardsOf(tenants, [1, 1, 1, 1, 1]) });
    done = true;
    expect(engine.shards).toBe(5);
    // Other callbacks ran between the shards: at least one turn before each shard after the first.
    expect(turns).toBeGreaterThanOrEqual(4);
  });

  it('is all or nothing: one shard that does not parse fails the load', async () => {
    const good = { tenants: ['a'], json: documentOf({ a: { paths: [], plugins: [], users: [] } }) };
    await expect(createWasmEngine({ wasm, data: { digest: 'x'.repeat(64), shards: [good, { tenants: ['b'], json: '{"registry":' }] } })).rejects.toMatchObject({
      code: 'policy_data_invalid',
    });
    await expect(createWasmEngine({ wasm, data: { digest: 'x'.repeat(64), shards: [] } })).rejects.toMatchObject({ code: 'policy_data_invalid' });
  });

  it('takes the shards as bytes as well as text, and names the revision by the whole document', async () => {
    const tenants = { a: { paths: ['/a'], plugins: [], users: [] }, b: { paths: ['/b'], plugins: [], users: [] } };
    const text = shardsOf(tenants, [1]);
    const bytes: EngineData = { digest: text.digest, shards: text.shards.map((s) => ({ tenants: s.tenants, json: new TextEncoder().encode(s.json as string) })) };
    const engine = await createWasmEngine({ wasm, data: bytes });
    expect(engine.api({ tenant: 'b', plugin_id: 'p', method: 'GET', path: '/b' }).allow).toBe(true);
    expect(engine.api({ tenant: 'a', plugin_id: 'p', method: 'GET', path: '/a' }).allow).toBe(true);
    expect(engine.api({ tenant: 'a', plugin_id: 'p', method: 'GET', path: '/b' })).toEqual({ allow: false, reason: 'not_allowed' });
    expect(engine.revision.data).toBe(text.digest.slice(0, 12));
  });

  it('keeps the serving engine\'s instances for shards with the same digest, and decides as a fresh engine (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(names, tenantData, { minKeys: 2, maxKeys: 6 }), names, tenantData, async (tenants, edited, data) => {
        const before = shardsOf(tenants, [1, 1, 1, 1, 1, 1]);
        const serving = await createWasmEngine({ wasm, data: before, cache: false });
        const next = { ...tenants, [edited]: data };
        const after = shardsOf(next, [1, 1, 1, 1, 1, 1]);
        const held = new Set(before.shards.map((s) => s.digest));
        // As the reload's build sends them: no bytes for a shard the serving engine holds.
        const sent: EngineData = { digest: after.digest, shards: after.shards.map((s) => (held.has(s.digest) ? { tenants: s.tenants, digest: s.digest } : s)) };
        const reloaded = await createWasmEngine({ wasm, data: sent, cache: false, previous: serving });
        const fresh = await createWasmEngine({ wasm, data: after, cache: false });
        expect(reloaded.loadedShards).toBe(after.shards.filter((s) => !held.has(s.digest)).length);
        const hosts = [...Object.keys(next), 'unknown', ''];
        expect(decisions(reloaded, hosts)).toEqual(decisions(fresh, hosts));
        // The serving engine still decides on what it had.
        expect(decisions(serving, Object.keys(tenants))).toEqual(decisions(await createWasmEngine({ wasm, data: before, cache: false }), Object.keys(tenants)));
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it('loads every shard again for another module, and refuses a shard without data that nothing holds', async () => {
    const tenants = { a: { paths: ['/a'], plugins: [], users: [] }, b: { paths: ['/b'], plugins: [], users: [] } };
    const data = shardsOf(tenants, [1]);
    const serving = await createWasmEngine({ wasm, data });
    const other = await buildWasm({ ...POLICIES, 'extra.rego': 'package experience.extra\n\nx := 1\n' }, [...Object.values(ENTRYPOINTS), ...Object.values(CATALOGUES).map((c) => c.entrypoint)]);
    const reloaded = await createWasmEngine({ wasm: other, data, previous: serving });
    expect(reloaded.loadedShards).toBe(2);
    const bare: EngineData = { digest: data.digest, shards: data.shards.map((s) => ({ tenants: s.tenants, digest: s.digest! })) };
    await expect(createWasmEngine({ wasm: other, data: bare, previous: serving })).rejects.toMatchObject({ code: 'policy_data_invalid' });
    await expect(createWasmEngine({ wasm, data: bare })).rejects.toMatchObject({ code: 'policy_data_invalid' });
    expect((await createWasmEngine({ wasm, data: bare, previous: serving })).loadedShards).toBe(0);
  }, 60_000);
});
