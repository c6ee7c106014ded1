/**
 * The relations the CLI asks (experience/tooling/*, lib/relations) against the decisions the BFF
 * asks, on generated allow-list entries, paths, topics and grants, all in build/policy.wasm:
 * - covers (diff): when A covers B, no request B admits is refused by A; when it does not, one is.
 * - declared (harness): a literal path is "declared" exactly when the api decision allows it,
 *   "malformed" exactly when it says malformed_path; a computed one is "declared" only when every
 *   value is allowed, "undeclared" only when none is.
 * - granted (validate): someone is granted a resource/action exactly when some role or user of
 *   the tenant gets an authz allow for it.
 * Seeded; `RELATIONS_SEED=<n>` explores other runs.
 */
import { readFile } from 'node:fs/promises';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { templatePattern } from '../../src/cli/commands/harness/source-scan.js';
import {
  dataDocumentJson,
  indexApi,
  indexSse,
  type Grant,
  type RegistryApiEntry,
  type RegistryGrants,
  type RegistrySseEntry,
  type RegistryTenant,
  type TemplateSegment,
} from '../../src/config/index.js';
import { createPolicyTools, ENTRYPOINTS, type PathPatternSegment, type PolicyTools } from '../../src/engine/index.js';

const SEED = Number(process.env.RELATIONS_SEED ?? 20261201);
const RUNS = { numRuns: 300, seed: SEED };

let tools: PolicyTools;
let decisions: LoadedPolicy;

beforeAll(async () => {
  const wasm = await readFile('build/policy.wasm');
  tools = await createPolicyTools({ wasm });
  decisions = await loadPolicy(wasm, { initial: 16, maximum: 4096 });
});

// ------------------------------------------------------------------ generators

const LITERALS = ['api', 'orders', 'x', '42', 'Orders', 'order'];
/** A value no generated literal equals: only a parameter admits it. */
const OTHER = 'zz';
const METHODS = ['GET', 'POST'];

const templateSegment: fc.Arbitrary<TemplateSegment> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...LITERALS).map((literal) => ({ literal })) },
  { weight: 2, arbitrary: fc.constant({ param: 'p' }) },
);

/** A compiled entry as data.registry holds it (params renamed so the template is a valid one). */
const apiEntry: fc.Arbitrary<RegistryApiEntry> = fc
  .tuple(fc.constantFrom(...METHODS), fc.array(templateSegment, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([method, raw, prefix]) => {
    const segments = raw.map((s, i) => ('param' in s ? { param: `p${i}` } : s));
    const text = segments.map((s) => ('param' in s ? `{${s.param}}` : s.literal)).join('/');
    return { method, prefix, segments, template: `/${text}${prefix ? '/**' : ''}` };
  });

const pathSegment = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...LITERALS, OTHER) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', '%2F', 'a%2eb', '..;x') },
);
const literalPath = fc.array(pathSegment, { minLength: 0, maxLength: 5 }).map((parts) => `/${parts.join('/')}`);

/** Paths near what `entry` admits: its template with values for its parameters, and more below a prefix. */
const pathsOf = (entry: RegistryApiEntry): fc.Arbitrary<string> =>
  fc
    .tuple(fc.array(pathSegment, { minLength: 3, maxLength: 3 }), fc.array(pathSegment, { maxLength: 3 }))
    .map(([values, tail]) => `/${[...entry.segments.map((s, i) => ('literal' in s ? s.literal : values[i] ?? OTHER)), ...(entry.prefix ? tail : [])].join('/')}`);

/** An entry made from `entry` by turning literals into parameters and maybe cutting it into a prefix: often a cover. */
const widened = (entry: RegistryApiEntry): fc.Arbitrary<RegistryApiEntry> =>
  fc
    .tuple(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.integer({ min: 1, max: entry.segments.length }), fc.boolean())
    .map(([params, keep, cut]) => {
      const n = cut ? keep : entry.segments.length;
      const segments = entry.segments.slice(0, n).map((s, i) => (params[i] ? { param: `p${i}` } : s));
      const prefix = cut || entry.prefix;
      const text = segments.map((s) => ('param' in s ? `{${s.param}}` : s.literal)).join('/');
      return { method: entry.method, prefix, segments, template: `/${text}${prefix ? '/**' : ''}` };
    });

/** Two entries (random, or the outer widened from the inner) and a path: random, or near what one admits. */
const pairAndPath = apiEntry
  .chain((inner) => fc.tuple(fc.oneof(apiEntry, widened(inner)), fc.constant(inner)))
  .chain(([outer, inner]) => fc.tuple(fc.constant(outer), fc.constant(inner), fc.oneof(literalPath, pathsOf(inner), pathsOf(outer))));

const sseEntry: fc.Arbitrary<RegistrySseEntry> = fc
  .array(fc.constantFrom('orders', 'order', 'created', 'eu'), { minLength: 1, maxLength: 3 })
  .map((segments) => ({ prefix: segments.join('.'), segments }));

const topic = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.constantFrom('orders', 'order', 'created', 'eu', 'x'), { minLength: 1, maxLength: 4 }).map((s) => s.join('.')) },
  { weight: 1, arbitrary: fc.constantFrom('', 'orders.', '.orders', 'orders..x', 'orders created', 'ördérs') },
);

// ------------------------------------------------------------------ decisions

/** Sets the decisions' data: the document the BFF builds (dataDocumentJson) for one tenant `t`. */
function setTenant(tenant: RegistryTenant): void {
  decisions.setData(new TextEncoder().encode(dataDocumentJson({ host_version: '1.4.0', tenants: { t: tenant } })).buffer);
}

/** The api decision for a plugin whose allow-list is `entries` (the registry as compileRegistry shapes it, index included). */
function apiAllows(entries: readonly RegistryApiEntry[], method: string, path: string): { allow: boolean; reason: string } {
  const plugin = { id: 'p', version: '1.0.0', compatible: true, api: [...entries], api_index: indexApi(entries), sse: [], sse_index: {}, routes: [], widgets: [] };
  setTenant({ plugins: { p: plugin }, grants: { roles: {}, users: {} } });
  const out = decisions.evaluate({ tenant: 't', plugin_id: 'p', method, path }, ENTRYPOINTS.api) as { result: { allow: boolean; reason: string } }[];
  return out[0]!.result;
}

function sseAllows(entries: readonly RegistrySseEntry[], t: string): { allow: boolean; reason: string } {
  const plugin = { id: 'p', version: '1.0.0', compatible: true, api: [], api_index: {}, sse: [...entries], sse_index: indexSse(entries), routes: [], widgets: [] };
  setTenant({ plugins: { p: plugin }, grants: { roles: {}, users: {} } });
  const out = decisions.evaluate({ tenant: 't', plugin_id: 'p', topic: t }, ENTRYPOINTS.sse) as { result: { allow: boolean; reason: string } }[];
  return out[0]!.result;
}

function authzAllows(grants: RegistryGrants, subject: { id: string; roles: string[] }, resource: string, action: string): boolean {
  setTenant({ plugins: {}, grants });
  const out = decisions.evaluate({ tenant: 't', subject, resource, action }, ENTRYPOINTS.authz) as { result: { allow: boolean } }[];
  return out[0]!.result.allow;
}

const covers = (outer: RegistryApiEntry, inner: RegistryApiEntry): boolean => tools.covers({ api: { outer: [outer], inner: [inner] } }).api.length === 1;

/** Paths `inner` admits (every parameter and extension `OTHER`), as long as `outer` needs to be refused by length. */
function witnesses(outer: RegistryApiEntry, inner: RegistryApiEntry): string[] {
  const base = inner.segments.map((s) => ('literal' in s ? s.literal : OTHER));
  const extra = inner.prefix ? Math.max(0, outer.segments.length - inner.segments.length) + 1 : 0;
  return Array.from({ length: extra + 1 }, (_, n) => `/${[...base, ...Array<string>(n).fill(OTHER)].join('/')}`);
}

// ------------------------------------------------------------------ properties

describe(`relations agree with the decisions (seed ${SEED})`, () => {
  it('covers (api): what the inner entry admits, a covering outer entry admits too', () => {
    let admitted = 0;
    fc.assert(
      fc.property(pairAndPath, ([outer, inner, path]) => {
        const method = inner.method;
        if (!covers(outer, inner) || !apiAllows([inner], method, path).allow) return;
        admitted++;
        expect(apiAllows([outer], method, path), `${outer.method} ${outer.template} covers ${inner.method} ${inner.template}`).toMatchObject({ allow: true });
      }),
      { ...RUNS, numRuns: 1000 },
    );
    // The property must be exercised: covered pairs with a request the inner entry admits.
    expect(admitted).toBeGreaterThan(50);
  });

  it('covers (api): an entry it does not cover admits some request it refuses', () => {
    let uncovered = 0;
    fc.assert(
      fc.property(pairAndPath, ([outer, inner]) => {
        if (covers(outer, inner)) return;
        uncovered++;
        const witness = witnesses(outer, inner).find((p) => apiAllows([inner], inner.method, p).allow && !apiAllows([outer], inner.method, p).allow);
        expect(witness, `no request of ${inner.method} ${inner.template} that ${outer.method} ${outer.template} refuses`).toBeDefined();
      }),
      RUNS,
    );
    expect(uncovered).toBeGreaterThan(RUNS.numRuns / 4);
  });

  it('covers (api): answers every pair of two lists at once, the same as pair by pair', () => {
    fc.assert(
      fc.property(fc.array(apiEntry, { maxLength: 4 }), fc.array(apiEntry, { maxLength: 4 }), (outer, inner) => {
        const pairs = outer.flatMap((o, i) => inner.flatMap((n, j) => (covers(o, n) ? [[i, j]] : [])));
        expect(tools.covers({ api: { outer, inner } }).api).toEqual(pairs);
      }),
      { ...RUNS, numRuns: 100 },
    );
  });

  it('covers (sse): a covering prefix admits every topic the covered one admits, and only then', () => {
    fc.assert(
      fc.property(sseEntry, sseEntry, topic, (outer, inner, t) => {
        const covered = tools.covers({ sse: { outer: [outer], inner: [inner] } }).sse.length === 1;
        if (covered && sseAllows([inner], t).allow) expect(sseAllows([outer], t).allow).toBe(true);
        // Not covered: the inner prefix itself is a topic inner admits and outer refuses.
        if (!covered) expect([sseAllows([inner], inner.prefix).allow, sseAllows([outer], inner.prefix).allow]).toEqual([true, false]);
      }),
      RUNS,
    );
  });

  it('declared: a literal path is declared exactly when the api decision allows it', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(apiEntry, { minLength: 0, maxLength: 4 }), literalPath, fc.constantFrom(...METHODS), (entries, path, method) => {
        const pattern = templatePattern([path]);
        const { paths } = tools.declared({ api: entries, sse: [], paths: [{ method, pattern }, { method: null, pattern }], topics: [] });
        const decision = apiAllows(entries, method, path);
        const expected = decision.reason === 'malformed_path' ? 'malformed' : decision.allow ? 'declared' : 'undeclared';
        expect(paths[0]?.coverage, `${method} ${path}`).toBe(expected);
        seen.add(expected);
        // Any method: declared when some method of the entries is allowed; the methods are exactly those.
        const allowedFor = [...new Set(entries.map((e) => e.method))].filter((m) => apiAllows(entries, m, path).allow).sort();
        if (expected !== 'malformed') {
          expect(paths[1]?.coverage).toBe(allowedFor.length > 0 ? 'declared' : 'undeclared');
          expect(paths[1]?.methods).toEqual(allowedFor);
        }
      }),
      RUNS,
    );
    expect([...seen].sort()).toEqual(['declared', 'malformed', 'undeclared']);
  });

  it('declared: a computed path is declared only when every value is allowed, undeclared only when none is', () => {
    const computedSegment: fc.Arbitrary<PathPatternSegment> = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...LITERALS).map((literal) => ({ literal })) },
      { weight: 2, arbitrary: fc.constant({ dynamic: true as const }) },
      { weight: 1, arbitrary: fc.constantFrom('rd', 'o', 'q').map((partial) => ({ partial })) },
    );
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(apiEntry, { minLength: 1, maxLength: 3 }), fc.array(computedSegment, { minLength: 1, maxLength: 4 }), (entries, pattern) => {
        const [judged] = tools.declared({ api: entries, sse: [], paths: [{ method: 'GET', pattern }], topics: [] }).paths;
        seen.add(judged!.coverage);
        // Every value a computed segment can take here: each literal, one no literal equals, and (for a
        // partial segment) the literals that contain its text, or its text itself.
        const values = (s: PathPatternSegment): string[] =>
          'literal' in s ? [s.literal] : 'dynamic' in s ? [...LITERALS, OTHER] : [...LITERALS.filter((l) => l.includes(s.partial)), `${s.partial}${OTHER}`];
        const instances = pattern.reduce<string[][]>((acc, s) => acc.flatMap((prefix) => values(s).map((v) => [...prefix, v])), [[]]);
        const allowed = instances.map((parts) => apiAllows(entries, 'GET', `/${parts.join('/')}`).allow);
        if (judged!.coverage === 'declared') expect(allowed.every(Boolean)).toBe(true);
        if (judged!.coverage === 'undeclared') expect(allowed.some(Boolean)).toBe(false);
        // With dynamic segments only, "undecided" means some values are allowed and some are not.
        if (judged!.coverage === 'undecided' && pattern.every((s) => !('partial' in s))) expect(new Set(allowed)).toEqual(new Set([true, false]));
      }),
      { ...RUNS, numRuns: 200 },
    );
    expect([...seen].sort()).toEqual(['declared', 'undecided', 'undeclared']);
  });

  it('declared: a topic is declared exactly when the sse decision allows it', () => {
    fc.assert(
      fc.property(fc.array(sseEntry, { maxLength: 3 }), topic, (entries, t) => {
        const [coverage] = tools.declared({ api: [], sse: entries, paths: [], topics: [t] }).topics;
        const decision = sseAllows(entries, t);
        expect(coverage, t).toBe(decision.reason === 'malformed_topic' ? 'malformed' : decision.allow ? 'declared' : 'undeclared');
      }),
      RUNS,
    );
  });

  it('granted: someone is granted a resource/action exactly when one of the roles or users gets an authz allow', () => {
    const value = fc.constantFrom('orders.page', 'plugin.widget', 'view', 'edit', '*');
    const grant: fc.Arbitrary<Grant> = fc.record({ resource: value, action: value });
    const subjects = fc.dictionary(fc.constantFrom('a', 'b', 'member'), fc.array(grant, { maxLength: 3 }), { maxKeys: 3 });
    fc.assert(
      fc.property(subjects, subjects, fc.constantFrom('orders.page', 'plugin.widget'), fc.constantFrom('view', 'edit'), (roles, users, resource, action) => {
        const grants: RegistryGrants = { roles, users };
        const [granted] = tools.granted({ grants, wanted: [{ resource, action }] }).granted;
        const someone = [...Object.keys(roles).map((r) => ({ id: 'nobody', roles: [r] })), ...Object.keys(users).map((u) => ({ id: u, roles: [] }))];
        expect(granted).toBe(someone.some((s) => authzAllows(grants, s, resource, action)));
      }),
      RUNS,
    );
  });
});
