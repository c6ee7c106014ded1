import { createHash } from 'node:crypto';
import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { ApiDecisionCache, type ApiCacheOptions } from './api-cache.js';
import { CATALOGUES, parseCatalogue, type CatalogueName, type ReasonCatalogues } from './catalogue.js';
import { ENTRYPOINTS, type EntrypointName } from './entrypoints.js';
import { wholeDocument, type EngineData } from './data.js';
import { EngineLoadError, toError } from './errors.js';
import { PolicyInstances } from './instances.js';
import { revisionOf } from './module.js';
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
  /**
   * The serving engine, on a reload: when `wasm` is the same module, its compiled module and the
   * instances of the shards whose digest it holds are kept instead of loaded again.
   */
  previous?: WasmEngine;
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
  readonly reasons: ReasonCatalogues;
  /** How many of its instances it loaded itself (the rest are shared with the engine it was given as `previous`). */
  readonly loadedShards: number;
  readonly #module: { digest: string; compiled: WebAssembly.Module };
  readonly #instances: PolicyInstances;
  readonly #cache: ApiDecisionCache | undefined;
  readonly #onError: WasmEngineOptions['onError'];

  private constructor(
    module: { digest: string; compiled: WebAssembly.Module },
    instances: PolicyInstances,
    loadedShards: number,
    revision: EngineRevision,
    reasons: ReasonCatalogues,
    options: WasmEngineOptions,
  ) {
    this.#module = module;
    this.#instances = instances;
    this.loadedShards = loadedShards;
    this.revision = revision;
    this.reasons = reasons;
    this.#cache = options.cache === false ? undefined : new ApiDecisionCache(options.cache);
    this.#onError = options.onError;
  }

  /**
   * Compiles the module, checks it is an OPA policy with every entrypoint, and sets the data
   * (shard by shard, one per event-loop turn). Throws EngineLoadError.
   */
  static async create(options: WasmEngineOptions): Promise<WasmEngine> {
    const required = [...Object.values(ENTRYPOINTS), ...Object.values(CATALOGUES).map((c) => c.entrypoint)];
    const data = options.data ?? wholeDocument(options.dataJson);
    const digest = createHash('sha256').update(options.wasm).digest('hex');
    const previous = options.previous && options.previous.#module.digest === digest ? options.previous : undefined;
    const module = previous ? previous.#module.compiled : await compilePolicyModule(options.wasm);
    // Every shard's instance is of this one module, so each serves every entrypoint it exports
    // (the explanation and tooling ones too, which the BFF does not ask).
    const instances = await PolicyInstances.load(module, data, required, previous ? previous.#instances : undefined);
    const loadedShards = previous ? instances.distinctFrom(previous.#instances) : instances.size;
    // The catalogues depend on neither input nor data: any instance answers them.
    const reasons = previous ? previous.reasons : readCatalogues(instances.for(undefined));
    return new WasmEngine({ digest, compiled: module }, instances, loadedShards, revisionOf(options.wasm, data.digest), reasons, options);
  }

  /**
   * Whether a decision's reason is one its catalogue declares, with the same allow: anything else
   * is a policy bug, told to onError and answered as no usable result (deny).
   */
  #declared(name: CatalogueName, decision: { allow: boolean; reason: string }): boolean {
    const known = this.reasons[name].get(decision.reason);
    if (known && known.allow === decision.allow) return true;
    const what = known ? `gives allow: ${decision.allow} with reason "${decision.reason}", which its catalogue says ${known.allow ? 'allows' : 'denies'}` : `gives reason "${decision.reason.slice(0, 80)}", which is not in ${CATALOGUES[name].entrypoint}`;
    this.#onError?.(new Error(`experience/${name}/decision ${what}`), name);
    return false;
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
    const plugin_id = input.plugin_id ?? null;
    const key = this.#cache ? ApiDecisionCache.key(input.tenant, plugin_id, input.method, input.path) : '';
    const cached = this.#cache?.get(key);
    if (cached) return cached;
    // Built only on a miss: a cached answer needs no input object.
    const normalized: Required<ApiInput> = { tenant: input.tenant, plugin_id, method: input.method, path: input.path };
    const out = this.#evaluate('api', normalized);
    if ('failed' in out) return { allow: false, reason: out.failed };
    const decision = asApiDecision(out.value);
    if (!decision || !this.#declared('api', decision)) return { allow: false, reason: 'undefined_result' };
    this.#cache?.set(key, decision);
    return decision;
  }

  sse(input: SseInput): SseDecision {
    const normalized: SseInput = { ...input, plugin_id: input.plugin_id ?? null };
    const out = this.#evaluate('sse', normalized);
    if ('failed' in out) return { allow: false, reason: out.failed };
    const decision = asSseDecision(out.value);
    return decision && this.#declared('sse', decision) ? decision : { allow: false, reason: 'undefined_result' };
  }

  contributions(input: ContributionsInput): ContributionsDecision {
    const out = this.#evaluate('contributions', input);
    if ('failed' in out) return { plugins: [], reason: out.failed };
    return asContributionsDecision(out.value) ?? { plugins: [], reason: 'undefined_result' };
  }

  authz(input: AuthzInput): AuthzDecision {
    const out = this.#evaluate('authz', input);
    if ('failed' in out) return { allow: false, reason: out.failed };
    const decision = asAuthzDecision(out.value);
    return decision && this.#declared('authz', decision) ? decision : { allow: false, reason: 'undefined_result' };
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

/** Reads every reason catalogue once (they depend on neither input nor data). Throws EngineLoadError. */
function readCatalogues(policy: LoadedPolicy): ReasonCatalogues {
  const read = (name: CatalogueName) => {
    const { entrypoint } = CATALOGUES[name];
    let value: unknown;
    try {
      value = singleResult(policy.evaluate({}, entrypoint));
    } catch (thrown) {
      throw new EngineLoadError('policy_catalogue_invalid', `${entrypoint} could not be evaluated: ${toError(thrown, entrypoint).message}`, { cause: thrown });
    }
    return parseCatalogue(name, value);
  };
  return { api: read('api'), sse: read('sse'), authz: read('authz') };
}

/** Loads a WasmEngine; see WasmEngine.create. */
export function createWasmEngine(options: WasmEngineOptions): Promise<WasmEngine> {
  return WasmEngine.create(options);
}
