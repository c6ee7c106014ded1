/**
 * `diff` against the decisions: on generated pairs of configs (allow-lists, topic prefixes and
 * grants, the new one often derived from the old), whenever diff reports no widening, no request
 * the new config allows is refused by the old one, decided by build/policy.wasm as the BFF decides
 * (api, sse and authz entrypoints over compileRegistry's data). And when it reports a widening of
 * an allow-list or a grant, the generated requests usually show one (checked in aggregate: a
 * widening with no generated witness is possible, the requests being a sample).
 * Seeded; `DIFF_WIDENING_SEED=<n>` explores other runs.
 */
import { readFile } from 'node:fs/promises';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffConfigs, diffGrants, type DiffChange } from '../../src/cli/commands/diff/index.js';
import { parseYamlDoc } from '../../src/cli/shared/index.js';
import { compileRegistry, dataDocumentJson, parseGrants, parsePluginsConfig, type GrantsConfig, type PluginsConfig } from '../../src/config/index.js';
import { createPolicyTools, ENTRYPOINTS, type PolicyTools } from '../../src/engine/index.js';
import { pluginEntry, pluginsYaml } from '../cli/support.js';

const SEED = Number(process.env.DIFF_WIDENING_SEED ?? 20261201);
const RUNS = 250;

let tools: PolicyTools;
let policy: LoadedPolicy;
beforeAll(async () => {
  const wasm = await readFile('build/policy.wasm');
  tools = await createPolicyTools({ wasm });
  policy = await loadPolicy(wasm, { initial: 16, maximum: 4096 });
});

// ------------------------------------------------------------------ generators

const LITERALS = ['api', 'orders', '7'];
const METHODS = ['GET', 'POST'];

/** An allow-list entry as plugins.yaml writes it: literals and parameters, maybe a prefix. */
const apiEntry: fc.Arbitrary<[string, string]> = fc
  .tuple(fc.constantFrom(...METHODS), fc.array(fc.oneof(fc.constantFrom(...LITERALS), fc.constant('')), { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([method, raw, prefix]) => [method, `/${raw.map((s, i) => s || `{p${i}}`).join('/')}${prefix ? '/**' : ''}`]);
const topicPrefix = fc.array(fc.constantFrom('orders', 'created', 'eu'), { minLength: 1, maxLength: 3 }).map((s) => s.join('.'));
const GRANT_VALUES = { resource: ['plugin.route', 'orders.page', '*'], action: ['view', 'edit', '*'] };
const grant = fc.tuple(fc.constantFrom(...GRANT_VALUES.resource), fc.constantFrom(...GRANT_VALUES.action));
const SUBJECTS = ['role member', 'role admin', 'user carol'] as const;

interface Lists {
  api: [string, string][];
  sse: string[];
  grants: Record<(typeof SUBJECTS)[number], [string, string][]>;
}

const uniqueBy = <T>(items: T[], key: (t: T) => string) => [...new Map(items.map((t) => [key(t), t])).values()];

const lists: fc.Arbitrary<Lists> = fc.record({
  api: fc.array(apiEntry, { maxLength: 4 }).map((a) => uniqueBy(a, (e) => e.join(' '))),
  sse: fc.array(topicPrefix, { maxLength: 3 }).map((t) => [...new Set(t)]),
  grants: fc.record({ 'role member': fc.array(grant, { maxLength: 3 }), 'role admin': fc.array(grant, { maxLength: 2 }), 'user carol': fc.array(grant, { maxLength: 2 }) }),
});

/** Mostly nothing, else up to `max` items. */
const sometimes = <T>(item: fc.Arbitrary<T>, max: number): fc.Arbitrary<T[]> => fc.oneof({ weight: 2, arbitrary: fc.constant<T[]>([]) }, { weight: 1, arbitrary: fc.array(item, { minLength: 1, maxLength: max }) });

/** The new lists: a part of the old ones, often with an entry or two added (covered by the old ones or not). */
const successor = (old: Lists): fc.Arbitrary<Lists> =>
  fc
    .tuple(fc.subarray(old.api), sometimes(apiEntry, 2), fc.subarray(old.sse), sometimes(topicPrefix, 1), fc.constantFrom(...SUBJECTS), sometimes(grant, 2))
    .map(([api, moreApi, sse, moreSse, subject, moreGrants]) => ({
      api: uniqueBy([...api, ...moreApi], (e) => e.join(' ')),
      sse: [...new Set([...sse, ...moreSse])],
      grants: { ...old.grants, [subject]: [...old.grants[subject], ...moreGrants] },
    }));

const pair = lists.chain((old) => fc.tuple(fc.constant(old), fc.oneof({ weight: 3, arbitrary: successor(old) }, { weight: 1, arbitrary: lists })));

// ------------------------------------------------------------------ configs and decisions

function grantsYaml(g: Lists['grants']): string {
  const list = (items: [string, string][]) => (items.length === 0 ? ' []' : items.map(([r, a]) => `\n        - { resource: "${r}", action: "${a}" }`).join(''));
  return `tenants:\n  t.example:\n    roles:\n      member:${list(g['role member'])}\n      admin:${list(g['role admin'])}\n    users:\n      carol:${list(g['user carol'])}\n`;
}

function sides(l: Lists, file: string) {
  const pluginsText = pluginsYaml({ 't.example': [pluginEntry({ id: 'p', api: l.api, sse: l.sse })] });
  const plugins = parsePluginsConfig(pluginsText, { file, mode: 'test', requireIntegrity: false });
  const grantsText = grantsYaml(l.grants);
  const grants = parseGrants(grantsText, { file: `${file}-grants` });
  // A generated config the loader refuses is a fault of the generator, never skipped silently.
  if (!plugins.ok) throw new Error(`generated plugins.yaml refused: ${JSON.stringify(plugins.issues)}\n${pluginsText}`);
  if (!grants.ok) throw new Error(`generated grants.yaml refused: ${JSON.stringify(grants.issues)}\n${grantsText}`);
  return {
    plugins: { config: plugins.value, file, doc: parseYamlDoc(pluginsText) },
    grants: { config: grants.value, file: `${file}-grants`, doc: parseYamlDoc(grantsText) },
  };
}

function decide(plugins: PluginsConfig, grants: GrantsConfig, entrypoint: string, inputs: readonly object[]): boolean[] {
  policy.setData(JSON.parse(dataDocumentJson(compileRegistry(plugins, grants, { hostVersion: '1.4.0' }).registry)) as object);
  return inputs.map((input) => ((policy.evaluate({ tenant: 't.example', ...input }, entrypoint) as { result: { allow: boolean } }[])[0]?.result.allow ?? false));
}

const PATH_SEGMENTS = [...LITERALS, 'zz'];
/** Every request shape the generated entries can tell apart: paths of up to 4 segments, each method. */
const API_REQUESTS = ((): object[] => {
  const paths: string[][] = [[]];
  for (let n = 0; n < 4; n++) for (const p of paths.filter((x) => x.length === n)) for (const s of PATH_SEGMENTS) paths.push([...p, s]);
  return METHODS.flatMap((method) => paths.map((p) => ({ plugin_id: 'p', method, path: `/${p.join('/')}` })));
})();
const TOPICS = ['orders', 'orders.created', 'orders.created.eu', 'orders.eu', 'created', 'created.eu', 'eu', 'eu.orders', 'zz'].map((topic) => ({ plugin_id: 'p', topic }));
const AUTHZ = ['carol', 'dave'].flatMap((id) =>
  [[], ['member'], ['admin'], ['member', 'admin']].flatMap((roles) =>
    ['plugin.route', 'orders.page', 'zz'].flatMap((resource) => ['view', 'edit', 'zz'].map((action) => ({ subject: { id, roles }, resource, action }))),
  ),
);
const KINDS = [
  [ENTRYPOINTS.api, API_REQUESTS],
  [ENTRYPOINTS.sse, TOPICS],
  [ENTRYPOINTS.authz, AUTHZ],
] as const;

/** The requests the new config allows and the old refuses. */
function escalations(before: ReturnType<typeof sides>, after: ReturnType<typeof sides>): object[] {
  return KINDS.flatMap(([entrypoint, inputs]) => {
    const was = decide(before.plugins.config, before.grants.config, entrypoint, inputs);
    const now = decide(after.plugins.config, after.grants.config, entrypoint, inputs);
    return inputs.filter((_, i) => now[i] && !was[i]);
  });
}

describe(`diff never says "no widening" when the new config allows more (seed ${SEED})`, () => {
  it('no reported widening: every request the new config allows, the old allows too', () => {
    const seen = { quiet: 0, widened: 0, witnessed: 0 };
    fc.assert(
      fc.property(pair, ([oldLists, newLists]) => {
        const before = sides(oldLists, 'old.yaml');
        const after = sides(newLists, 'new.yaml');
        const changes: DiffChange[] = [...diffConfigs(before.plugins, after.plugins, '1.4.0', tools), ...diffGrants(before.grants, after.grants, tools)];
        const more = escalations(before, after);
        if (changes.some((c) => c.widening)) {
          seen.widened++;
          if (more.length > 0) seen.witnessed++;
          return;
        }
        seen.quiet++;
        expect(more, `diff reported no widening, yet the new config allows these:\n${JSON.stringify(changes)}`).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.info(`diff-no-widening: ${JSON.stringify(seen)}`);
    // Both branches must be exercised, and a reported widening must mostly be a real one.
    expect(seen.quiet).toBeGreaterThan(RUNS / 5);
    expect(seen.widened).toBeGreaterThan(RUNS / 5);
    expect(seen.witnessed).toBeGreaterThan(seen.widened * 0.8);
  });
});
