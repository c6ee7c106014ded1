/**
 * The indexes a plugin's decisions look their candidates up in (docs/contracts.md, "api_index" and
 * "sse_index"), so that a decision costs about the same for 10 entries as for 100. An index only
 * narrows the entries to those that can match; the policy still matches each candidate with the
 * one rule (lib/paths), and takes the first in file order.
 */
import { byCodeUnit } from './code-unit-order.js';
import type { ApiIndex, ApiShape, RegistryApiEntry, RegistrySseEntry, SseIndex } from './registry-types.js';

/**
 * Groups API entries by method, then by shape: exact templates by segment count (`exact[n]`), prefix
 * templates apart, and within those by the positions of their literal segments; each shape maps its
 * literals (joined by "/") to the entries' indexes in file order. A request can only match the
 * entries under its own segments at each shape's literal positions.
 * @example indexApi([{ method: 'GET', template: '/api/orders/{id}', prefix: false, segments: [...] }])
 * // { GET: { exact: [[], [], [], [{ length: 3, literals: [0, 1], entries: { 'api/orders': [0] } }]], prefix: [] } }
 */
export function indexApi(entries: readonly RegistryApiEntry[]): ApiIndex {
  // Maps while building: a literal or method is any path text, "__proto__" included.
  const methods = new Map<string, { exact: ShapeBuilder[][]; prefix: ShapeBuilder[] }>();
  entries.forEach((entry, i) => {
    let method = methods.get(entry.method);
    if (!method) methods.set(entry.method, (method = { exact: [], prefix: [] }));
    const length = entry.segments.length;
    const shapes = entry.prefix ? method.prefix : (method.exact[length] ??= []);
    const literals = entry.segments.flatMap((s, j) => ('literal' in s ? [j] : []));
    let shape = shapes.find((s) => s.length === length && s.literals.join() === literals.join());
    if (!shape) shapes.push((shape = { length, literals, entries: new Map() }));
    const key = entry.segments.flatMap((s) => ('literal' in s ? [s.literal] : [])).join('/');
    append(shape.entries, key, i);
  });
  return Object.fromEntries(
    sortedKeys(methods).map(([name, { exact, prefix }]) => [
      name,
      // Array.from fills the segment counts no exact template has with [] (never a hole).
      { exact: Array.from(exact, (shapes) => (shapes ?? []).map(built)), prefix: prefix.map(built) },
    ]),
  );
}

/**
 * Maps each SSE prefix (its segments joined by ".") to the entries' indexes in file order: a topic
 * can only match the prefixes among its own leading dot segments.
 * @example indexSse([{ prefix: 'orders', segments: ['orders'] }]) // { orders: [0] }
 */
export function indexSse(entries: readonly RegistrySseEntry[]): SseIndex {
  const prefixes = new Map<string, number[]>();
  entries.forEach((entry, i) => {
    const key = entry.segments.join('.');
    append(prefixes, key, i);
  });
  return Object.fromEntries(sortedKeys(prefixes));
}

interface ShapeBuilder {
  length: number;
  literals: number[];
  entries: Map<string, number[]>;
}

function built(shape: ShapeBuilder): ApiShape {
  return { length: shape.length, literals: shape.literals, entries: Object.fromEntries(sortedKeys(shape.entries)) };
}

function append(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

/** Entries in key order, as compileRegistry inserts keys (dataDocumentJson sorts them anyway). */
function sortedKeys<T>(map: Map<string, T>): [string, T][] {
  return [...map].sort(([a], [b]) => byCodeUnit(a, b));
}
