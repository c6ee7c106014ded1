/**
 * The data an engine decides on. A large data document is given in shards by tenant, each set
 * into its own Wasm instance in its own event-loop turn: opa-wasm's setData is one synchronous
 * parse, and one parse of a whole large document would stall every request for as long.
 */
import { createHash } from 'node:crypto';
import { EngineLoadError } from './errors.js';

/** A whole OPA data document that holds only some tenants' entries. */
export interface EngineDataShard {
  /** The tenants it holds: their decisions are made on this shard. */
  readonly tenants: readonly string[];
  /**
   * The document as JSON text or UTF-8 bytes. Must be valid JSON: OPA's own parser is lenient.
   * Absent: the engine given as `previous` holds a shard with this `digest`, and its instance is kept.
   */
  readonly json?: string | Uint8Array;
  /** sha256 (hex) of `json`. With it, a later engine of the same policy can keep this shard's instance. */
  readonly digest?: string;
}

/**
 * The data document in shards. Sound because the policy reads the data only at
 * `data.registry.tenants[input.tenant]` (test/policy/data-reads.test.ts holds it to that): a
 * decision needs its own tenant's entry and nothing else. A tenant in no shard is decided on the
 * first, which does not hold it either.
 */
export interface EngineData {
  /** sha256 (hex) of the whole document; the revision's `data` is its first 12 characters. */
  readonly digest: string;
  /** At least one. */
  readonly shards: readonly EngineDataShard[];
}

/** The whole document as one shard (nothing to route), after checking it is JSON. */
export function wholeDocument(dataJson: string): EngineData {
  try {
    JSON.parse(dataJson);
  } catch (cause) {
    throw new EngineLoadError('policy_data_invalid', 'the policy data is not valid JSON', { cause });
  }
  const digest = createHash('sha256').update(dataJson).digest('hex');
  return { digest, shards: [{ tenants: [], json: dataJson, digest }] };
}

/** The shard's bytes as the ArrayBuffer opa-wasm's setData takes (no copy when they fill one). */
export function shardBytes(json: string | Uint8Array): ArrayBuffer {
  const bytes = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer;
}
