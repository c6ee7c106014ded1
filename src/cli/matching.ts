/**
 * The policy's matching rules (policy/experience/lib/paths, docs/contracts.md) in TypeScript,
 * for presentation only: explaining a near miss, scanning plugin sources, comparing configs.
 * Decisions themselves always come from the Wasm policy.
 */
import { matches, TOPIC, type Grant, type RegistryApiEntry, type TemplateSegment } from '../config/index.js';

/** The policy refuses these substrings anywhere in a path (paths.rego `_forbidden`). */
const FORBIDDEN = ['\\', '%2f', '%2F', '%5c', '%5C', '%2e', '%2E', '%00', '%25'];

/** Anything FORBIDDEN, or an empty, "." or ".." segment (with or without a ";" parameter). */
const MAYBE_MALFORMED = /\\|%(?:2f|5c|2e|00|25)|\/\/|\/$|\/\.\.?(?:;[^/]*)?(?=\/|$)/i;

/** Why the policy would call `path` malformed, or undefined when it is well formed. */
export function malformedPathReason(path: string): string | undefined {
  // One test settles the common, well-formed case; the reason is worked out only for the rest.
  if (path.startsWith('/') && !MAYBE_MALFORMED.test(path)) return undefined;
  if (!path.startsWith('/')) return 'the path does not start with "/"';
  const bad = FORBIDDEN.find((f) => path.includes(f));
  if (bad !== undefined) return bad === '\\' ? 'the path contains a backslash' : `the path contains the encoded sequence "${bad}"`;
  const segments = pathSegments(path);
  const i = segments.findIndex((s) => s === '' || s === '.' || s === '..' || /^\.\.?;/.test(s));
  if (i >= 0) {
    const s = segments[i] as string;
    if (s === '') return `segment ${i + 1} is empty ("//", a trailing "/", or "/" alone)`;
    return s.includes(';') ? `segment ${i + 1} is "${s}", a dot segment with a parameter (resolved as "${s.split(';')[0]}" by some servers)` : `segment ${i + 1} is "${s}"`;
  }
  return undefined;
}

/** The segments of an absolute path, without the empty one before the leading "/". */
function pathSegments(path: string): string[] {
  return path.split('/').slice(1);
}

export function segmentText(s: TemplateSegment): string {
  return 'literal' in s ? s.literal : `{${s.param}}`;
}

function segmentMatches(pattern: TemplateSegment, segment: string): boolean {
  return 'literal' in pattern ? pattern.literal === segment : segment !== '';
}

type Shape = Pick<RegistryApiEntry, 'prefix' | 'segments'>;

/** Whether a template matches path segments, by the policy's rule. */
export function templateMatches(entry: Shape, segments: readonly string[]): boolean {
  const n = entry.segments.length;
  if (entry.prefix ? segments.length < n : segments.length !== n) return false;
  return entry.segments.every((p, i) => segmentMatches(p, segments[i] ?? ''));
}

/** How one allow-list entry compares with a request. */
export interface EntryComparison {
  index: number;
  entry: RegistryApiEntry;
  methodMatches: boolean;
  pathMatches: boolean;
  /** Leading segments that match, in a row. */
  matchedSegments: number;
  /** The first differing segment looks like the template's literal (case, or one is a prefix of the other). */
  lookAlike: boolean;
  /** Where it differs (absent when it matches). */
  difference?: { segment?: number; message: string };
}

export function compareEntry(entry: RegistryApiEntry, index: number, method: string, path: string): EntryComparison {
  const segments = pathSegments(path);
  const n = entry.segments.length;
  let i = 0;
  while (i < n && i < segments.length && segmentMatches(entry.segments[i] as TemplateSegment, segments[i] as string)) i++;
  const pathMatches = templateMatches(entry, segments);
  const methodMatches = entry.method === method;
  const expectedAt = entry.segments[i];
  const actualAt = segments[i];
  const lookAlike =
    expectedAt !== undefined && 'literal' in expectedAt && actualAt !== undefined && actualAt !== '' &&
    (actualAt.toLowerCase().startsWith(expectedAt.literal.toLowerCase()) || expectedAt.literal.toLowerCase().startsWith(actualAt.toLowerCase()));
  const base = { index, entry, methodMatches, pathMatches, matchedSegments: i, lookAlike };
  if (pathMatches) {
    if (methodMatches) return base;
    const message =
      entry.method.toUpperCase() === method.toUpperCase()
        ? `the method differs only in case: the entry has ${entry.method}, the request ${method} (methods are case-sensitive)`
        : `the path matches but the method differs: the entry allows ${entry.method}, the request is ${method}`;
    return { ...base, difference: { message } };
  }
  const pos = i + 1;
  if (i === n) {
    // Every template segment matched and this is not a prefix: the path is longer.
    const rest = segments.slice(n).join('/');
    const last = n === 0 ? '/' : `"${segmentText(entry.segments[n - 1] as TemplateSegment)}"`;
    return { ...base, difference: { segment: pos, message: `segment ${pos}: the template ends after ${last}; the path goes on with "${rest}" (only a prefix template "/**" matches below it)` } };
  }
  const expected = entry.segments[i] as TemplateSegment;
  if (i >= segments.length) {
    return { ...base, difference: { segment: pos, message: `segment ${pos}: the path ends before the template's "${segmentText(expected)}"` } };
  }
  const actual = segments[i] as string;
  const caseOnly = 'literal' in expected && expected.literal.toLowerCase() === actual.toLowerCase();
  const message = caseOnly
    ? `segment ${pos}: "${actual}" differs from "${expected.literal}" only in case (matching is case-sensitive)`
    : lookAlike && 'literal' in expected
      ? `segment ${pos}: "${actual}" is not "${expected.literal}": templates match whole segments, never a part of one`
      : `segment ${pos}: the template has "${segmentText(expected)}", the path has "${actual}"`;
  return { ...base, difference: { segment: pos, message } };
}

/**
 * The entry closest to matching: a matching path beats a partial one, then more leading
 * segments, then a look-alike first difference (`catalogue` for `catalog`), then the same
 * method, then file order.
 */
export function closestEntry(entries: readonly RegistryApiEntry[], method: string, path: string): EntryComparison | undefined {
  const ranked = entries.map((e, i) => compareEntry(e, i, method, path));
  ranked.sort(
    (a, b) =>
      Number(b.pathMatches) - Number(a.pathMatches) ||
      b.matchedSegments - a.matchedSegments ||
      Number(b.lookAlike) - Number(a.lookAlike) ||
      Number(b.methodMatches) - Number(a.methodMatches) ||
      a.index - b.index,
  );
  return ranked[0];
}

/** `orders` matches `orders` and `orders.created`, never `ordersx` or `order`. */
export function topicMatches(prefix: string, topic: string): boolean {
  const p = prefix.split('.');
  const t = topic.split('.');
  return p.length > 0 && p.length <= t.length && p.every((s, i) => s === t[i]);
}

export function malformedTopicReason(topic: string): string | undefined {
  return matches(TOPIC, topic) ? undefined : 'a topic is dot-separated words of letters, digits, "_" and "-"';
}

export interface PrefixComparison {
  index: number;
  prefix: string;
  matches: boolean;
  matchedSegments: number;
  difference?: { segment?: number; message: string };
}

function comparePrefix(prefix: string, index: number, topic: string): PrefixComparison {
  const p = prefix.split('.');
  const t = topic.split('.');
  let i = 0;
  while (i < p.length && i < t.length && p[i] === t[i]) i++;
  const base = { index, prefix, matchedSegments: i };
  if (i === p.length) return { ...base, matches: true };
  const pos = i + 1;
  const message =
    i >= t.length
      ? `segment ${pos}: the topic ends before the prefix's "${p[i]}" (a prefix matches itself and topics below it)`
      : `segment ${pos}: the prefix has "${p[i]}", the topic has "${t[i]}"`;
  return { ...base, matches: false, difference: { segment: pos, message } };
}

export function closestPrefix(prefixes: readonly string[], topic: string): PrefixComparison | undefined {
  const ranked = prefixes.map((p, i) => comparePrefix(p, i, topic));
  ranked.sort((a, b) => Number(b.matches) - Number(a.matches) || b.matchedSegments - a.matchedSegments || a.index - b.index);
  return ranked[0];
}

/**
 * True when every path `inner` matches, `outer` matches too (same method not checked here).
 * A parameter matches any non-empty segment, so it covers a literal but not the other way round.
 */
export function templateCovers(outer: Shape, inner: Shape): boolean {
  const k = outer.segments.length;
  if (outer.prefix) {
    if (inner.segments.length < k) return false;
  } else if (inner.prefix || inner.segments.length !== k) {
    return false;
  }
  return outer.segments.every((o, i) => {
    const s = inner.segments[i] as TemplateSegment;
    return 'param' in o || ('literal' in s && s.literal === o.literal);
  });
}

/** True when every topic `inner` allows, `outer` allows too: `outer` is a segment prefix of `inner`. */
export function prefixCovers(outer: string, inner: string): boolean {
  return topicMatches(outer, inner);
}

/**
 * A path as a plugin's source writes it, where parts may be computed: a template literal
 * `/api/orders/${id}` has a dynamic second segment. `partial` is a segment mixing text and code.
 */
export type PatternSegment = { kind: 'literal'; value: string } | { kind: 'dynamic' } | { kind: 'partial'; text: string };

export type Coverage = 'declared' | 'undeclared' | 'undecided';

/**
 * Whether the entries cover every path the pattern can produce (declared), none of them
 * (undeclared), or some (undecided: it depends on run-time values).
 */
export function patternCoverage(entries: readonly Shape[], pattern: readonly PatternSegment[]): Coverage {
  let possible = false;
  for (const entry of entries) {
    const result = coverOne(entry, pattern);
    if (result === 'all') return 'declared';
    if (result === 'some') possible = true;
  }
  return possible ? 'undecided' : 'undeclared';
}

function coverOne(entry: Shape, pattern: readonly PatternSegment[]): 'all' | 'some' | 'none' {
  const k = entry.segments.length;
  if (entry.prefix ? pattern.length < k : pattern.length !== k) return 'none';
  let all = true;
  for (const [i, t] of entry.segments.entries()) {
    const p = pattern[i] as PatternSegment;
    if ('param' in t) continue;
    if (p.kind === 'literal') {
      if (p.value !== t.literal) return 'none';
    } else if (p.kind === 'partial') {
      // A partial segment starts or ends with its literal text; it can equal the literal only if compatible.
      if (!t.literal.includes(p.text)) return 'none';
      all = false;
    } else {
      all = false;
    }
  }
  return all ? 'all' : 'some';
}

/** The grant rule of policy/experience/lib/grants: equal values, or "*". */
export function covers(grant: Grant, resource: string, action: string): boolean {
  return (grant.resource === '*' || grant.resource === resource) && (grant.action === '*' || grant.action === action);
}
