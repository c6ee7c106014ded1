import { AppError } from '../errors/index.js';
import { ConfigError, defaultHostVersion, formatIssue } from '../config/index.js';
import { SettingsError } from '../settings/index.js';
import { diffCommand, diffSpec } from './commands/diff/index.js';
import { disableCommand, disableSpec, enableCommand, enableSpec } from './commands/disable/index.js';
import { explainCommand, explainSpec } from './commands/explain/index.js';
import { harnessCommand, harnessSpec } from './commands/harness/index.js';
import { hashCommand, hashSpec } from './commands/hash/index.js';
import { migrateCommand, migrateSpec } from './commands/migrate/index.js';
import { newCommand, newSpec } from './commands/new/index.js';
import { validateCommand, validateSpec } from './commands/validate/index.js';
import { columns, EXIT, PROGRAM, UsageError, writeLines, type CommandSpec, type Io } from './shared/index.js';

export type Command = (argv: readonly string[], io: Io) => Promise<number>;

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly { spec: CommandSpec; run: Command }[] = [
  { spec: validateSpec, run: validateCommand },
  { spec: explainSpec, run: explainCommand },
  { spec: hashSpec, run: hashCommand },
  { spec: disableSpec, run: disableCommand },
  { spec: enableSpec, run: enableCommand },
  { spec: harnessSpec, run: harnessCommand },
  { spec: migrateSpec, run: migrateCommand },
  { spec: diffSpec, run: diffCommand },
  { spec: newSpec, run: newCommand },
];

function programHelp(): string {
  const lines = [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Tools for operators, policy authors and plugin authors of the Experience plugin platform.',
    '',
    'Commands:',
    ...columns(COMMANDS.map(({ spec }) => [spec.name, spec.summary]), '  '),
    '',
    `Run \`${PROGRAM} <command> --help\` for a command's options.`,
    '',
    'Exit codes (every command):',
    `  ${EXIT.ok}   ok`,
    `  ${EXIT.findings}   findings or errors (printed one per line)`,
    `  ${EXIT.widened}   diff: permissions were widened`,
    `  ${EXIT.usage}  bad command line`,
    `  ${EXIT.internal}  internal error (a bug: please report it with the message)`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Runs one command line (without `node` and the script) and returns the exit code. Never
 * throws: user errors become messages, a bug becomes exit 70.
 * @example process.exitCode = await run(['validate', 'config/plugins.yaml'], processIo());
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(programHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    io.stdout(`${defaultHostVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    io.stderr(`${PROGRAM}: unknown command "${name}"\nRun \`${PROGRAM} --help\` for the list of commands.\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return report(error, name, io);
  }
}

function report(error: unknown, name: string, io: Io): number {
  // A bad flag, or a bad variable standing in for one, is the command line's fault.
  if (error instanceof UsageError || error instanceof SettingsError) {
    io.stderr(`${PROGRAM} ${name}: ${error.message}\nRun \`${PROGRAM} ${name} --help\` for usage.\n`);
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    writeLines(io.stderr, error.issues.map(formatIssue));
    return EXIT.findings;
  }
  if (error instanceof AppError) {
    io.stderr(`${PROGRAM} ${name}: ${error.message}\n`);
    return EXIT.findings;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`${PROGRAM} ${name}: internal error: ${detail}\n`);
  return EXIT.internal;
}
