import { LRUCache } from 'lru-cache';
import type { ApiDecision, ApiInput } from './types.js';

export interface ApiCacheOptions {
  /** Most entries kept (default 10,000). */
  maxEntries?: number;
  /** Most bytes of keys kept, so long hostile paths cannot grow memory without bound (default 4 MiB). */
  maxKeyBytes?: number;
}

/**
 * Cache of API decisions for one engine instance: a reload builds a new engine and so starts
 * with an empty cache. The key is the JSON array of every input field, so values can never run
 * into each other across tenants, plugins, methods or paths (JSON escapes every separator).
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

  static key(input: Required<ApiInput>): string {
    return JSON.stringify([input.tenant, input.plugin_id, input.method, input.path]);
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
