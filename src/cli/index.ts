/**
 * The `experience-plugins` command-line program (operators, policy authors, plugin authors):
 * validate, explain, hash, harness, migrate, diff, new. `main.ts` is the executable; everything
 * here also runs as functions, with an injected `Io`, for tests and other tools.
 * Layout: `commands/<name>/` holds a command (index.ts: its spec, run and public functions; its
 * helpers and tests beside it), `shared/` what several commands use; `program.ts` lists them.
 * @example const code = await run(['diff', 'old.yaml', 'new.yaml'], processIo());
 */
export { run, COMMANDS, type Command } from './program.js';
export { EXIT, processIo, PROGRAM, UsageError, CliError, integrityOf, normalizeManifest, type ExitCode, type Io, type CommandSpec, type MigrationNote } from './shared/index.js';
export { validateConfig, type ValidateOptions, type ValidateResult } from './commands/validate/index.js';
export { loadExplainer, explain, type LoadedExplainer, type Explanation } from './commands/explain/index.js';
export { applyIntegrity, type IntegrityEdit, type IntegrityChange } from './commands/hash/index.js';
export { runHarness, DEFAULT_MAX_SIZE, type HarnessReport } from './commands/harness/index.js';
export { migrateManifests, type MigrationResult } from './commands/migrate/index.js';
export { diffConfigs, type DiffChange } from './commands/diff/index.js';
