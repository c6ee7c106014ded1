/**
 * Differential test of what the CLI asks: the explanation and relation entrypoints must answer the
 * same in the Wasm build as in OPA's own evaluator (`opa eval`), for generated requests (allowed
 * ones and near misses) and generated relation questions. Seeded; `DIFF_SEED=<n>` explores others.
 */
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { templatePattern } from '../../src/cli/commands/harness/source-scan.js';
import { compileApiPermission, compileSsePermission, type Registry, type RegistryApiEntry } from '../../src/config/index.js';
import { TOOL_ENTRYPOINTS } from '../../src/engine/index.js';
import { defaultData } from '../support/default-data.js';
import { opaEvalBatch } from '../support/opa.js';
import { apiRequests, sseRequests } from '../support/requests.js';

const SEED = Number(process.env.DIFF_SEED ?? 20261121);

let dataJson: string;
let registry: Registry;
let wasm: Uint8Array;

beforeAll(async () => {
  ({ dataJson, registry } = await defaultData());
  wasm = await readFile('build/policy.wasm');
});

async function compareBoth(entrypoint: string, inputs: unknown[], data = dataJson): Promise<unknown[]> {
  const policy = await loadPolicy(wasm, { initial: 16, maximum: 4096 });
  policy.setData(JSON.parse(data) as object);
  const wasmOut = inputs.map((input) => (policy.evaluate(input, entrypoint) as { result: unknown }[])[0]?.result);
  const opaOut = await opaEvalBatch({ policyDir: 'policy', dataJson: data, entrypoint, inputs });
  const differ = inputs.flatMap((input, i) =>
    isDeepStrictEqual(wasmOut[i], opaOut[i]) ? [] : [`input ${JSON.stringify(input)}\n  wasm ${JSON.stringify(wasmOut[i])}\n  opa  ${JSON.stringify(opaOut[i])}`],
  );
  expect(differ.slice(0, 3)).toEqual([]);
  // Every input has an answer: an undefined explanation would be no explanation at all.
  expect(wasmOut.filter((o) => o === undefined)).toEqual([]);
  return opaOut;
}

const entry = (method: string, path: string): RegistryApiEntry => {
  const compiled = compileApiPermission({ method, path });
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.value;
};

describe(`explanations and relations: Wasm equals opa eval (seed ${SEED})`, () => {
  it('api explanations of 600 generated requests', async () => {
    const out = await compareBoth(TOOL_ENTRYPOINTS.explainApi, fc.sample(apiRequests(registry), { numRuns: 600, seed: SEED }));
    const kinds = new Set(out.flatMap((o) => (o as { entries: { difference?: { kind: string } }[] }).entries.map((e) => e.difference?.kind ?? 'match')));
    for (const k of ['match', 'template_ended', 'path_ended', 'literal_differs', 'look_alike', 'case_differs', 'method_differs']) expect(kinds).toContain(k);
  });

  it('sse explanations of 300 generated subscriptions', async () => {
    await compareBoth(TOOL_ENTRYPOINTS.explainSse, fc.sample(sseRequests(registry), { numRuns: 300, seed: SEED }));
  });

  it('contributions and authz explanations for role combinations', async () => {
    const tenants = [...Object.keys(registry.tenants), 'unknown.example'];
    const roleSets = [[], ['member'], ['dashboard-user'], ['member', 'dashboard-user', 'admin']];
    const contributions = tenants.flatMap((tenant) => ['alice', 'carol'].flatMap((id) => roleSets.map((roles) => ({ tenant, user: { id, roles } }))));
    const authz = contributions.flatMap(({ tenant, user }) => ['plugin.widget', 'orders.page', 'x'].map((resource) => ({ tenant, subject: user, resource, action: 'view' })));
    await compareBoth(TOOL_ENTRYPOINTS.explainContributions, contributions);
    await compareBoth(TOOL_ENTRYPOINTS.explainAuthz, authz);
  });

  it('relations on generated entries, paths and topics', async () => {
    const templates = ['/api/orders', '/api/orders/{id}', '/api/{kind}/{id}', '/api/orders/**', '/api/**', '/api/Orders/x'];
    const api = fc.constantFrom(...templates.flatMap((t) => [entry('GET', t), entry('POST', t)]));
    const sse = fc.constantFrom('orders', 'orders.created', 'order', 'eu.orders').map(compileSsePermission);
    const lists = <T>(item: fc.Arbitrary<T>, n: number) => fc.record({ outer: fc.array(item, { maxLength: n }), inner: fc.array(item, { maxLength: n }) });
    const covers = fc.sample(fc.record({ api: lists(api, 3), sse: lists(sse, 2) }), { numRuns: 150, seed: SEED });
    const piece = fc.constantFrom('api', 'orders', 'Orders', '42', '', '..', '%2F', null);
    const path = fc.array(fc.array(piece, { minLength: 1, maxLength: 2 }), { maxLength: 4 }).map((segments) => templatePattern(segments.flatMap((s) => ['/', ...s])));
    const declared = fc.sample(
      fc.record({
        api: fc.array(api, { maxLength: 3 }),
        sse: fc.array(sse, { maxLength: 2 }),
        paths: fc.array(fc.record({ method: fc.constantFrom('GET', 'POST', null), pattern: path }), { maxLength: 3 }),
        topics: fc.array(fc.constantFrom('orders', 'orders.x', 'ordersx', 'orders..x', '', 'Orders'), { maxLength: 3 }),
      }),
      { numRuns: 150, seed: SEED },
    );
    const grant = fc.record({ resource: fc.constantFrom('plugin.widget', '*', 'x'), action: fc.constantFrom('view', '*') });
    const granted = fc.sample(
      fc.record({
        grants: fc.record({ roles: fc.dictionary(fc.constantFrom('a', 'b'), fc.array(grant, { maxLength: 2 })), users: fc.dictionary(fc.constantFrom('u'), fc.array(grant, { maxLength: 2 })) }),
        wanted: fc.array(fc.record({ resource: fc.constantFrom('plugin.widget', 'y'), action: fc.constantFrom('view', 'edit') }), { maxLength: 3 }),
      }),
      { numRuns: 100, seed: SEED },
    );
    await compareBoth(TOOL_ENTRYPOINTS.covers, covers, '{}');
    await compareBoth(TOOL_ENTRYPOINTS.declared, declared, '{}');
    await compareBoth(TOOL_ENTRYPOINTS.granted, granted, '{}');
  });
});
