/**
 * Running `experience-plugins diff` over fixture files in a throwaway folder, for the diff
 * command's tests (src/cli/commands/diff/*.test.ts).
 */
import { run } from '../../src/cli/program.js';
import { captureIo, policyWasm, tempDir, writeFiles } from './support.js';

/** The old and new files, by the name diff is given them, in argument order. */
export type DiffFiles = Record<string, string>;

/** Runs `diff` over `files` (written under a temp folder, passed in order), with `args` after them. */
export async function runDiff(files: DiffFiles, ...args: string[]) {
  const dir = await tempDir();
  await writeFiles(dir, files);
  const io = captureIo(dir, { EXPERIENCE_VERSION: '1.4.0', POLICY_WASM: await policyWasm() });
  const code = await run(['diff', ...Object.keys(files), ...args], io);
  return { code, out: io.out(), err: io.err(), lines: io.out().trimEnd().split('\n') };
}

/**
 * `line:col` (1-based) of the first occurrence of `needle` in `text` (after the first `after`, when
 * given), moved `skip` characters on: where a finding should point.
 */
export function at(text: string, needle: string, options: { after?: string; skip?: number } = {}): string {
  const from = options.after === undefined ? 0 : text.indexOf(options.after);
  if (from < 0) throw new Error(`fixture has no ${JSON.stringify(options.after)}`);
  const found = text.indexOf(needle, from);
  const offset = found < 0 ? found : found + (options.skip ?? 0);
  if (found < 0) throw new Error(`fixture has no ${JSON.stringify(needle)}`);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before.at(-1) ?? '').length + 1}`;
}

/** A finding line with its columns collapsed to single spaces. */
export const squeeze = (line: string) => line.replace(/ +/g, ' ').trim();
