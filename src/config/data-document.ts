/**
 * The OPA data document, `{"registry": ...}` (docs/contracts.md), as the one canonical JSON text
 * the BFF, the CLI, the tests and the benchmarks give the policy; and the same document cut by
 * tenant into parts, so a large one can be loaded into Wasm a part at a time.
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
 * @example shardDataDocument(loaded.registry, { maxShardBytes: 256 * 1024 }).shards.length
 */
export function shardDataDocument(registry: Registry, options: ShardOptions = {}): DataDocument {
  const max = options.maxShardBytes ?? DEFAULT_SHARD_BYTES;
  const { head, tail } = frame(registry);
  const hash = createHash('sha256').update(head);
  const shards: DataShard[] = [];
  let tenants: string[] = [];
  let texts: string[] = [];
  let bytes = 0;
  const close = (): void => {
    shards.push({ tenants, json: `${head}${texts.join(',')}${tail}` });
    tenants = [];
    texts = [];
    bytes = 0;
  };
  tenantEntries(registry).forEach(({ host, text }, i) => {
    const size = Buffer.byteLength(text);
    if (texts.length > 0 && bytes + size > max) close();
    hash.update(i === 0 ? text : `,${text}`);
    tenants.push(host);
    texts.push(text);
    bytes += size;
  });
  if (texts.length > 0 || shards.length === 0) close();
  return { digest: hash.update(tail).digest('hex'), shards };
}
