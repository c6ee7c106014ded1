import type { LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { TOOL_ENTRYPOINTS, type ToolEntrypointName } from './entrypoints.js';
import { PolicyToolError, toError } from './errors.js';
import { loadModule } from './module.js';
import { singleResult } from './shapes.js';
import {
  asCoversResult,
  asDeclaredResult,
  asExplainedApi,
  asExplainedAuthz,
  asExplainedContributions,
  asExplainedSse,
  asGrantedResult,
} from './tool-shapes.js';
import type {
  CoversInput,
  CoversResult,
  DeclaredInput,
  DeclaredResult,
  ExplainedApi,
  ExplainedAuthz,
  ExplainedContributions,
  ExplainedSse,
  GrantedInput,
  GrantedResult,
} from './tool-types.js';
import type { ApiInput, AuthzInput, ContributionsInput, EngineRevision, SseInput } from './types.js';

export interface PolicyToolsOptions {
  /** The compiled policy, the same module the BFF loads. */
  wasm: Uint8Array;
  /** The data document as JSON text (`{"registry": ...}`) for the explanations; the relations read none. */
  dataJson?: string;
}

/**
 * What the CLI asks the policy besides decisions: explanations (why a decision came out as it did,
 * one diagnosis per allow-list entry or grant) and the relations `diff`, `harness` and `validate`
 * need. Every answer comes from the policy's own rules; a failed or misshapen answer throws
 * PolicyToolError instead of passing for "nothing matched".
 * @example const tools = await createPolicyTools({ wasm }); tools.covers({ api: { outer, inner } }).api
 */
export class PolicyTools {
  readonly revision: EngineRevision;
  readonly #policy: LoadedPolicy;

  private constructor(policy: LoadedPolicy, revision: EngineRevision) {
    this.#policy = policy;
    this.revision = revision;
  }

  /** Loads the module, checks the tool entrypoints and sets the data. Throws EngineLoadError. */
  static async create(options: PolicyToolsOptions): Promise<PolicyTools> {
    const { policy, revision } = await loadModule(options.wasm, options.dataJson ?? '{}', Object.values(TOOL_ENTRYPOINTS));
    return new PolicyTools(policy, revision);
  }

  explainApi(input: ApiInput): ExplainedApi {
    return this.#ask('explainApi', { ...input, plugin_id: input.plugin_id ?? null }, asExplainedApi);
  }

  explainSse(input: SseInput): ExplainedSse {
    return this.#ask('explainSse', { ...input, plugin_id: input.plugin_id ?? null }, asExplainedSse);
  }

  explainContributions(input: ContributionsInput): ExplainedContributions {
    return this.#ask('explainContributions', input, asExplainedContributions);
  }

  explainAuthz(input: AuthzInput): ExplainedAuthz {
    return this.#ask('explainAuthz', input, asExplainedAuthz);
  }

  /** Which outer entry admits everything which inner entry admits (`diff`). */
  covers(input: CoversInput): CoversResult {
    return this.#ask('covers', input, asCoversResult);
  }

  /** How the declarations cover the paths and topics of plugin code (`harness`). */
  declared(input: DeclaredInput): DeclaredResult {
    const out = this.#ask('declared', input, asDeclaredResult);
    if (out.paths.length !== input.paths.length || out.topics.length !== input.topics.length) {
      throw new PolicyToolError(`${TOOL_ENTRYPOINTS.declared}: answered for a different number of paths or topics`);
    }
    return out;
  }

  /** Whether anyone is granted each resource/action (`validate`). */
  granted(input: GrantedInput): GrantedResult {
    const out = this.#ask('granted', input, asGrantedResult);
    if (out.granted.length !== input.wanted.length) {
      throw new PolicyToolError(`${TOOL_ENTRYPOINTS.granted}: answered for ${out.granted.length} of ${input.wanted.length} resources`);
    }
    return out;
  }

  #ask<T>(name: ToolEntrypointName, input: object, guard: (v: unknown) => T | undefined): T {
    const entrypoint = TOOL_ENTRYPOINTS[name];
    let value: unknown;
    try {
      value = singleResult(this.#policy.evaluate(input, entrypoint));
    } catch (thrown) {
      throw new PolicyToolError(`${entrypoint} failed: ${toError(thrown, entrypoint).message}`, { cause: thrown });
    }
    const out = guard(value);
    if (out === undefined) throw new PolicyToolError(`${entrypoint} gave ${value === undefined ? 'no result' : 'a result of the wrong shape'}`);
    return out;
  }
}

/** Loads PolicyTools; see PolicyTools.create. */
export function createPolicyTools(options: PolicyToolsOptions): Promise<PolicyTools> {
  return PolicyTools.create(options);
}
