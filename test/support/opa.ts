import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The OPA CLI the tests use: `$OPA` (the Makefile exports it) or the pinned build. */
export const OPA_BIN = process.env.OPA ?? resolve('.tools/bin/opa');

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
