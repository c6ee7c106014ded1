/**
 * The OPA data document, `{"registry": ...}` (docs/contracts.md), as the one canonical JSON text
 * the BFF, the CLI, the tests and the benchmarks give the policy; and the same document cut by
 * tenant into parts, so a large one can be loaded into Wasm a part at a time, and a reload can
 * keep the parts an edit did not touch.
 */
import { createHash } from 'node:crypto';
import type { Registry } from './registry-types.js';
import { canonicalJson } from './serialize.js';

/** A whole OPA data document that holds only `tenants` (and every tenant-independent field). */
export interface DataShard {
  /** The tenant hosts it holds, in canonical order. */
  readonly tenants: readonly string[];
  /** Its canonical JSON: `{"registry":{"host_version":…,"tenants":{…only these…}}}`. */
  readonly json: string;
  /** sha256 (hex) of `json`: equal digests, the same shard. */
  readonly digest: string;
}

/** The data document cut into shards by tenant. */
export interface DataDocument {
  /** sha256 (hex) of the whole document's canonical JSON, whatever the cut: `dataDocumentJson` hashes the same. */
  readonly digest: string;
  /** At least one; every tenant in exactly one, in canonical order. */
  readonly shards: readonly DataShard[];
}

export interface ShardOptions {
  /** Most bytes of tenant entries per shard (default 512 KiB). A tenant larger than that is a shard alone. */
  maxShardBytes?: number;
}

const DEFAULT_SHARD_BYTES = 512 * 1024;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** FNV-1a over the UTF-16 code units: a cheap, stable hash of a tenant host. */
function hostHash(host: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) h = Math.imul(h ^ host.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The document around its tenant entries: everything but `tenants` is copied into every shard. */
function frame(registry: Registry): { head: string; tail: string } {
  // canonicalJson sorts keys: the tenants object is cut out of the text where it stands.
  const marker = '"tenants":{}';
  const empty = canonicalJson({ registry: { ...registry, tenants: {} } });
  const at = empty.indexOf(marker);
  return { head: empty.slice(0, at + marker.length - 1), tail: empty.slice(at + marker.length - 1) };
}

/** `"host":{…}` for each tenant, in canonical (code unit) order. */
function tenantEntries(registry: Registry): { host: string; text: string }[] {
  const hosts = Object.keys(registry.tenants).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return hosts.map((host) => ({ host, text: `${JSON.stringify(host)}:${canonicalJson(registry.tenants[host])}` }));
}

/**
 * The data document's canonical JSON: `canonicalJson({ registry })` (keys sorted, so equal registries give equal bytes).
 * @example createWasmEngine({ wasm, dataJson: dataDocumentJson(loaded.registry) })
 */
export function dataDocumentJson(registry: Registry): string {
  return canonicalJson({ registry });
}

/**
 * The data document in shards of at most `maxShardBytes` of tenant entries. Each shard is a valid
 * data document; joined, their tenant entries are exactly `dataDocumentJson(registry)`'s.
 *
 * Where a shard ends depends on the tenants' names, not on their sizes (content-defined, as in
 * rsync or restic): a shard ends after a tenant whose host hashes to 0 modulo `per`, a power of two
 * chosen from the average tenant size so that shards hold about half the limit; the limit only
 * cuts a shard that grew too long. So an edit of one tenant changes its shard (and at most the
 * shards up to the next name boundary, when it makes one overflow), never the rest: a reload
 * keeps those shards' Wasm instances. Everything fits in one shard when it fits the limit.
 * @example shardDataDocument(loaded.registry, { maxShardBytes: 256 * 1024 }).shards.length
 */
export function shardDataDocument(registry: Registry, options: ShardOptions = {}): DataDocument {
  const max = options.maxShardBytes ?? DEFAULT_SHARD_BYTES;
  const { head, tail } = frame(registry);
  const entries = tenantEntries(registry).map((e) => ({ ...e, size: Buffer.byteLength(e.text) }));
  const total = entries.reduce((n, e) => n + e.size, 0);
  const whole = `${head}${entries.map((e) => e.text).join(',')}${tail}`;
  if (total <= max) return { digest: sha256(whole), shards: [{ tenants: entries.map((e) => e.host), json: whole, digest: sha256(whole) }] };
  // Tenants per shard on average, rounded down to a power of two: it changes only when the
  // average tenant size doubles or halves, so ordinary edits keep every name boundary.
  const per = 2 ** Math.max(0, Math.floor(Math.log2(max / 2 / (total / entries.length))));
  const shards: DataShard[] = [];
  let tenants: string[] = [];
  let texts: string[] = [];
  let bytes = 0;
  const close = (): void => {
    const json = `${head}${texts.join(',')}${tail}`;
    shards.push({ tenants, json, digest: sha256(json) });
    tenants = [];
    texts = [];
    bytes = 0;
  };
  for (const { host, text, size } of entries) {
    if (texts.length > 0 && bytes + size > max) close();
    tenants.push(host);
    texts.push(text);
    bytes += size;
    if (hostHash(host) % per === 0) close();
  }
  if (texts.length > 0) close();
  return { digest: sha256(whole), shards };
}
