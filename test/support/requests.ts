import fc from 'fast-check';
import type { ApiInput, SseInput } from '../../src/engine/index.js';

/** The parts of `data.registry` (docs/contracts.md) the generators read. */
interface Segment {
  literal?: string;
  param?: string;
}
interface RegistryLike {
  tenants: Record<
    string,
    {
      plugins: Record<string, { api: { method: string; prefix: boolean; segments: Segment[] }[]; sse: { prefix: string }[] }>;
    }
  >;
}

const TRICKY_SEGMENTS = ['', '.', '..', '%2F', 'a%2fb', '%252f', '%2e%2e', '%2E', '%00', 'A', 'ü', '%41', 'a\\b', '*', '{id}', ' '];
const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get', 'Post', 'G ET', ''];

const segmentValue = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9_-]{1,8}$/) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_SEGMENTS) },
);

/** Renders an allow-list entry to a concrete path that it (nearly always) allows. */
function render(entry: { prefix: boolean; segments: Segment[] }, values: string[], tail: string[]): string[] {
  const parts = entry.segments.map((s, i) => s.literal ?? values[i % values.length] ?? 'x');
  return entry.prefix ? [...parts, ...tail] : parts;
}

type Mutation = (parts: string[]) => string;
const join = (parts: string[]) => `/${parts.join('/')}`;

/** Near-misses of an allowed path; `none` keeps it as rendered. */
const MUTATIONS: Record<string, Mutation> = {
  none: join,
  extraSegment: (p) => join([...p, 'extra']),
  missingSegment: (p) => join(p.slice(0, -1)),
  trailingSlash: (p) => `${join(p)}/`,
  doubleSlash: (p) => join(p).replace('/', '//'),
  upperCase: (p) => join(p).toUpperCase(),
  encodedLetter: (p) => join(p).replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
  encodedSlash: (p) => join(p).replace(/\/([^/]*)$/, '%2F$1'),
  prefixLookAlike: (p) => `${join(p)}ue`,
  dotSegment: (p) => join([...p.slice(0, 1), '.', ...p.slice(1)]),
  dotDotSegment: (p) => join([...p, '..', ...p.slice(-1)]),
  dotDotParameter: (p) => join([...p, '..;x', ...p.slice(-1)]),
  backslash: (p) => join(p).replace(/\/([^/]*)$/, '\\$1'),
  noLeadingSlash: (p) => p.join('/'),
  queryInPath: (p) => `${join(p)}?x=1`,
  unicode: (p) => `${join(p)}é`,
};

/** API requests around a registry's allow-lists: allowed ones, near-misses and foreign ones. */
export function apiRequests(registry: RegistryLike): fc.Arbitrary<ApiInput> {
  const tenants = Object.keys(registry.tenants);
  const entries = tenants.flatMap((t) =>
    Object.entries(registry.tenants[t]!.plugins).flatMap(([id, p]) => p.api.map((e) => ({ tenant: t, id, e }))),
  );
  const pluginIds = [...new Set(tenants.flatMap((t) => Object.keys(registry.tenants[t]!.plugins)))];
  return fc
    .record({
      source: fc.constantFrom(...entries),
      tenant: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom(...tenants, 'unknown.example', 'LOCALHOST', '') },
      ),
      plugin: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.constantFrom<string | null>(...pluginIds, 'nope', 'HELLO', '', null) },
      ),
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) }),
      values: fc.array(segmentValue, { minLength: 1, maxLength: 4 }),
      tail: fc.array(segmentValue, { maxLength: 3 }),
      mutation: fc.oneof(
        { weight: 6, arbitrary: fc.constant('none') },
        { weight: 6, arbitrary: fc.constantFrom(...Object.keys(MUTATIONS)) },
      ),
    })
    .map(({ source, tenant, plugin, method, values, tail, mutation }) => ({
      tenant: tenant ?? source.tenant,
      plugin_id: plugin === undefined ? source.id : plugin,
      method: method ?? source.e.method,
      path: MUTATIONS[mutation]!(render(source.e, values, tail)),
    }));
}

/** SSE topic requests: declared prefixes, sub-topics, and look-alikes across the boundary. */
export function sseRequests(registry: RegistryLike): fc.Arbitrary<SseInput> {
  const tenants = Object.keys(registry.tenants);
  const entries = tenants.flatMap((t) =>
    Object.entries(registry.tenants[t]!.plugins).flatMap(([id, p]) => p.sse.map((s) => ({ tenant: t, id, prefix: s.prefix }))),
  );
  const pluginIds = [...new Set(tenants.flatMap((t) => Object.keys(registry.tenants[t]!.plugins)))];
  return fc
    .record({
      source: fc.constantFrom(...entries),
      plugin: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constantFrom<string | null>(...pluginIds, 'nope', '', null) }),
      suffix: fc.constantFrom('', '.created', '.a.b', 'x', 's', '.', '..x', '.X', '/x', ' ', '.*', '-1'),
      upper: fc.boolean(),
    })
    .map(({ source, plugin, suffix, upper }) => {
      const topic = `${source.prefix}${suffix}`;
      return { tenant: source.tenant, plugin_id: plugin === undefined ? source.id : plugin, topic: upper ? topic.toUpperCase() : topic };
    });
}
