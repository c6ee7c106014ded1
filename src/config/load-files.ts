import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { AppError } from '../errors/index.js';
import { compileRegistry } from './compile-registry.js';
import { ConfigError } from './config-error.js';
import { configDigest } from './digest.js';
import { parseGrants } from './parse-grants.js';
import { parsePluginsConfig } from './parse-plugins.js';
import type { Registry } from './registry-types.js';
import type { ConfigIssue, GrantsConfig, Mode, PluginsConfig } from './types.js';

export interface LoadConfigOptions {
  pluginsFile: string;
  grantsFile: string;
  mode: Mode;
  hostVersion: string;
  bundleMount?: string;
  /** See ParsePluginsOptions.requireIntegrity (default: in production). */
  requireIntegrity?: boolean;
}

export interface LoadedConfig {
  plugins: PluginsConfig;
  grants: GrantsConfig;
  /** The value of `data.registry`: `dataDocumentJson(registry)` is the policy's data document. */
  registry: Registry;
  /** `configDigest(plugins, grants)`: sha256 (hex) of the whole model, what a reload compares. */
  digest: string;
  /** The files' text as read, for tools that point into them (`explain`): no second read that could see a newer file. */
  text: { plugins: string; grants: string };
}

/**
 * Reads, validates and compiles both config files. The only function here that touches the
 * file system. Throws ConfigError with every issue of both files, or resolves with all of it.
 * @example
 * const { plugins, registry } = await loadConfigFiles({ pluginsFile: 'config/plugins.yaml',
 *   grantsFile: 'config/grants.yaml', mode: 'production', hostVersion: defaultHostVersion() });
 */
export async function loadConfigFiles(options: LoadConfigOptions): Promise<LoadedConfig> {
  const [pluginsText, grantsText] = await Promise.all([readConfigText(options.pluginsFile), readConfigText(options.grantsFile)]);
  const issues: ConfigIssue[] = [];
  let plugins: PluginsConfig | undefined;
  let grants: GrantsConfig | undefined;
  if (typeof pluginsText === 'string') {
    const parsed = parsePluginsConfig(pluginsText, {
      file: options.pluginsFile,
      mode: options.mode,
      ...(options.bundleMount === undefined ? {} : { bundleMount: options.bundleMount }),
      ...(options.requireIntegrity === undefined ? {} : { requireIntegrity: options.requireIntegrity }),
    });
    if (parsed.ok) plugins = parsed.value;
    else issues.push(...parsed.issues);
  } else {
    issues.push(pluginsText);
  }
  if (typeof grantsText === 'string') {
    const parsed = parseGrants(grantsText, { file: options.grantsFile });
    if (parsed.ok) grants = parsed.value;
    else issues.push(...parsed.issues);
  } else {
    issues.push(grantsText);
  }
  if (plugins === undefined || grants === undefined) throw new ConfigError(issues);
  const { registry } = compileRegistry(plugins, grants, { hostVersion: options.hostVersion });
  // Both parsed, so both were read.
  const text = { plugins: pluginsText as string, grants: grantsText as string };
  return { plugins, grants, registry, digest: configDigest(plugins, grants), text };
}

/** A config file's text, or the `file_unreadable` issue naming it as `shown`. */
export async function readConfigText(file: string, shown: string = file): Promise<string | ConfigIssue> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    return { code: 'file_unreadable', file: shown, line: 0, col: 0, path: '', message: `cannot read the file (${reason})` };
  }
}

// src/config/ and dist/config/ both sit two levels below the repository root.
const REPO_ROOT = new URL('../../', import.meta.url);

let hostVersion: string | undefined;

/** The host app version: the `version` of the repository's package.json (read once). */
export function defaultHostVersion(): string {
  if (hostVersion !== undefined) return hostVersion;
  const pkg = JSON.parse(readFileSync(new URL('package.json', REPO_ROOT), 'utf8')) as { version?: unknown };
  const version = pkg.version;
  if (typeof version !== 'string' || semver.valid(version) !== version) {
    throw new AppError('invalid_host_version', `package.json has no canonical semver version: ${JSON.stringify(version)}`);
  }
  hostVersion = version;
  return version;
}

/** The embedded default config files (`config/plugins.yaml`, `config/grants.yaml`) as absolute paths. */
export function defaultConfigFiles(): { pluginsFile: string; grantsFile: string } {
  return {
    pluginsFile: fileURLToPath(new URL('config/plugins.yaml', REPO_ROOT)),
    grantsFile: fileURLToPath(new URL('config/grants.yaml', REPO_ROOT)),
  };
}
