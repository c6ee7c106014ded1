/**
 * One opa-wasm instance per data shard, and which one decides for a tenant.
 */
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { shardBytes, type EngineData } from './data.js';
import { EngineLoadError } from './errors.js';
import { checkEntrypoints, instantiatePolicy, setPolicyData } from './module.js';

/** The instances of one engine; every one holds the same module and a part of the data. */
export class PolicyInstances {
  readonly #all: readonly LoadedPolicy[];
  readonly #byTenant: ReadonlyMap<string, LoadedPolicy>;
  readonly #byDigest: ReadonlyMap<string, LoadedPolicy>;

  private constructor(all: readonly LoadedPolicy[], byTenant: ReadonlyMap<string, LoadedPolicy>, byDigest: ReadonlyMap<string, LoadedPolicy>) {
    this.#all = all;
    this.#byTenant = byTenant;
    this.#byDigest = byDigest;
  }

  /**
   * Instantiates `module` once per shard and sets its data, one shard per event-loop turn so
   * requests are served in between. A shard `kept` (the instances of the serving engine, of this
   * same module) holds with the same digest is not loaded again: its instance is shared, which is
   * safe because an instance's data never changes after setData and evaluation is synchronous.
   * All or nothing: throws EngineLoadError (policy_load_failed, policy_entrypoints_missing,
   * policy_data_invalid) on the first shard that fails.
   */
  static async load(module: WebAssembly.Module, data: EngineData, entrypoints: readonly string[], kept?: PolicyInstances): Promise<PolicyInstances> {
    if (data.shards.length === 0) throw new EngineLoadError('policy_data_invalid', 'the policy data has no shard');
    const all: LoadedPolicy[] = [];
    const byTenant = new Map<string, LoadedPolicy>();
    const byDigest = new Map<string, LoadedPolicy>();
    let loaded = 0;
    for (const shard of data.shards) {
      let policy = shard.digest === undefined || !kept ? undefined : kept.#byDigest.get(shard.digest);
      if (!policy) {
        if (shard.json === undefined) {
          throw new EngineLoadError('policy_data_invalid', `a data shard (${shard.digest?.slice(0, 12) ?? 'no digest'}) has no data and no serving instance holds it`);
        }
        if (loaded > 0) await nextTurn();
        const bytes = shardBytes(shard.json);
        policy = await instantiatePolicy(module, bytes.byteLength);
        // Every instance is of the one compiled module: what the first exports, all do (and a
        // kept one's module was checked when it was loaded).
        if (loaded === 0) checkEntrypoints(policy, entrypoints);
        setPolicyData(policy, bytes);
        loaded++;
      }
      all.push(policy);
      if (shard.digest !== undefined) byDigest.set(shard.digest, policy);
      for (const tenant of shard.tenants) byTenant.set(tenant, policy);
    }
    return new PolicyInstances(all, byTenant, byDigest);
  }

  /** The instance holding `tenant`'s data; the first for a tenant no shard holds (or a non-string). */
  for(tenant: unknown): LoadedPolicy {
    return (typeof tenant === 'string' ? this.#byTenant.get(tenant) : undefined) ?? this.#all[0]!;
  }

  get size(): number {
    return this.#all.length;
  }

  /** How many instances are not shared with `other`. */
  distinctFrom(other: PolicyInstances): number {
    const theirs = new Set(other.#all);
    return new Set(this.#all.filter((p) => !theirs.has(p))).size;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
