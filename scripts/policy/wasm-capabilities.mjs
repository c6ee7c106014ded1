#!/usr/bin/env node
// Generates policy/capabilities.json: the capabilities of our OPA version, restricted to the
// builtins that OPA's Wasm compiler implements natively, so that `opa build -t wasm
// --capabilities policy/capabilities.json` rejects any other builtin at build time.
//
// How the list is derived (no hand-kept list to drift):
//   1. `opa version` gives the OPA version V of the CLI we build with.
//   2. In the Go module cache, opa@V/internal/compiler/wasm/wasm.go holds `builtinsFunctions`, the map from
//      `ast.<Var>.Name` to the native Wasm function; `IsWasmEnabled` adds `eq` and `assign`, which the planner
//      compiles out. Builtins outside that map become "external" functions that a host (npm-opa-wasm) must
//      implement in JS, or evaluation fails at run time: exactly what we want to rule out.
//   3. opa@V/v1/ast/compile.go's `rewriteRegoMetadataCalls` replaces every `rego.metadata.rule()` and
//      `rego.metadata.chain()` call with the rule's annotations as a constant, before planning, but only when
//      the builtin is in the capabilities (`c.builtins[RegoMetadata<X>.Name]`). They never reach Wasm, so they
//      are admitted too: the policies derive their reasons from metadata.
//   4. opa@V/v1/ast/builtins.go maps each `var <Var> = &Builtin{Name: "<name>"` to the builtin's name.
//   5. `opa capabilities --current` is filtered to those names. This CLI is built without a Wasm runtime,
//      so `--current` lacks `wasm_abi_versions`; it is taken from `opa capabilities --version vV` (the
//      release's published capabilities), which `opa build -t wasm` checks against its compiler's ABI.
//
// Usage: node scripts/policy/wasm-capabilities.mjs [--check] [output]   (default output policy/capabilities.json)
// Env:   OPA (default .tools/bin/opa), OPA_SRC (default $(go env GOMODCACHE)/github.com/open-policy-agent/opa@vV)
// --check exits 1 when the committed file differs from what would be generated.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const check = args.includes('--check');
const output = resolve(args.find((a) => !a.startsWith('--')) ?? 'policy/capabilities.json');
const opa = process.env.OPA ?? '.tools/bin/opa';

const run = (cmd, cmdArgs) => execFileSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

function fail(message) {
  console.error(`wasm-capabilities: ${message}`);
  process.exit(1);
}

function opaVersion() {
  const match = /^Version:\s*(\S+)/m.exec(run(opa, ['version']));
  if (!match) fail(`cannot read the version from \`${opa} version\``);
  return match[1];
}

function moduleCache() {
  try {
    const dir = run('go', ['env', 'GOMODCACHE']).trim();
    if (dir) return dir;
  } catch {
    // no Go toolchain: fall back on Go's default location
  }
  return join(homedir(), 'go', 'pkg', 'mod');
}

/** Variable names (`ast.<Var>.Name`) of the builtins the Wasm compiler implements natively. */
function nativeBuiltinVars(src) {
  const text = readFileSync(join(src, 'internal/compiler/wasm/wasm.go'), 'utf8');
  const map = /var builtinsFunctions = map\[string\]string\{([\s\S]*?)\n\}/.exec(text);
  const enabled = /func IsWasmEnabled\(bi string\) bool \{([\s\S]*?)\n\}/.exec(text);
  if (!map || !enabled) fail('builtinsFunctions or IsWasmEnabled not found in wasm.go; has OPA changed?');
  const vars = [...map[1].matchAll(/^\s*ast\.(\w+)\.Name:/gm)].map((m) => m[1]);
  const planned = [...enabled[1].matchAll(/ast\.(\w+)\.Name/g)].map((m) => m[1]);
  if (vars.length < 50) fail(`only ${vars.length} native builtins found in wasm.go; has the format changed?`);
  return new Set([...vars, ...planned]);
}

/** Variable names of the builtins the compiler rewrites into constants before planning. */
function compileTimeBuiltinVars(src) {
  const text = readFileSync(join(src, 'v1/ast/compile.go'), 'utf8');
  const fn = /func \(c \*Compiler\) rewriteRegoMetadataCalls\(\) \{([\s\S]*?)\n\}/.exec(text);
  if (!fn) fail('rewriteRegoMetadataCalls not found in compile.go; has OPA changed?');
  const vars = [...fn[1].matchAll(/c\.builtins\[(\w+)\.Name\]/g)].map((m) => m[1]);
  if (vars.length === 0) fail('no builtins gated in rewriteRegoMetadataCalls; has OPA changed?');
  return vars;
}

/** Map of `ast.<Var>` to builtin name, from v1/ast/builtins.go. */
function builtinNames(src) {
  const text = readFileSync(join(src, 'v1/ast/builtins.go'), 'utf8');
  return new Map([...text.matchAll(/^var (\w+) = &Builtin\{\s*Name:\s*"([^"]+)"/gm)].map((m) => [m[1], m[2]]));
}

const version = opaVersion();
const src = process.env.OPA_SRC ?? join(moduleCache(), 'github.com', 'open-policy-agent', `opa@v${version}`);
if (!existsSync(src)) fail(`OPA ${version} source not found at ${src} (set OPA_SRC, or \`go mod download\`)`);

const names = builtinNames(src);
const native = new Set();
for (const v of [...nativeBuiltinVars(src), ...compileTimeBuiltinVars(src)]) {
  if (!names.has(v)) fail(`ast.${v} is not declared in v1/ast/builtins.go`);
  native.add(names.get(v));
}

const current = JSON.parse(run(opa, ['capabilities', '--current']));
const builtins = current.builtins.filter((b) => native.has(b.name));
const missing = [...native].filter((n) => !builtins.some((b) => b.name === n));
if (missing.length > 0) fail(`natively implemented but unknown to \`opa capabilities\`: ${missing.join(', ')}`);

const wasmAbi = current.wasm_abi_versions ?? JSON.parse(run(opa, ['capabilities', '--version', `v${version}`])).wasm_abi_versions;
if (!wasmAbi) fail('no wasm_abi_versions in the capabilities of this OPA version');

const result = `${JSON.stringify({ ...current, builtins, wasm_abi_versions: wasmAbi }, null, 2)}\n`;
if (check) {
  const committed = existsSync(output) ? readFileSync(output, 'utf8') : '';
  if (committed !== result) fail(`${output} is out of date; run node scripts/policy/wasm-capabilities.mjs`);
  console.log(`${output} is up to date (OPA ${version}, ${builtins.length} builtins)`);
} else {
  writeFileSync(output, result);
  console.log(`wrote ${output}: OPA ${version}, ${builtins.length} of ${current.builtins.length} builtins (native in Wasm or compiled away)`);
}
