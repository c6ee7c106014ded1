import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { ApiDecisionCache, type ApiCacheOptions } from './api-cache.js';
import { ENTRYPOINTS, type EntrypointName } from './entrypoints.js';
import { toError } from './errors.js';
import { loadModule } from './module.js';
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

export interface WasmEngineOptions {
  /** The compiled policy (`opa build -t wasm` -> policy.wasm). */
  wasm: Uint8Array;
  /** The whole OPA data document as JSON text, e.g. `{"registry": {...}}`. */
  dataJson: string;
  /** Decision cache for `api`; `false` turns it off (the benchmark compares both). */
  cache?: ApiCacheOptions | false;
  /** Told about every evaluation failure; the decision is a deny either way. */
  onError?: (error: Error, entrypoint: EntrypointName) => void;
}

/**
 * A DecisionEngine backed by one opa-wasm instance with its data set once. Evaluation is
 * synchronous and single-threaded, so one instance serves every request of the process.
 */
export class WasmEngine implements DecisionEngine {
  readonly revision: EngineRevision;
  readonly #policy: LoadedPolicy;
  readonly #cache: ApiDecisionCache | undefined;
  readonly #onError: WasmEngineOptions['onError'];

  private constructor(policy: LoadedPolicy, revision: EngineRevision, options: WasmEngineOptions) {
    this.#policy = policy;
    this.revision = revision;
    this.#cache = options.cache === false ? undefined : new ApiDecisionCache(options.cache);
    this.#onError = options.onError;
  }

  /** Compiles the module, checks it is an OPA policy with every entrypoint, and sets the data. Throws EngineLoadError. */
  static async create(options: WasmEngineOptions): Promise<WasmEngine> {
    const { policy, revision } = await loadModule(options.wasm, options.dataJson, Object.values(ENTRYPOINTS));
    return new WasmEngine(policy, revision, options);
  }

  /** Evaluates one entrypoint; `undefined` means no usable result, `failed` says why. */
  #evaluate(name: EntrypointName, input: object): { value: unknown } | { failed: EngineFailureReason } {
    try {
      const value = singleResult(this.#policy.evaluate(input, ENTRYPOINTS[name]));
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
    const out = this.#evaluate('sse', { ...input, plugin_id: input.plugin_id ?? null });
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
}

/** Loads a WasmEngine; see WasmEngine.create. */
export function createWasmEngine(options: WasmEngineOptions): Promise<WasmEngine> {
  return WasmEngine.create(options);
}
