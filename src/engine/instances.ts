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

  private constructor(all: readonly LoadedPolicy[], byTenant: ReadonlyMap<string, LoadedPolicy>) {
    this.#all = all;
    this.#byTenant = byTenant;
  }

  /**
   * Instantiates `module` once per shard and sets its data, one shard per event-loop turn so
   * requests are served in between. All or nothing: throws EngineLoadError (policy_load_failed,
   * policy_entrypoints_missing, policy_data_invalid) on the first shard that fails.
   */
  static async load(module: WebAssembly.Module, data: EngineData, entrypoints: readonly string[]): Promise<PolicyInstances> {
    if (data.shards.length === 0) throw new EngineLoadError('policy_data_invalid', 'the policy data has no shard');
    const all: LoadedPolicy[] = [];
    const byTenant = new Map<string, LoadedPolicy>();
    for (const shard of data.shards) {
      if (all.length > 0) await nextTurn();
      const bytes = shardBytes(shard.json);
      const policy = await instantiatePolicy(module, bytes.byteLength);
      // Every instance is of the one compiled module: what the first exports, all do.
      if (all.length === 0) checkEntrypoints(policy, entrypoints);
      setPolicyData(policy, bytes);
      all.push(policy);
      for (const tenant of shard.tenants) byTenant.set(tenant, policy);
    }
    return new PolicyInstances(all, byTenant);
  }

  /** The instance holding `tenant`'s data; the first for a tenant no shard holds (or a non-string). */
  for(tenant: unknown): LoadedPolicy {
    return (typeof tenant === 'string' ? this.#byTenant.get(tenant) : undefined) ?? this.#all[0]!;
  }

  get size(): number {
    return this.#all.length;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
