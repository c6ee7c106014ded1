/**
 * How events sit in Redis: one stream per tenant, `xp:events:<tenant>` (the `xp:` of every key the
 * BFF writes), each entry `topic`, `data` (JSON) and `ts` (ISO 8601), its entry id the event id.
 * And the replies of the stream commands as node-redis returns them (arrays; XINFO STREAM is a
 * flat list in RESP2, an object in RESP3), read without trusting them.
 */
import { isTopic } from '../topics.js';
import type { HubEvent, PublishInput } from '../types.js';

export const KEY_PREFIX = 'xp:events:';

export function keyOf(tenant: string): string {
  return `${KEY_PREFIX}${tenant}`;
}

export function tenantOfKey(key: string): string | undefined {
  return key.startsWith(KEY_PREFIX) ? key.slice(KEY_PREFIX.length) : undefined;
}

/** The field-value list XADD takes. */
export function encodeEntry(input: PublishInput, ts: string): string[] {
  return ['topic', input.topic, 'data', JSON.stringify(input.data ?? null), 'ts', ts];
}

/** An entry as an event; undefined when it is not one this module wrote (another writer, damage). */
export function decodeEntry(tenant: string, id: string, fields: unknown): HubEvent | undefined {
  if (!Array.isArray(fields) || fields.length % 2 !== 0) return undefined;
  const map = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) {
    const [k, v] = [fields[i], fields[i + 1]];
    if (typeof k !== 'string' || typeof v !== 'string') return undefined;
    map.set(k, v);
  }
  const topic = map.get('topic');
  const raw = map.get('data');
  const ts = map.get('ts');
  if (!isTopic(topic) || raw === undefined || ts === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return undefined;
  }
  return { id, tenant, topic, data, ts };
}

/** An XRANGE / XREVRANGE reply (or one stream of an XREAD reply): `[[id, [field, value, ...]], ...]`. */
export function readEntries(reply: unknown): Array<{ id: string; fields: unknown }> {
  if (!Array.isArray(reply)) return [];
  const out: Array<{ id: string; fields: unknown }> = [];
  for (const item of reply) {
    if (Array.isArray(item) && typeof item[0] === 'string') out.push({ id: item[0], fields: item[1] });
  }
  return out;
}

/** An XREAD reply: `[[key, entries], ...]`, or null when the block timed out (or was unblocked). */
export function readStreams(reply: unknown): Array<{ key: string; entries: Array<{ id: string; fields: unknown }> }> {
  if (!Array.isArray(reply)) return [];
  const out: Array<{ key: string; entries: Array<{ id: string; fields: unknown }> }> = [];
  for (const item of reply) {
    if (Array.isArray(item) && typeof item[0] === 'string') out.push({ key: item[0], entries: readEntries(item[1]) });
  }
  return out;
}

/** What XINFO STREAM says about the ends of a stream (Redis 7: entries-added counts every XADD). */
export interface StreamInfo {
  length: number;
  lastGeneratedId: string;
  firstId: string | undefined;
  entriesAdded: number | undefined;
}

/** An XINFO STREAM reply: a flat `[name, value, ...]` list (RESP2), or a map of them (RESP3: an object or a Map). */
export function readStreamInfo(reply: unknown): StreamInfo | undefined {
  const map = new Map<string, unknown>();
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) if (typeof reply[i] === 'string') map.set(reply[i] as string, reply[i + 1]);
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) if (typeof k === 'string') map.set(k, v);
  } else if (typeof reply === 'object' && reply !== null) {
    for (const [k, v] of Object.entries(reply)) map.set(k, v);
  } else {
    return undefined;
  }
  const length = map.get('length');
  const last = map.get('last-generated-id');
  if (typeof length !== 'number' || typeof last !== 'string') return undefined;
  const first = map.get('first-entry');
  const added = map.get('entries-added');
  return {
    length,
    lastGeneratedId: last,
    firstId: Array.isArray(first) && typeof first[0] === 'string' ? first[0] : undefined,
    entriesAdded: typeof added === 'number' ? added : undefined,
  };
}
