/**
 * How a policy module becomes a usable opa-wasm instance, shared by the decision engine (the BFF,
 * one instance per data shard) and the policy tools (the CLI), so both read a module the same way.
 */
import { createHash } from 'node:crypto';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { shardBytes, wholeDocument } from './data.js';
import { EngineLoadError, toError } from './errors.js';
import { compilePolicyModule } from './policy-module.js';
import type { EngineRevision } from './types.js';

const WASM_PAGE = 64 * 1024;
const MAX_PAGES = 16_384; // 1 GiB per instance
// OPA's heap holds about 15 bytes per byte of data JSON (measured: 14.5-16 on generated
// configs). Its allocator grows memory a page at a time, which made an 8 MB document take 3.5 s
// instead of 0.12 s: start with room to spare. Pages never written cost address space, not RSS.
const HEAP_PER_BYTE = 20;
const HEAP_BASE = 2 * 1024 * 1024;

/**
 * Instantiates a compiled policy with memory sized up front for `dataBytes` of data JSON.
 * Throws EngineLoadError (policy_load_failed).
 */
export async function instantiatePolicy(module: WebAssembly.Module, dataBytes: number): Promise<LoadedPolicy> {
  const initial = Math.min(MAX_PAGES, Math.max(8, Math.ceil((dataBytes * HEAP_PER_BYTE + HEAP_BASE) / WASM_PAGE)));
  try {
    return await loadPolicy(module, { initial, maximum: MAX_PAGES });
  } catch (thrown) {
    throw new EngineLoadError('policy_load_failed', `the OPA policy could not be instantiated: ${toError(thrown, 'load').message}`, { cause: thrown });
  }
}

/** Throws EngineLoadError (policy_entrypoints_missing) unless `policy` exports every one of `required`. */
export function checkEntrypoints(policy: LoadedPolicy, required: readonly string[]): void {
  const exported = Object.keys((policy.entrypoints ?? {}) as Record<string, number>);
  const missing = required.filter((e) => !exported.includes(e));
  if (missing.length > 0) {
    throw new EngineLoadError(
      'policy_entrypoints_missing',
      `the policy lacks entrypoint(s) ${missing.join(', ')} (has: ${exported.join(', ') || 'none'}): build it with \`make policy\``,
    );
  }
}

/** Sets an instance's data from JSON bytes. Throws EngineLoadError (policy_data_invalid). */
export function setPolicyData(policy: LoadedPolicy, bytes: ArrayBuffer): void {
  try {
    policy.setData(bytes);
  } catch (thrown) {
    throw new EngineLoadError('policy_data_invalid', `the policy data could not be set: ${toError(thrown, 'setData').message}`, { cause: thrown });
  }
}

/** A policy module with its data set, and what identifies it. */
export interface LoadedModule {
  policy: LoadedPolicy;
  revision: EngineRevision;
}

/**
 * Loads policy.wasm as one instance, checks that it exports `required`, and sets the whole data
 * document (JSON text). Throws EngineLoadError.
 */
export async function loadModule(wasm: Uint8Array, dataJson: string, required: readonly string[]): Promise<LoadedModule> {
  const data = wholeDocument(dataJson);
  const module = await compilePolicyModule(wasm);
  const bytes = shardBytes(dataJson);
  const policy = await instantiatePolicy(module, bytes.byteLength);
  checkEntrypoints(policy, required);
  setPolicyData(policy, bytes);
  return { policy, revision: revisionOf(wasm, data.digest) };
}

/** The revision of an engine or tool set loaded now from `wasm` and data with `digest` (sha256 hex). */
export function revisionOf(wasm: Uint8Array, digest: string): EngineRevision {
  return { policy: createHash('sha256').update(wasm).digest('hex').slice(0, 12), data: digest.slice(0, 12), loadedAt: new Date().toISOString() };
}
