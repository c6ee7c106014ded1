/**
 * One opa-wasm instance per data shard, and which one decides for a tenant.
 */
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { shardBytes, type EngineData } from './data.js';
import { EngineLoadError, toError } from './errors.js';

const WASM_PAGE = 64 * 1024;
const MAX_PAGES = 16_384; // 1 GiB per instance
// OPA's heap holds about 15 bytes per byte of data JSON (measured: 14.5-16 on generated
// configs). Its allocator grows memory a page at a time, which made an 8 MB document take 3.5 s
// instead of 0.12 s: start with room to spare. Pages never written cost address space, not RSS.
const HEAP_PER_BYTE = 20;
const HEAP_BASE = 2 * 1024 * 1024;

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
      const policy = await instantiate(module, bytes.byteLength);
      if (all.length === 0) checkEntrypoints(policy, entrypoints);
      try {
        policy.setData(bytes);
      } catch (thrown) {
        throw new EngineLoadError('policy_data_invalid', `the policy data could not be set: ${toError(thrown, 'setData').message}`, { cause: thrown });
      }
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

async function instantiate(module: WebAssembly.Module, dataBytes: number): Promise<LoadedPolicy> {
  const initial = Math.min(MAX_PAGES, Math.max(8, Math.ceil((dataBytes * HEAP_PER_BYTE + HEAP_BASE) / WASM_PAGE)));
  try {
    return await loadPolicy(module, { initial, maximum: MAX_PAGES });
  } catch (thrown) {
    throw new EngineLoadError('policy_load_failed', `the OPA policy could not be instantiated: ${toError(thrown, 'load').message}`, { cause: thrown });
  }
}

function checkEntrypoints(policy: LoadedPolicy, required: readonly string[]): void {
  const exported = Object.keys((policy.entrypoints ?? {}) as Record<string, number>);
  const missing = required.filter((e) => !exported.includes(e));
  if (missing.length > 0) {
    throw new EngineLoadError(
      'policy_entrypoints_missing',
      `the policy lacks entrypoint(s) ${missing.join(', ')} (has: ${exported.join(', ') || 'none'}): build it with \`make policy\``,
    );
  }
}
