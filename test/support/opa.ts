import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The OPA CLI the tests use: `$OPA` (the Makefile exports it, relative to the repository) or the
 * pinned build. A path is made absolute, since some tests run opa in a temp folder (`opa sign`);
 * a bare name is left for PATH to find.
 */
const named = process.env.OPA ?? '.tools/bin/opa';
export const OPA_BIN = named.includes('/') ? resolve(named) : named;

/** Writes Rego sources to a temp folder and builds them to Wasm with the given entrypoints. */
export async function buildWasm(files: Record<string, string>, entrypoints: string[]): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'xp-wasm-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, 'src', name)), { recursive: true });
    await writeFile(join(dir, 'src', name), text);
  }
  const args = ['build', '-t', 'wasm', ...entrypoints.flatMap((e) => ['-e', e]), '-o', join(dir, 'b.tar.gz'), join(dir, 'src')];
  await run(OPA_BIN, args);
  await run('tar', ['-xzf', join(dir, 'b.tar.gz'), '-C', dir, '/policy.wasm']);
  return readFile(join(dir, 'policy.wasm'));
}

/** Runs `opa eval` once over a batch of inputs: one process, the reference topdown evaluator. */
export async function opaEvalBatch(options: {
  policyDir: string;
  dataJson: string;
  entrypoint: string;
  inputs: unknown[];
}): Promise<unknown[]> {
  const dir = await mkdtemp(join(tmpdir(), 'xp-eval-'));
  await writeFile(join(dir, 'data.json'), options.dataJson);
  await writeFile(join(dir, 'input.json'), JSON.stringify(options.inputs));
  const ref = `data.${options.entrypoint.replaceAll('/', '.')}`;
  const query = `out := [d | some x in input; d := ${ref} with input as x]`;
  const { stdout } = await run(
    OPA_BIN,
    ['eval', '--format', 'json', '--ignore', 'capabilities.json', '-d', options.policyDir, '-d', join(dir, 'data.json'), '-i', join(dir, 'input.json'), query],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const parsed = JSON.parse(stdout) as { result?: { bindings: { out: unknown[] } }[] };
  const out = parsed.result?.[0]?.bindings.out;
  if (!out || out.length !== options.inputs.length) {
    throw new Error(`opa eval returned ${out?.length ?? 'no'} results for ${options.inputs.length} inputs`);
  }
  return out;
}

/**
 * Copies policy/ to a temp folder, lets `edit` change it, runs its tests (`opa test`, as `make
 * policy-test` does) and builds it as the Makefile builds build/policy.wasm. Returns the module
 * and the copy's folder.
 */
export async function buildPolicyCopy(edit: (policyDir: string) => Promise<void>, options: { test?: boolean } = {}): Promise<{ wasm: Uint8Array; policyDir: string }> {
  const { cp } = await import('node:fs/promises');
  const { CATALOGUES, ENTRYPOINTS } = await import('../../src/engine/index.js');
  const dir = await mkdtemp(join(tmpdir(), 'xp-policy-copy-'));
  const policyDir = join(dir, 'policy');
  await cp(resolve('policy'), policyDir, { recursive: true });
  await edit(policyDir);
  if (options.test !== false) await run(OPA_BIN, ['test', policyDir, '--ignore', 'capabilities.json']);
  const entrypoints = [...Object.values(ENTRYPOINTS), ...Object.values(CATALOGUES).map((c) => c.entrypoint)];
  const bundle = join(dir, 'bundle.tar.gz');
  await run(OPA_BIN, ['build', '-t', 'wasm', ...entrypoints.flatMap((e) => ['-e', e]), '--capabilities', join(policyDir, 'capabilities.json'),
    '--ignore', '*_test.rego', '--ignore', 'capabilities.json', '-o', bundle, policyDir]);
  await run('tar', ['-xzf', bundle, '-C', dir, '/policy.wasm']);
  return { wasm: await readFile(join(dir, 'policy.wasm')), policyDir };
}
