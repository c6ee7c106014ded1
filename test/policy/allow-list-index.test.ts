/**
 * The api and sse decisions look their candidates up in the indexes compileRegistry builds
 * (api_index, sse_index) instead of scanning the allow-lists. On generated allow-lists, long and
 * overlapping (parameters first, prefixes with one literal or none, duplicates, several methods):
 * - the Wasm decision equals `opa eval`'s, field by field;
 * - it names the first entry in file order that matches, as the explanation's diagnosis of every
 *   entry (a scan, not the index) finds it, and refuses exactly when no entry matches;
 * - the testkit's Rego builder (what the opa tests use) builds the index compileRegistry builds.
 * Seeded; `INDEX_SEED=<n>` explores other runs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileRegistry,
  dataDocumentJson,
  indexApi,
  indexSse,
  type ApiIndex,
  type ApiShape,
  type ApiPermission,
  type Registry,
  type RegistryPlugin,
} from '../../src/config/index.js';
import { ENTRYPOINTS, TOOL_ENTRYPOINTS, type ApiInput, type SseInput } from '../../src/engine/index.js';
import { generatedConfig, pluginWith } from '../support/generated-config.js';
import { OPA_BIN, opaEvalBatch } from '../support/opa.js';
import { apiRequests, sseRequests } from '../support/requests.js';

const run = promisify(execFile);
const SEED = Number(process.env.INDEX_SEED ?? 20261205);
const TENANT = 'index.example';

// ------------------------------------------------------------------ generated allow-lists

/** Few literals, so that templates overlap and a path often matches several entries. */
const LITERALS = ['api', 'orders', 'x', '42', 'Orders'];
const METHODS = ['GET', 'POST', 'DELETE'];

const template: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...LITERALS) }, { weight: 2, arbitrary: fc.constant(null) }), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([parts, prefix]) => `/${parts.map((p, i) => p ?? `{p${i}}`).join('/')}${prefix ? '/**' : ''}`);
const apiPermission: fc.Arbitrary<ApiPermission> = fc.record({ method: fc.constantFrom(...METHODS), path: template });
const ssePrefix = fc.array(fc.constantFrom('orders', 'order', 'created', 'eu'), { minLength: 1, maxLength: 3 }).map((s) => s.join('.'));

/** Plugins with allow-lists of 30 to 120 entries, and one with the benchmark's 100 realistic ones. */
const plugins = fc.array(
  // size 'max': without it fast-check keeps arrays near 10 elements whatever maxLength says.
  fc.tuple(fc.array(apiPermission, { minLength: 30, maxLength: 120, size: 'max' }), fc.array(ssePrefix, { maxLength: 40, size: 'max' })),
  { minLength: 8, maxLength: 8 },
);

function registryOf(lists: [ApiPermission[], string[]][]): Registry {
  const generated = lists.map(([api, sse], i) => pluginWith(`p${i}`, api, sse));
  const realistic = generatedConfig({ tenants: 1, plugins: 1, entries: 100 }).plugins.tenants['tenant0.example']!;
  const doc = compileRegistry({ tenants: { [TENANT]: [...generated, ...realistic] }, upstreams: [] }, { tenants: {} }, { hostVersion: '1.4.0' });
  return doc.registry;
}

/**
 * Requests around the entries (support/requests.ts); an entry's template with the same few literals
 * for its parameters and below a prefix, which other entries then often match too; and paths of
 * those literals in any order.
 */
function apiInputs(registry: Registry): ApiInput[] {
  const plugins = registry.tenants[TENANT]!.plugins;
  const ids = Object.keys(plugins);
  const value = fc.constantFrom(...LITERALS, 'zz');
  const entries = ids.flatMap((id) => plugins[id]!.api.map((e) => ({ id, e })));
  const rendered = fc
    .record({ source: fc.constantFrom(...entries), values: fc.array(value, { minLength: 4, maxLength: 4 }), tail: fc.array(value, { maxLength: 2 }) })
    .map(({ source: { id, e }, values, tail }) => ({
      tenant: TENANT,
      plugin_id: id,
      method: e.method,
      path: `/${[...e.segments.map((s, i) => ('literal' in s ? s.literal : values[i]!)), ...(e.prefix ? tail : [])].join('/')}`,
    }));
  const segment = fc.oneof({ weight: 8, arbitrary: value }, { weight: 1, arbitrary: fc.constantFrom('', '..', '%2F') });
  const mixed = fc.record({
    tenant: fc.constant(TENANT),
    plugin_id: fc.constantFrom(...ids),
    method: fc.constantFrom(...METHODS, 'get'),
    path: fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`),
  });
  return [
    ...fc.sample(apiRequests(registry), { numRuns: 1_000, seed: SEED }),
    ...fc.sample(rendered, { numRuns: 1_000, seed: SEED + 1 }),
    ...fc.sample(mixed, { numRuns: 1_000, seed: SEED + 2 }),
  ];
}

function sseInputs(registry: Registry): SseInput[] {
  const ids = Object.keys(registry.tenants[TENANT]!.plugins);
  const topic = fc.array(fc.constantFrom('orders', 'order', 'created', 'eu', 'x'), { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
  const mixed = fc.record({ tenant: fc.constant(TENANT), plugin_id: fc.constantFrom(...ids), topic });
  return [...fc.sample(sseRequests(registry), { numRuns: 400, seed: SEED }), ...fc.sample(mixed, { numRuns: 400, seed: SEED + 1 })];
}

// ------------------------------------------------------------------ evaluation

let registry: Registry;
let dataJson: string;
let policy: LoadedPolicy;

beforeAll(async () => {
  registry = registryOf(fc.sample(plugins, { numRuns: 1, seed: SEED })[0]!);
  dataJson = dataDocumentJson(registry);
  policy = await loadPolicy(await readFile('build/policy.wasm'), { initial: 16, maximum: 4096 });
  policy.setData(new TextEncoder().encode(dataJson).buffer);
});

const wasm = (entrypoint: string, input: unknown): unknown => (policy.evaluate(input, entrypoint) as { result: unknown }[])[0]?.result;

function differences(inputs: unknown[], a: unknown[], b: unknown[]): string[] {
  return inputs.flatMap((input, i) => (isDeepStrictEqual(a[i], b[i]) ? [] : [`${JSON.stringify(input)}\n  wasm ${JSON.stringify(a[i])}\n  opa  ${JSON.stringify(b[i])}`]));
}

const plugin = (id: unknown): RegistryPlugin | undefined => (typeof id === 'string' ? registry.tenants[TENANT]!.plugins[id] : undefined);

interface ApiExplanation {
  decision: { allow: boolean; reason: string; matched?: string };
  entries: { index: number; method: string; template: string; method_matches: boolean; path_matches: boolean }[];
}

interface SseExplanation {
  decision: { allow: boolean; reason: string; matched?: string };
  prefixes: { index: number; prefix: string; matches: boolean }[];
}

describe(`the indexed decisions on generated allow-lists (seed ${SEED})`, () => {
  it('has long allow-lists to decide on', () => {
    const lengths = Object.values(registry.tenants[TENANT]!.plugins).map((p) => p.api.length);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(30);
    expect(lengths.filter((n) => n >= 60).length).toBeGreaterThanOrEqual(4);
  });

  it('api: Wasm equals opa eval', async () => {
    const inputs = apiInputs(registry);
    const opaOut = await opaEvalBatch({ policyDir: 'policy', dataJson, entrypoint: ENTRYPOINTS.api, inputs });
    expect(differences(inputs, inputs.map((i) => wasm(ENTRYPOINTS.api, i)), opaOut).slice(0, 5)).toEqual([]);
  });

  it('api: the first entry in file order that matches, as a diagnosis of every entry finds it', () => {
    let later = 0;
    let several = 0;
    for (const input of apiInputs(registry)) {
      const { decision, entries } = wasm(TOOL_ENTRYPOINTS.explainApi, input) as ApiExplanation;
      const matching = entries.filter((e) => e.method_matches && e.path_matches);
      if (decision.allow) {
        expect(decision.matched, JSON.stringify(input)).toBe(`${matching[0]?.method} ${matching[0]?.template}`);
        if (matching[0]!.index > 0) later++;
        if (matching.length > 1) several++;
      } else {
        expect(matching, JSON.stringify(input)).toEqual([]);
      }
      // The explanation diagnoses the whole list (it does not use the index).
      if (decision.reason === 'allowed' || decision.reason === 'allowlist_violation') expect(entries).toHaveLength(plugin(input.plugin_id)!.api.length);
    }
    // The sample must exercise the order: matches past the first entry, and paths several entries match.
    expect(later).toBeGreaterThan(1_000);
    expect(several).toBeGreaterThan(500);
  });

  it('sse: Wasm equals opa eval', async () => {
    const inputs = sseInputs(registry);
    const opaOut = await opaEvalBatch({ policyDir: 'policy', dataJson, entrypoint: ENTRYPOINTS.sse, inputs });
    expect(differences(inputs, inputs.map((i) => wasm(ENTRYPOINTS.sse, i)), opaOut).slice(0, 5)).toEqual([]);
  });

  it('sse: the first prefix in file order that matches, as a diagnosis of every prefix finds it', () => {
    let several = 0;
    for (const input of sseInputs(registry)) {
      const { decision, prefixes } = wasm(TOOL_ENTRYPOINTS.explainSse, input) as SseExplanation;
      const matching = prefixes.filter((p) => p.matches);
      if (decision.allow) {
        expect(decision.matched, JSON.stringify(input)).toBe(matching[0]?.prefix);
        if (matching.length > 1) several++;
      } else {
        expect(matching, JSON.stringify(input)).toEqual([]);
      }
    }
    expect(several).toBeGreaterThan(50);
  });
});

// ------------------------------------------------------------------ the testkit's builder

/** Shapes in a canonical order: the lookup reads them in no order, so the builders may list them differently. */
function canonical(index: ApiIndex): ApiIndex {
  const signature = (s: ApiShape) => JSON.stringify([s.length, s.literals]);
  const sorted = (list: ApiShape[]) => [...list].sort((a, b) => (signature(a) < signature(b) ? -1 : 1));
  return Object.fromEntries(Object.entries(index).map(([m, { exact, prefix }]) => [m, { exact: exact.map(sorted), prefix: sorted(prefix) }]));
}

/** Evaluates the testkit's builders (a _test.rego file, so not in the Wasm build) with `opa eval`. */
async function testkitIndexes(lists: { api: unknown[]; sse: unknown[] }[]): Promise<{ api: ApiIndex; sse: unknown }[]> {
  const dir = await mkdtemp(join(tmpdir(), 'xp-index-'));
  await writeFile(join(dir, 'input.json'), JSON.stringify(lists));
  const query = 'out := [{"api": t.api_index(x.api), "sse": t.sse_index(x.sse)} | some x in input]';
  const { stdout } = await run(
    OPA_BIN,
    ['eval', '--format', 'json', '--ignore', 'capabilities.json', '-d', 'policy', '-i', join(dir, 'input.json'), '--import', 'data.experience.testkit_test as t', query],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return (JSON.parse(stdout) as { result: { bindings: { out: { api: ApiIndex; sse: unknown }[] } }[] }).result[0]!.bindings.out;
}

describe('the testkit builds the index compileRegistry builds', () => {
  it('for generated allow-lists', async () => {
    const lists = fc.sample(plugins, { numRuns: 6, seed: SEED + 2 }).flatMap((ps) => Object.values(registryOf(ps).tenants[TENANT]!.plugins));
    const rego = await testkitIndexes(lists.map((p) => ({ api: p.api, sse: p.sse })));
    lists.forEach((p, i) => {
      expect(canonical(rego[i]!.api)).toEqual(canonical(indexApi(p.api)));
      expect(rego[i]!.sse).toEqual(indexSse(p.sse));
      expect(p.api_index).toEqual(indexApi(p.api));
    });
  });
});
