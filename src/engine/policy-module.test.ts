import { describe, expect, it } from 'vitest';
import { EngineLoadError } from './errors.js';
import { compilePolicyModule } from './policy-module.js';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];
const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);

// A valid module exporting one function named `eval` (type () -> (), empty body): Wasm, but not OPA.
const EVAL_ONLY = bytes(
  ...MAGIC, ...VERSION,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: one () -> ()
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x07, 0x08, 0x01, 0x04, 0x65, 0x76, 0x61, 0x6c, 0x00, 0x00, // export "eval" = func 0
  0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, // code section: empty body
);

describe('compilePolicyModule', () => {
  it.each([
    ['an empty file', bytes(), 'policy_not_wasm', /^the module is empty/],
    ['a text file', text('not wasm'), 'policy_not_wasm', /^not a WebAssembly module/],
    ['a gzip tarball (the bundle instead of its policy.wasm)', bytes(0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0), 'policy_not_wasm', /magic bytes/],
    ['three bytes of the magic', bytes(0x00, 0x61, 0x73), 'policy_not_wasm', /magic bytes/],
    ['the magic alone (truncated)', bytes(...MAGIC), 'policy_invalid_wasm', /^not a valid WebAssembly module \(truncated or corrupt\?\): \S/],
    ['a section cut short (truncated)', bytes(...MAGIC, ...VERSION, 0x01, 0x0a, 0x00), 'policy_invalid_wasm', /truncated or corrupt/],
    ['another Wasm version', bytes(...MAGIC, 0x02, 0x00, 0x00, 0x00), 'policy_invalid_wasm', /truncated or corrupt/],
    ['a valid but empty module', bytes(...MAGIC, ...VERSION), 'policy_not_opa', /not an OPA policy \(no opa_eval_ctx_new, .*eval export\): build it with `opa build -t wasm`/],
    ['a module that exports only eval', EVAL_ONLY, 'policy_not_opa', /not an OPA policy \(no opa_eval_ctx_new, opa_json_parse, opa_json_dump, builtins, entrypoints export\)/],
  ])('refuses %s with %s', async (_what, wasm, code, message) => {
    const error = await compilePolicyModule(wasm).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineLoadError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message), file: undefined });
    // The engine only sees bytes: its messages never name a file, and never the API behind them.
    expect((error as Error).message).not.toMatch(/policy\.wasm|WebAssembly\.\w+\(\)/);
  });
});
