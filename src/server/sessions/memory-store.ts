import { LRUCache } from 'lru-cache';
import type { ProviderQuery, SessionRecord, SessionStore } from './types.js';

export interface MemoryStoreOptions {
  /** At most this many sessions; past it the least recently used one is dropped (its user signs in again). */
  max: number;
  /** How often expired records are swept (and their index entries with them). */
  sweepMs?: number;
}

function indexKeys(record: SessionRecord): string[] {
  const p = record.provider;
  if (!p) return [];
  const base = `${record.tenant}\u0000${p.issuer}\u0000`;
  return [`${base}sub\u0000${p.sub}`, ...(p.sid ? [`${base}sid\u0000${p.sid}`] : [])];
}

/**
 * Sessions of one process, in an LRU with a TTL per record (its absolute end). Lookups are one
 * hash-map get. A provider index (sid / sub -> keys) serves back-channel logout; it is kept in
 * step by the cache's dispose hook, which runs on delete, replacement, eviction and expiry.
 */
export class MemorySessionStore implements SessionStore {
  readonly #cache: LRUCache<string, SessionRecord>;
  readonly #index = new Map<string, Set<string>>();
  readonly #sweep: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions) {
    this.#cache = new LRUCache<string, SessionRecord>({
      max: options.max,
      ttlAutopurge: false,
      dispose: (record, key) => this.#unindex(key, record),
    });
    this.#sweep = setInterval(() => this.#cache.purgeStale(), options.sweepMs ?? 60_000);
    this.#sweep.unref();
  }

  get size(): number {
    return this.#cache.size;
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    return this.getNow(key);
  }

  getNow(key: string): SessionRecord | undefined {
    const record = this.#cache.get(key);
    // The cache's TTL drops it too; this check makes the absolute end exact to the second.
    if (record && record.expiresAt * 1000 <= Date.now()) {
      this.#cache.delete(key);
      return undefined;
    }
    return record;
  }

  async set(key: string, record: SessionRecord): Promise<void> {
    const ttl = Math.max(1, record.expiresAt * 1000 - Date.now());
    this.#cache.set(key, record, { ttl });
    for (const name of indexKeys(record)) {
      let keys = this.#index.get(name);
      if (!keys) {
        keys = new Set();
        this.#index.set(name, keys);
      }
      keys.add(key);
    }
  }

  async replace(key: string, record: SessionRecord): Promise<boolean> {
    if (this.getNow(key) === undefined) return false;
    await this.set(key, record);
    return true;
  }

  async touch(key: string, lastSeenAt: number): Promise<void> {
    const record = this.#cache.peek(key);
    if (record) record.lastSeenAt = lastSeenAt;
  }

  async delete(key: string): Promise<SessionRecord | undefined> {
    const record = this.#cache.peek(key);
    if (record) this.#cache.delete(key);
    return record;
  }

  async findByProvider(query: ProviderQuery): Promise<string[]> {
    const base = `${query.tenant}\u0000${query.issuer}\u0000`;
    const name = query.sid ? `${base}sid\u0000${query.sid}` : query.sub ? `${base}sub\u0000${query.sub}` : undefined;
    if (!name) return [];
    const keys = [...(this.#index.get(name) ?? [])];
    // With both, the provider session must also be this subject's (a sid never crosses users).
    return keys.filter((key) => {
      const record = this.#cache.peek(key);
      return record !== undefined && record.expiresAt * 1000 > Date.now() && (!query.sid || !query.sub || record.provider?.sub === query.sub);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
  }

  #unindex(key: string, record: SessionRecord): void {
    for (const name of indexKeys(record)) {
      const keys = this.#index.get(name);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.#index.delete(name);
    }
  }
}
