/**
 * Compiles a policy module and says precisely what is wrong with one that is not a usable OPA
 * policy, before opa-wasm sees it (which fails on a non-OPA module with a TypeError and
 * console noise).
 */
import { EngineLoadError, toError } from './errors.js';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
// What opa-wasm calls on every module `opa build -t wasm` writes.
const OPA_EXPORTS = ['opa_eval_ctx_new', 'opa_json_parse', 'opa_json_dump', 'builtins', 'entrypoints', 'eval'];

/** A compile error's text without the API prefix ("WebAssembly.compile(): ..."). */
function detail(thrown: unknown): string {
  return toError(thrown, 'compile').message.replace(/^WebAssembly\.\w+\(\): /, '');
}

/** Compiles `bytes` as an OPA policy module. Throws EngineLoadError (policy_not_wasm, policy_invalid_wasm, policy_not_opa). */
export async function compilePolicyModule(bytes: Uint8Array): Promise<WebAssembly.Module> {
  if (bytes.length === 0) throw new EngineLoadError('policy_not_wasm', 'the module is empty (0 bytes)');
  if (bytes.length < WASM_MAGIC.length || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new EngineLoadError('policy_not_wasm', 'not a WebAssembly module: it does not start with the Wasm magic bytes "\\0asm"');
  }
  let module: WebAssembly.Module;
  try {
    // The bytes come from readFile (an ArrayBuffer); lib.dom's BufferSource excludes SharedArrayBuffer views.
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (thrown) {
    throw new EngineLoadError('policy_invalid_wasm', `not a valid WebAssembly module (truncated or corrupt?): ${detail(thrown)}`, { cause: thrown });
  }
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = OPA_EXPORTS.filter((name) => !exported.has(name));
  if (missing.length > 0) {
    throw new EngineLoadError('policy_not_opa', `a WebAssembly module, but not an OPA policy (no ${missing.join(', ')} export): build it with \`opa build -t wasm\``);
  }
  return module;
}
