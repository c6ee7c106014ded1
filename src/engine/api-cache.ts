import { LRUCache } from 'lru-cache';
import type { ApiDecision } from './types.js';

export interface ApiCacheOptions {
  /** Most entries kept (default 10,000). */
  maxEntries?: number;
  /** Most bytes of keys kept, so long hostile paths cannot grow memory without bound (default 4 MiB). */
  maxKeyBytes?: number;
}

/**
 * Cache of API decisions for one engine instance: a reload builds a new engine and so starts
 * with an empty cache. The key holds every input field, each but the last behind its length
 * (a null plugin id as `!`), so values can never run into each other across tenants, plugins,
 * methods or paths: the key reads back into exactly one input.
 */
export class ApiDecisionCache {
  readonly #lru: LRUCache<string, ApiDecision>;

  constructor(options: ApiCacheOptions = {}) {
    this.#lru = new LRUCache<string, ApiDecision>({
      max: options.maxEntries ?? 10_000,
      maxSize: options.maxKeyBytes ?? 4 * 1024 * 1024,
      sizeCalculation: (_value, key) => key.length + 1,
    });
  }

  /** The key of one input's fields (Required<ApiInput>), given one by one: no object or array per call. */
  static key(tenant: string, pluginId: string | null, method: string, path: string): string {
    // Length prefixes instead of JSON: no escaping scan on every plugin call.
    const plugin = pluginId === null ? '!' : `${pluginId.length}:${pluginId}`;
    return `${tenant.length}:${tenant}${plugin}${method.length}:${method}${path}`;
  }

  get(key: string): ApiDecision | undefined {
    return this.#lru.get(key);
  }

  set(key: string, decision: ApiDecision): void {
    this.#lru.set(key, decision);
  }

  get size(): number {
    return this.#lru.size;
  }
}
