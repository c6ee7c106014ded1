import { createHash } from 'node:crypto';
import { ApiDecisionCache, type ApiCacheOptions } from './api-cache.js';
import { wholeDocument, type EngineData } from './data.js';
import { ENTRYPOINTS, type EntrypointName } from './entrypoints.js';
import { toError } from './errors.js';
import { PolicyInstances } from './instances.js';
import { compilePolicyModule } from './policy-module.js';
import {
  asApiDecision,
  asAuthzDecision,
  asContributionsDecision,
  asSseDecision,
  singleResult,
} from './shapes.js';
import type {
  ApiDecision,
  ApiInput,
  AuthzDecision,
  AuthzInput,
  ContributionsDecision,
  ContributionsInput,
  DecisionEngine,
  EngineFailureReason,
  EngineRevision,
  SseDecision,
  SseInput,
} from './types.js';

interface EngineOptions {
  /** The compiled policy (`opa build -t wasm` -> policy.wasm). */
  wasm: Uint8Array;
  /** Decision cache for `api`; `false` turns it off (the benchmark compares both). */
  cache?: ApiCacheOptions | false;
  /** Told about every evaluation failure; the decision is a deny either way. */
  onError?: (error: Error, entrypoint: EntrypointName) => void;
}

/** The data as one JSON text (`dataDocumentJson`), or in shards by tenant (`shardDataDocument`). */
export type WasmEngineOptions = EngineOptions &
  (
    | { /** The whole OPA data document as JSON text, e.g. `{"registry": {...}}`. */ dataJson: string; data?: never }
    | { /** The data document in shards, loaded one per event-loop turn. */ data: EngineData; dataJson?: never }
  );

/**
 * A DecisionEngine backed by opa-wasm instances with their data set once: one, or one per data
 * shard, each decision made on its tenant's. Evaluation is synchronous and single-threaded, so
 * the instances serve every request of the process.
 */
export class WasmEngine implements DecisionEngine {
  readonly revision: EngineRevision;
  readonly #instances: PolicyInstances;
  readonly #cache: ApiDecisionCache | undefined;
  readonly #onError: WasmEngineOptions['onError'];

  private constructor(instances: PolicyInstances, revision: EngineRevision, options: WasmEngineOptions) {
    this.#instances = instances;
    this.revision = revision;
    this.#cache = options.cache === false ? undefined : new ApiDecisionCache(options.cache);
    this.#onError = options.onError;
  }

  /**
   * Compiles the module, checks it is an OPA policy with every entrypoint, and sets the data
   * (shard by shard, one per event-loop turn). Throws EngineLoadError.
   */
  static async create(options: WasmEngineOptions): Promise<WasmEngine> {
    const data = options.data ?? wholeDocument(options.dataJson);
    const module = await compilePolicyModule(options.wasm);
    const instances = await PolicyInstances.load(module, data, Object.values(ENTRYPOINTS));
    const revision: EngineRevision = {
      policy: createHash('sha256').update(options.wasm).digest('hex').slice(0, 12),
      data: data.digest.slice(0, 12),
      loadedAt: new Date().toISOString(),
    };
    return new WasmEngine(instances, revision, options);
  }

  /** Evaluates one entrypoint; `undefined` means no usable result, `failed` says why. */
  #evaluate(name: EntrypointName, input: { tenant: string }): { value: unknown } | { failed: EngineFailureReason } {
    try {
      const value = singleResult(this.#instances.for(input.tenant).evaluate(input, ENTRYPOINTS[name]));
      return value === undefined ? { failed: 'undefined_result' } : { value };
    } catch (thrown) {
      this.#onError?.(toError(thrown, ENTRYPOINTS[name]), name);
      return { failed: 'evaluation_error' };
    }
  }

  api(input: ApiInput): ApiDecision {
    const normalized: Required<ApiInput> = {
      tenant: input.tenant,
      plugin_id: input.plugin_id ?? null,
      method: input.method,
      path: input.path,
    };
    const key = this.#cache ? ApiDecisionCache.key(normalized) : '';
    const cached = this.#cache?.get(key);
    if (cached) return cached;
    const out = this.#evaluate('api', normalized);
    if ('failed' in out) return { allow: false, reason: out.failed };
    const decision = asApiDecision(out.value);
    if (!decision) return { allow: false, reason: 'undefined_result' };
    this.#cache?.set(key, decision);
    return decision;
  }

  sse(input: SseInput): SseDecision {
    const normalized: SseInput = { ...input, plugin_id: input.plugin_id ?? null };
    const out = this.#evaluate('sse', normalized);
    if ('failed' in out) return { allow: false, reason: out.failed };
    return asSseDecision(out.value) ?? { allow: false, reason: 'undefined_result' };
  }

  contributions(input: ContributionsInput): ContributionsDecision {
    const out = this.#evaluate('contributions', input);
    if ('failed' in out) return { plugins: [], reason: out.failed };
    return asContributionsDecision(out.value) ?? { plugins: [], reason: 'undefined_result' };
  }

  authz(input: AuthzInput): AuthzDecision {
    const out = this.#evaluate('authz', input);
    if ('failed' in out) return { allow: false, reason: out.failed };
    return asAuthzDecision(out.value) ?? { allow: false, reason: 'undefined_result' };
  }

  /** Entries in the API decision cache (for metrics and tests). */
  get cacheSize(): number {
    return this.#cache?.size ?? 0;
  }

  /** How many Wasm instances (data shards) it decides on. */
  get shards(): number {
    return this.#instances.size;
  }
}

/** Loads a WasmEngine; see WasmEngine.create. */
export function createWasmEngine(options: WasmEngineOptions): Promise<WasmEngine> {
  return WasmEngine.create(options);
}
