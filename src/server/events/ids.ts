/**
 * Event ids, the SSE `id:`: `<a>-<b>`, two decimal numbers of at most 20 digits without
 * leading zeros. With Redis they are the stream entry ids (`<ms>-<n>`); the in-memory hub
 * issues `<process epoch>-<n>`. Ids of one tenant increase in the order events were accepted.
 */
const ID = /^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,19})$/;
const MAX = 2n ** 64n - 1n;

/** The two parts of an id, or undefined when `text` is not one (Redis's own bound: 2^64 - 1 each). */
export function parseEventId(text: string): { ms: bigint; seq: bigint } | undefined {
  const m = ID.exec(text);
  if (!m) return undefined;
  const ms = BigInt(m[1] as string);
  const seq = BigInt(m[2] as string);
  return ms <= MAX && seq <= MAX ? { ms, seq } : undefined;
}

/** Whether `text` is an id as this module defines it. */
export function isEventId(text: string): boolean {
  return parseEventId(text) !== undefined;
}

/** Orders two ids (both valid, hence without leading zeros): negative, 0 or positive. */
export function compareEventIds(a: string, b: string): number {
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  return compareDigits(a.slice(0, da), b.slice(0, db)) || compareDigits(a.slice(da + 1), b.slice(db + 1));
}

// Without leading zeros, a longer run of digits is the larger number; equal lengths compare as text.
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The smallest id after `id` (valid); undefined after the largest. */
export function nextEventId(id: string): string | undefined {
  const p = parseEventId(id);
  if (!p) return undefined;
  if (p.seq < MAX) return `${p.ms}-${p.seq + 1n}`;
  return p.ms < MAX ? `${p.ms + 1n}-0` : undefined;
}

/** The largest id before `id` (valid); undefined before `0-0`. */
export function previousEventId(id: string): string | undefined {
  const p = parseEventId(id);
  if (!p) return undefined;
  if (p.seq > 0n) return `${p.ms}-${p.seq - 1n}`;
  return p.ms > 0n ? `${p.ms - 1n}-${MAX}` : undefined;
}
