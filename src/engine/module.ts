import { createHash } from 'node:crypto';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { EngineLoadError, toError } from './errors.js';
import { compilePolicyModule } from './policy-module.js';
import type { EngineRevision } from './types.js';

const WASM_PAGE = 64 * 1024;

function shortHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

/** A policy module with its data set, and what identifies it. */
export interface LoadedModule {
  policy: LoadedPolicy;
  revision: EngineRevision;
}

/**
 * Loads policy.wasm, checks that it exports `required`, and sets the data document (JSON text).
 * Shared by the decision engine (the BFF) and the policy tools (the CLI), so both read a module the
 * same way. Throws EngineLoadError.
 */
export async function loadModule(wasm: Uint8Array, dataJson: string, required: readonly string[]): Promise<LoadedModule> {
  let data: unknown;
  try {
    data = JSON.parse(dataJson);
  } catch (cause) {
    throw new EngineLoadError('policy_data_invalid', 'the policy data is not valid JSON', { cause });
  }
  const module = await compilePolicyModule(wasm);
  let policy: LoadedPolicy;
  try {
    // Start with room for the data document; opa-wasm grows memory as needed up to the maximum.
    const initial = Math.max(8, Math.ceil((dataJson.length * 4) / WASM_PAGE));
    policy = await loadPolicy(module, { initial, maximum: 16_384 });
  } catch (thrown) {
    throw new EngineLoadError('policy_load_failed', `the OPA policy could not be instantiated: ${toError(thrown, 'load').message}`, {
      cause: thrown,
    });
  }
  const exported = Object.keys((policy.entrypoints ?? {}) as Record<string, number>);
  const missing = required.filter((e) => !exported.includes(e));
  if (missing.length > 0) {
    throw new EngineLoadError(
      'policy_entrypoints_missing',
      `the policy lacks entrypoint(s) ${missing.join(', ')} (has: ${exported.join(', ') || 'none'}): build it with \`make policy\``,
    );
  }
  try {
    policy.setData(data as object);
  } catch (thrown) {
    throw new EngineLoadError('policy_data_invalid', `the policy data could not be set: ${toError(thrown, 'setData').message}`, {
      cause: thrown,
    });
  }
  return { policy, revision: { policy: shortHash(wasm), data: shortHash(dataJson), loadedAt: new Date().toISOString() } };
}
