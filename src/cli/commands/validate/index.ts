import { access } from 'node:fs/promises';
import semver from 'semver';
import {
  formatIssue,
  formatPath,
  parseGrants,
  parsePluginsConfig,
  readConfigText,
  satisfiesEngine,
  sortIssues,
  type ConfigIssue,
  type GrantsConfig,
  type Mode,
  type PluginsConfig,
} from '../../../config/index.js';
import type { PolicyTools } from '../../../engine/index.js';
import { AppError } from '../../../errors/index.js';
import { command, flag, locateBundle, hashFile, analyzeEsm, plural, EXIT, writeJson, writeLines, policyTools, settings, parseYamlDoc, type CommandSpec, type EsmAnalysis, type FieldPath } from '../../shared/index.js';

export const validateSpec: CommandSpec = {
  name: 'validate',
  summary: 'Check plugins.yaml (and grants.yaml) as the BFF would, plus the bundles on disk',
  usage: ['validate [plugins.yaml] [options]'],
  description: `Runs every check the BFF's loader runs (schema and semantic rules) on plugins.yaml and
grants.yaml, then the checks that need the disk: each bundle.file exists under the plugins
root, each integrity matches the file, and each bundle exports the components its
contributions name. Prints every error at once as \`file:line:col  field.path  message\`.
grants.yaml is checked too when it exists (or is named with --grants / GRANTS_CONFIG).
In production mode (the default) every bundle needs bundle.integrity: a sha256 pin, or
"none" to serve it unverified. Warnings (a plugin the host version excludes, a contribution no
grant lets anyone see, each integrity: none) do not fail the run. Whether anyone is granted a contribution is the compiled policy's answer
(--policy; needed only when grants.yaml is checked). Fast enough for a pre-commit hook.`,
  options: {
    ...settings.commonOptions('config', 'grants', 'policy', 'plugins-root', 'plugins-mount', 'host-version', 'mode', 'json'),
    'skip-bundles': { type: 'boolean', help: 'skip the bundle checks (files, integrity, exports)' },
  },
  positionals: { min: 0, max: 1 },
  exitCodes: [
    [EXIT.ok, 'valid (warnings may be printed)'],
    [EXIT.findings, 'at least one error, or the policy cannot be loaded when grants.yaml is checked'],
    [EXIT.usage, 'bad command line'],
  ],
  examples: ['experience-plugins validate', 'experience-plugins validate config/plugins.yaml --plugins-root /srv/plugins', 'PLUGINS_ROOT=dist/plugins experience-plugins validate --json'],
};

export interface ValidateOptions {
  pluginsFile: settings.FileRef;
  /** Also parse grants.yaml (and warn about contributions nobody is granted). */
  grantsFile?: settings.FileRef;
  /** The policy that answers whether anyone is granted a contribution; asked for only when grants.yaml parses. */
  tools?: () => Promise<PolicyTools>;
  mode: Mode;
  bundleMount: string;
  hostVersion: string;
  /** Absolute plugins root; bundles are checked when set. */
  pluginsRoot?: string;
  /** For messages: paths are shown relative to it. */
  cwd: string;
}

export interface ValidateResult {
  ok: boolean;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  tenants: number;
  plugins: number;
  bundlesChecked: number;
  config?: PluginsConfig;
}

/**
 * Everything `validate` checks, as a function: the loader's checks, the disk checks, warnings.
 * @example const result = await validateConfig({ pluginsFile: fileRef(io, 'config/plugins.yaml'), ... });
 */
export async function validateConfig(options: ValidateOptions): Promise<ValidateResult> {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const file = options.pluginsFile.shown;
  const text = await readText(options.pluginsFile, errors);
  let config: PluginsConfig | undefined;
  if (text !== undefined) {
    const parsed = parsePluginsConfig(text, { file, mode: options.mode, bundleMount: options.bundleMount });
    if (parsed.ok) config = parsed.value;
    else errors.push(...parsed.issues);
  }
  let grants: GrantsConfig | undefined;
  if (options.grantsFile) {
    const grantsText = await readText(options.grantsFile, errors);
    if (grantsText !== undefined) {
      const parsed = parseGrants(grantsText, { file: options.grantsFile.shown });
      if (parsed.ok) grants = parsed.value;
      else errors.push(...parsed.issues);
    }
  }
  let bundlesChecked = 0;
  if (config && text !== undefined) {
    const doc = parseYamlDoc(text);
    const issue = (code: string, path: FieldPath, message: string): ConfigIssue => ({ code, file, ...doc.locate(path), path: formatPath(path), message });
    if (options.pluginsRoot !== undefined) bundlesChecked = await checkBundles(config, options, options.pluginsRoot, issue, errors);
    warnings.push(...engineWarnings(config, options, issue), ...unverifiedWarnings(config, issue), ...disabledWarnings(config, issue));
    if (grants) {
      const checked = await grantWarnings(config, grants, options, issue);
      warnings.push(...checked.warnings);
      errors.push(...checked.errors);
    }
  }
  const count = config ? Object.values(config.tenants).reduce((n, plugins) => n + plugins.length, 0) : 0;
  return {
    ok: errors.length === 0,
    errors: sortIssues(errors),
    warnings: sortIssues(warnings),
    tenants: config ? Object.keys(config.tenants).length : 0,
    plugins: count,
    bundlesChecked,
    ...(config ? { config } : {}),
  };
}

type MakeIssue = (code: string, path: FieldPath, message: string) => ConfigIssue;

async function checkBundles(config: PluginsConfig, options: ValidateOptions, root: string, issue: MakeIssue, errors: ConfigIssue[]): Promise<number> {
  const analyses = new Map<string, Promise<EsmAnalysis>>();
  const hashes = new Map<string, Promise<string | undefined>>();
  let checked = 0;
  for (const [host, plugins] of Object.entries(config.tenants)) {
    for (const [i, plugin] of plugins.entries()) {
      const at: FieldPath = ['tenants', host, i];
      const bundleFile = plugin.bundle.file;
      if (bundleFile === undefined) continue;
      const located = await locateBundle(root, options.bundleMount, plugin.id, bundleFile, options.cwd);
      if (!located.ok) {
        errors.push(issue(located.code, [...at, 'bundle', 'file'], located.message));
        continue;
      }
      checked++;
      const shown = settings.showPath(options.cwd, located.file);
      if (plugin.bundle.integrity !== undefined) {
        if (!hashes.has(located.file)) hashes.set(located.file, hashFile(located.file));
        const actual = await hashes.get(located.file);
        if (actual === undefined) {
          errors.push(issue('bundle_missing', [...at, 'bundle', 'file'], `bundle cannot be read: ${shown}`));
        } else if (actual !== plugin.bundle.integrity.toLowerCase()) {
          errors.push(
            issue('integrity_mismatch', [...at, 'bundle', 'integrity'], `does not match ${shown}, which hashes to ${actual} (the BFF answers 409); if the new bundle is intended, run: experience-plugins hash --write`),
          );
        }
      }
      if (!analyses.has(located.file)) analyses.set(located.file, analyzeEsm(located.file));
      const esm = (await analyses.get(located.file)) as EsmAnalysis;
      if (!esm.ok) {
        errors.push(issue('bundle_not_esm', [...at, 'bundle', 'file'], `${shown}:${esm.line}:${esm.col} is not valid JavaScript: ${esm.message}`));
        continue;
      }
      if (esm.format === 'cjs') {
        errors.push(issue('bundle_not_esm', [...at, 'bundle', 'file'], `${shown} is CommonJS, not an ES module; the loader imports it as ESM`));
        continue;
      }
      const kinds = [
        ['routes', plugin.contributions.routes],
        ['widgets', plugin.contributions.widgets],
      ] as const;
      for (const [kind, items] of kinds) {
        for (const [j, item] of items.entries()) {
          if (esm.exports.includes(item.component)) continue;
          const has = esm.exports.length > 0 ? `it exports ${esm.exports.join(', ')}` : 'it exports nothing';
          errors.push(issue('missing_export', [...at, 'contributions', kind, j, 'component'], `"${item.component}" is not exported by ${shown} (${has})`));
        }
      }
    }
  }
  return checked;
}

function engineWarnings(config: PluginsConfig, options: ValidateOptions, issue: MakeIssue): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  for (const [host, plugins] of Object.entries(config.tenants)) {
    for (const [i, plugin] of plugins.entries()) {
      const range = plugin.engine.experience;
      if (semver.validRange(range) !== null && !satisfiesEngine(options.hostVersion, range)) {
        warnings.push(issue('incompatible_plugin', ['tenants', host, i, 'engine', 'experience'], `"${range}" is not satisfied by host version ${options.hostVersion}: ${plugin.id} stays installed but is left out of the manifests and its API calls are refused`));
      }
    }
  }
  return warnings;
}

/** Each disabled plugin (the kill switch): a reviewer sees that it is off, where, and why, in every run. */
function disabledWarnings(config: PluginsConfig, issue: MakeIssue): ConfigIssue[] {
  return Object.entries(config.tenants).flatMap(([host, plugins]) =>
    plugins.flatMap((plugin, i) =>
      plugin.disabled
        ? [issue('plugin_disabled', ['tenants', host, i, 'disabled', 'reason'], `${plugin.id} is disabled in tenant ${host} ("${plugin.disabled.reason}"): left out of the manifests, its bundle, API calls and streams refused (experience-plugins enable ${plugin.id} --tenant ${host} turns it on)`)]
        : [],
    ),
  );
}

/** Each `integrity: none`: what the opt-out costs, named per plugin and tenant, so a reviewer sees it in every run. */
function unverifiedWarnings(config: PluginsConfig, issue: MakeIssue): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  for (const [host, plugins] of Object.entries(config.tenants)) {
    for (const [i, plugin] of plugins.entries()) {
      if (!plugin.bundle.unverified) continue;
      const source = plugin.bundle.file ?? plugin.bundle.url ?? 'its bundle';
      warnings.push(
        issue('integrity_opt_out', ['tenants', host, i, 'bundle', 'integrity'], `integrity: none: ${plugin.id} ${plugin.version} is served unverified in tenant ${host}: whatever bytes are at ${source} run in its users' browsers, and a changed or tampered bundle is not refused (pin it: experience-plugins hash --write --add after removing the line)`),
      );
    }
  }
  return warnings;
}

/**
 * Contributions nobody in the tenant is granted, as the policy answers it (experience/tooling/granted).
 * A policy that cannot be loaded is one more error, so the other errors are still all printed.
 */
async function grantWarnings(config: PluginsConfig, grants: GrantsConfig, options: ValidateOptions, issue: MakeIssue): Promise<{ warnings: ConfigIssue[]; errors: ConfigIssue[] }> {
  const warnings: ConfigIssue[] = [];
  const grantsFile = options.grantsFile?.shown ?? 'grants.yaml';
  let tools: PolicyTools | undefined;
  for (const [host, plugins] of Object.entries(config.tenants)) {
    const items = plugins.flatMap((plugin, i) =>
      (['routes', 'widgets'] as const).flatMap((kind) => plugin.contributions[kind].map((item, j) => ({ path: ['tenants', host, i, 'contributions', kind, j] as FieldPath, kind, item }))),
    );
    if (items.length === 0) continue;
    if (!options.tools) throw new Error('validateConfig: grants.yaml is checked but no policy was given (options.tools)');
    try {
      tools ??= await options.tools();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const message = `${error.message} (it answers whether anyone is granted each contribution)`;
      return { warnings, errors: [{ code: 'policy_unavailable', file: grantsFile, line: 0, col: 0, path: '', message }] };
    }
    const tenantGrants = grants.tenants[host] ?? { roles: {}, users: {} };
    const { granted } = tools.granted({ grants: tenantGrants, wanted: items.map(({ item }) => ({ resource: item.resource, action: item.action })) });
    items.forEach(({ path, kind, item }, k) => {
      if (granted[k]) return;
      const noun = kind === 'routes' ? 'route' : 'widget';
      warnings.push(issue('never_granted', path, `no role or user in ${grantsFile} is granted ${item.resource}/${item.action} in tenant ${host}: nobody sees this ${noun}`));
    });
  }
  return { warnings, errors: [] };
}

async function readText(ref: settings.FileRef, errors: ConfigIssue[]): Promise<string | undefined> {
  const text = await readConfigText(ref.abs, ref.shown);
  if (typeof text === 'string') return text;
  errors.push(text);
  return undefined;
}

/** `file:line:col  path  warning: message`. */
function formatWarning(issue: ConfigIssue): string {
  return formatIssue({ ...issue, message: `warning: ${issue.message}` });
}

export const validateCommand = command(validateSpec, async ({ values, positionals }, io) => {
  const pluginsFile = settings.pluginsFile(io, values, positionals[0]);
  const grants = settings.grantsFile(io, values);
  // The default grants file is checked when present; a named one must exist.
  const useGrants = settings.grantsNamed(io, values) || (await exists(grants.abs));
  const result = await validateConfig({
    pluginsFile,
    ...(useGrants ? { grantsFile: grants, tools: () => policyTools(io, values) } : {}),
    mode: settings.mode(io, values),
    bundleMount: settings.bundleMount(io, values),
    hostVersion: settings.hostVersion(io, values),
    ...(flag(values, 'skip-bundles') ? {} : { pluginsRoot: settings.pluginsRoot(io, values).abs }),
    cwd: io.cwd,
  });
  if (flag(values, 'json')) {
    const { config: _config, ...rest } = result;
    writeJson(io, { files: [pluginsFile.shown, ...(useGrants ? [grants.shown] : [])], ...rest });
  } else {
    writeLines(io.stdout, [...result.errors.map(formatIssue), ...result.warnings.map(formatWarning)]);
    const counts = `${plural(result.errors.length, 'error')}, ${plural(result.warnings.length, 'warning')}`;
    const scope = result.config
      ? ` (${plural(result.plugins, 'plugin')} in ${plural(result.tenants, 'tenant')}${flag(values, 'skip-bundles') ? ', bundles not checked' : `, ${plural(result.bundlesChecked, 'bundle')} checked`})`
      : '';
    io.stdout(`${pluginsFile.shown}: ${result.ok ? 'valid' : 'invalid'}, ${counts}${scope}\n`);
  }
  return result.ok ? EXIT.ok : EXIT.findings;
});

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
