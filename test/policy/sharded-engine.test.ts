/**
 * The BFF's engine holds the data in shards by tenant (a Wasm instance each); the CLI's and the
 * differential test's hold the whole document. For the real policy, on the default config and on
 * a generated one of many tenants, both must decide every generated request identically, with the
 * smallest shards (a tenant each) and with several tenants to a shard. Seeded like the
 * differential test; `DIFF_SEED=<n>` explores other runs.
 */
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataDocumentJson, defaultHostVersion, loadConfigFiles, shardDataDocument, type Registry } from '../../src/config/index.js';
import { createWasmEngine, type WasmEngine } from '../../src/engine/index.js';
import { apiRequests, sseRequests } from '../support/requests.js';
import { writeScaleConfig } from '../support/scale-config.js';

const SEED = Number(process.env.DIFF_SEED ?? 20261121);

let wasm: Uint8Array;
beforeAll(async () => {
  wasm = await readFile('build/policy.wasm');
});

async function registryOf(files: { pluginsFile: string; grantsFile: string }): Promise<Registry> {
  return (await loadConfigFiles({ ...files, mode: 'production', hostVersion: defaultHostVersion() })).registry;
}

function requests(registry: Registry) {
  const tenants = [...Object.keys(registry.tenants), 'unknown.example', ''];
  const users = ['alice', 'bob', 'carol', 'u0', 'u3'];
  const roleSets = [[], ['member'], ['dashboard-user'], ['member', 'dashboard-user', 'admin']];
  const contributions = tenants.flatMap((tenant) => users.flatMap((id) => roleSets.map((roles) => ({ tenant, user: { id, roles } }))));
  const resources = ['plugin.route', 'plugin.widget', 'orders.page', 'p0.page', 'nothing'];
  const authz = contributions.flatMap(({ tenant, user }) => resources.map((resource) => ({ tenant, subject: user, resource, action: 'view' })));
  return {
    api: fc.sample(apiRequests(registry), { numRuns: 1_500, seed: SEED }),
    sse: fc.sample(sseRequests(registry), { numRuns: 400, seed: SEED }),
    contributions,
    authz,
  };
}

function decideAll(engine: WasmEngine, r: ReturnType<typeof requests>): unknown[] {
  return [
    ...r.api.map((i) => engine.api(i)),
    ...r.sse.map((i) => engine.sse(i)),
    ...r.contributions.map((i) => engine.contributions(i)),
    ...r.authz.map((i) => engine.authz(i)),
  ];
}

async function expectSameDecisions(registry: Registry, maxShardBytes: number, minShards: number): Promise<void> {
  const whole = await createWasmEngine({ wasm, dataJson: dataDocumentJson(registry), cache: false });
  const data = shardDataDocument(registry, { maxShardBytes });
  const sharded = await createWasmEngine({ wasm, data, cache: false });
  expect(sharded.shards).toBeGreaterThanOrEqual(minShards);
  const r = requests(registry);
  const expected = decideAll(whole, r);
  const actual = decideAll(sharded, r);
  const differences = actual.flatMap((d, i) => (JSON.stringify(d) === JSON.stringify(expected[i]) ? [] : [{ i, sharded: d, whole: expected[i] }]));
  expect(differences.slice(0, 5)).toEqual([]);
  // The sample must reach allows and denies alike, or it proves little.
  expect(new Set(actual.map((d) => JSON.stringify(d))).size).toBeGreaterThan(10);
  expect(sharded.revision).toMatchObject({ data: whole.revision.data, policy: whole.revision.policy });
}

describe(`an engine on data shards decides as one on the whole document (seed ${SEED})`, () => {
  it('the default config, a tenant to a shard', async () => {
    const registry = await registryOf({ pluginsFile: 'config/plugins.yaml', grantsFile: 'config/grants.yaml' });
    await expectSameDecisions(registry, 1, Object.keys(registry.tenants).length);
  });

  it('a generated config of 40 tenants, a tenant to a shard and several to a shard', async () => {
    const files = await writeScaleConfig({ tenants: 40, plugins: 3, entries: 4 });
    const registry = await registryOf(files);
    await expectSameDecisions(registry, 1, 40);
    await expectSameDecisions(registry, 16 * 1024, 3);
  });
});
