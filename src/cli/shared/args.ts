import { parseArgs } from 'node:util';
import { EXIT, type Io } from './io.js';

/** The program's name, as `npx experience-plugins` runs it. */
export const PROGRAM = 'experience-plugins';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in `--help`, e.g. `<file>`. */
  value?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** One line, shown in the program's command list. */
  summary: string;
  /** Synopsis lines, without the program name. */
  usage: readonly string[];
  /** What the command does, a few lines. */
  description: string;
  options: Readonly<Record<string, OptionSpec>>;
  positionals: { min: number; max: number };
  exitCodes: readonly (readonly [number, string])[];
  examples?: readonly string[];
}

/** The command line was wrong: printed with a pointer to `--help`, exit 64. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

export type Parsed = { help: true } | { help: false; values: Values; positionals: string[] };

const HELP: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };

/** Parses a command's arguments strictly (unknown options and missing values are usage errors). */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options = { ...spec.options, help: HELP };
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(options)) {
    config[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(cleanParseError(error));
  }
  if (parsed.values['help'] === true) return { help: true };
  const { min, max } = spec.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`missing argument (usage: ${PROGRAM} ${spec.usage[0] ?? spec.name})`);
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals[max];
    throw new UsageError(max === 0 ? `unexpected argument "${extra}"` : `too many arguments (unexpected "${extra}")`);
  }
  return { help: false, values: parsed.values as Values, positionals: parsed.positionals };
}

// node:util errors read like "Unknown option '--foo'. To specify a positional argument starting with a '-', ...".
function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('. To specify')[0] ?? message).replace(/^Option '([^']+)' argument missing$/, 'option $1 needs a value');
}

/** A command's parsed arguments, once `--help` has been answered. */
export type Args = { values: Values; positionals: string[] };

/**
 * A command's entry point: parses `argv` by its spec and answers `--help` itself, so the body
 * only ever sees a real invocation.
 * @example export const diffCommand = command(diffSpec, async ({ values, positionals }, io) => EXIT.ok);
 */
export function command(spec: CommandSpec, body: (args: Args, io: Io) => Promise<number>): (argv: readonly string[], io: Io) => Promise<number> {
  return async (argv, io) => {
    const parsed = parseCommand(spec, argv);
    if (parsed.help) {
      io.stdout(renderHelp(spec));
      return EXIT.ok;
    }
    return body(parsed, io);
  };
}

/** A string option's value, if given. */
export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable string option; comma-separated items are split too (`--roles a,b --roles c`). */
export function list(values: Values, name: string): string[] | undefined {
  const v = values[name];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined;
  return items?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** `--help` text: synopsis, description, options, exit codes, examples. */
export function renderHelp(spec: CommandSpec): string {
  const lines: string[] = [];
  lines.push(`Usage: ${spec.usage.map((u) => `${PROGRAM} ${u}`).join('\n       ')}`, '', spec.description.trimEnd(), '', 'Options:');
  const rows = Object.entries({ ...spec.options, help: HELP }).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : '    ';
    const value = o.type === 'string' ? ` ${o.value ?? '<value>'}` : '';
    return [`  ${short}--${name}${value}`, o.help + (o.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  for (const [left, help] of rows) lines.push(left.padEnd(width) + help);
  lines.push('', 'Exit codes:');
  for (const [code, text] of spec.exitCodes) lines.push(`  ${String(code).padEnd(4)}${text}`);
  if (spec.examples && spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const example of spec.examples) lines.push(`  ${example}`);
  }
  return `${lines.join('\n')}\n`;
}
