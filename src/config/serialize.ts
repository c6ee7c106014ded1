import { byCodeUnit } from './compile-registry.js';

/**
 * JSON with object keys sorted recursively, arrays in order, no whitespace: same input, same
 * bytes, so its hash names a revision (the data document is built with it: data-document.ts).
 * Refuses what JSON cannot represent faithfully rather than guessing.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot serialize ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort(byCodeUnit)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  throw new TypeError(`cannot serialize a ${typeof value}`);
}
