/**
 * Differential test: for thousands of generated requests (allowed ones and near-misses), the
 * in-process Wasm decision must equal what OPA's own evaluator (`opa eval`) returns for the same
 * policy source, data and input. Seeded for reproducibility; `DIFF_SEED=<n>` explores other runs.
 */
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataDocumentJson, defaultHostVersion, loadConfigFiles } from '../../src/config/index.js';
import { createWasmEngine, ENTRYPOINTS, type WasmEngine } from '../../src/engine/index.js';
import { opaEvalBatch } from '../support/opa.js';
import { apiRequests, sseRequests } from '../support/requests.js';

const SEED = Number(process.env.DIFF_SEED ?? 20261121);
const API_RUNS = 2_500;
const SSE_RUNS = 600;

let dataJson: string;
let registry: Parameters<typeof apiRequests>[0];
let wasm: Uint8Array;
let engine: WasmEngine;

beforeAll(async () => {
  const loaded = await loadConfigFiles({
    pluginsFile: 'config/plugins.yaml',
    grantsFile: 'config/grants.yaml',
    mode: 'production',
    hostVersion: await defaultHostVersion(),
  });
  dataJson = dataDocumentJson(loaded.registry);
  registry = loaded.registry;
  wasm = await readFile('build/policy.wasm');
  engine = await createWasmEngine({ wasm, dataJson, cache: false });
});

/** Raw Wasm results (no engine post-processing), so any difference in any field shows. */
async function rawWasm(entrypoint: string, inputs: unknown[]): Promise<unknown[]> {
  const policy = await loadPolicy(wasm, { initial: 16, maximum: 4096 });
  policy.setData(JSON.parse(dataJson) as object);
  return inputs.map((input) => (policy.evaluate(input, entrypoint) as { result: unknown }[])[0]?.result);
}

/** Decides `inputs` both ways, expects no difference, and returns OPA's decisions. */
async function compareBoth(entrypoint: string, inputs: unknown[]): Promise<unknown[]> {
  const [wasmOut, opaOut] = await Promise.all([
    rawWasm(entrypoint, inputs),
    opaEvalBatch({ policyDir: 'policy', dataJson, entrypoint, inputs }),
  ]);
  expect(mismatches(inputs, wasmOut, opaOut).slice(0, 5)).toEqual([]);
  return opaOut;
}

function mismatches(inputs: unknown[], wasmOut: unknown[], opaOut: unknown[]): string[] {
  const out: string[] = [];
  inputs.forEach((input, i) => {
    // Structural: Wasm and opa eval serialise object keys in different orders.
    if (!isDeepStrictEqual(wasmOut[i], opaOut[i])) {
      out.push(`input ${JSON.stringify(input)}\n  wasm ${JSON.stringify(wasmOut[i])}\n  opa  ${JSON.stringify(opaOut[i])}`);
    }
  });
  return out;
}

describe(`Wasm decisions equal opa eval (seed ${SEED})`, () => {
  it(`API: ${API_RUNS} generated requests`, async () => {
    const inputs = fc.sample(apiRequests(registry), { numRuns: API_RUNS, seed: SEED });
    const opaOut = await compareBoth(ENTRYPOINTS.api, inputs);
    // The engine's typed decision carries the same verdict as OPA's.
    inputs.forEach((input, i) => {
      const d = engine.api(input);
      const o = opaOut[i] as { allow: boolean; reason: string };
      expect({ allow: d.allow, reason: d.reason }).toEqual({ allow: o.allow, reason: o.reason });
    });
    // The sample must exercise both outcomes and the near-miss reasons, or it proves little.
    const reasons = new Set(opaOut.map((o) => (o as { reason: string }).reason));
    for (const r of ['allowed', 'not_allowed', 'malformed_path', 'unknown_plugin', 'missing_plugin_id', 'unknown_tenant']) {
      expect(reasons, `no generated request was decided '${r}'`).toContain(r);
    }
  });

  it(`SSE: ${SSE_RUNS} generated topics`, async () => {
    const inputs = fc.sample(sseRequests(registry), { numRuns: SSE_RUNS, seed: SEED });
    const opaOut = await compareBoth(ENTRYPOINTS.sse, inputs);
    const reasons = new Set(opaOut.map((o) => (o as { reason: string }).reason));
    for (const r of ['allowed', 'not_allowed', 'malformed_topic']) expect(reasons).toContain(r);
  });

  it('contributions and authz for every role combination of every tenant', async () => {
    const tenants = [...Object.keys(registry.tenants), 'unknown.example'];
    const roles = ['member', 'dashboard-user', 'admin'];
    const roleSets = [[], ...roles.map((r) => [r]), roles];
    const users = ['alice', 'bob', 'carol'];
    const contributions = tenants.flatMap((tenant) =>
      users.flatMap((id) => roleSets.map((r) => ({ tenant, user: { id, roles: r } }))),
    );
    const resources = ['plugin.route', 'plugin.widget', 'orders.page', 'orders.widget', 'nothing'];
    const authz = contributions.flatMap(({ tenant, user }) =>
      resources.flatMap((resource) => ['view', 'edit'].map((action) => ({ tenant, subject: user, resource, action }))),
    );
    await compareBoth(ENTRYPOINTS.contributions, contributions);
    await compareBoth(ENTRYPOINTS.authz, authz);
  });
});
