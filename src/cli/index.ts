/**
 * The `experience-plugins` command-line program (operators, policy authors, plugin authors):
 * validate, explain, hash, harness, migrate, diff, new. `main.ts` is the executable; everything
 * here also runs as functions, with an injected `Io`, for tests and other tools.
 * @example const code = await run(['diff', 'old.yaml', 'new.yaml'], processIo());
 */
export { run, COMMANDS, type Command } from './program.js';
export { EXIT, processIo, type ExitCode, type Io } from './io.js';
export { PROGRAM, UsageError, type CommandSpec } from './args.js';
export { CliError } from './cli-error.js';
export { validateConfig, type ValidateOptions, type ValidateResult } from './commands/validate.js';
export { loadExplainer, explain, type LoadedExplainer } from './commands/explain.js';
export type { Explanation } from './explain/render.js';
export { applyIntegrity, type IntegrityEdit, type IntegrityChange } from './integrity-edit.js';
export { integrityOf } from './bundles.js';
export { runHarness, DEFAULT_MAX_SIZE, type HarnessReport } from './commands/harness.js';
export { migrateManifests, type MigrationResult } from './commands/migrate.js';
export { normalizeManifest, type MigrationNote } from './manifest.js';
export { diffConfigs, type DiffChange } from './permission-diff.js';
