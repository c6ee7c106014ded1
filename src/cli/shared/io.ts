/**
 * What a command may touch of its process: two output streams, the environment and the
 * working directory. Commands take an `Io` instead of `process`, so tests run them as
 * functions and read what they printed.
 */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths in arguments and environment variables are resolved against this. */
  cwd: string;
}

/** Exit codes, the same for every command (listed in each command's `--help`). */
export const EXIT = {
  /** Nothing to report. */
  ok: 0,
  /** Findings or errors (an invalid config, a failed harness check, a denied decision). */
  findings: 1,
  /** `diff` only: permissions were widened. */
  widened: 2,
  /** The command line itself was wrong (unknown option, missing argument). */
  usage: 64,
  /** A bug in this program; the message says what failed. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An `Io` bound to the real process. */
export function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Prints lines (each followed by a newline) to one stream. */
export function writeLines(write: (text: string) => void, lines: readonly string[]): void {
  if (lines.length > 0) write(`${lines.join('\n')}\n`);
}

/** Pretty JSON with a final newline: what `--json` prints. */
export function writeJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
