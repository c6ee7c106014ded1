/**
 * What every command of `experience-plugins` uses: argument parsing and `--help`, the `Io` a
 * command prints through, the shared settings (flag, else the BFF's environment variable, else
 * the BFF's default), the policy module, YAML documents with positions, ESM analysis, bundle
 * hashing and the spec-style manifest reader (`migrate` writes it, `harness` reads it).
 * A command's own helpers live in its folder, `commands/<name>/`.
 */
export {
  command,
  flag,
  list,
  parseCommand,
  PROGRAM,
  renderHelp,
  str,
  UsageError,
  type Args,
  type CommandSpec,
  type OptionSpec,
  type Parsed,
  type Values,
} from './args.js';
export { CliError } from './cli-error.js';
export { EXIT, processIo, writeJson, writeLines, type ExitCode, type Io } from './io.js';
export { columns, didYouMean, plural, segmentText } from './format.js';
export { loadTools, policyTools, readPolicy, type PolicyModule } from './policy.js';
export { parseYamlDoc, where, type FieldPath, type YamlDoc } from './yaml-doc.js';
export { analyzeEsm, type EsmAnalysis, type EsmImport } from './esm.js';
export { hashFile, integrityOf, locateBundle, type LocatedBundle } from './bundles.js';
export { normalizeManifest, type MigrationNote, type NormalizedManifest } from './manifest.js';
export * as settings from './settings.js';
export type { FileRef } from './settings.js';
