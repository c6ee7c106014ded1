import path from 'node:path';
import semver from 'semver';
import { DEFAULT_BUNDLE_MOUNT, defaultHostVersion, isCleanMount, type Mode } from '../../config/index.js';
import { str, UsageError, type OptionSpec, type Values } from './args.js';
import type { Io } from './io.js';

/**
 * The options several commands share. Each falls back to the environment variable the BFF
 * reads (src/server/settings.ts), so a command sees the same files the BFF would.
 */
export const COMMON_OPTIONS = {
  config: { type: 'string', value: '<plugins.yaml>', help: 'plugins.yaml (env PLUGINS_CONFIG; default config/plugins.yaml)' },
  grants: { type: 'string', value: '<grants.yaml>', help: 'grants.yaml (env GRANTS_CONFIG; default config/grants.yaml)' },
  policy: { type: 'string', value: '<policy.wasm>', help: 'compiled policy (env POLICY_WASM; default build/policy.wasm, from `make policy`)' },
  'plugins-root': { type: 'string', value: '<dir>', help: 'where bundles are on this machine (env PLUGINS_ROOT; default plugins)' },
  'plugins-mount': { type: 'string', value: '<path>', help: `where bundle.file paths point (env PLUGINS_MOUNT; default ${DEFAULT_BUNDLE_MOUNT})` },
  'host-version': { type: 'string', value: '<semver>', help: 'host app version (env EXPERIENCE_VERSION; default package.json version)' },
  mode: { type: 'string', value: '<mode>', help: 'development, production or test (env NODE_ENV; default production)' },
  json: { type: 'boolean', help: 'print one JSON document on stdout instead of text' },
} as const satisfies Record<string, OptionSpec>;

export type CommonOption = keyof typeof COMMON_OPTIONS;

/** The shared options a command takes, by name. */
export function commonOptions<K extends CommonOption>(...names: K[]): Pick<typeof COMMON_OPTIONS, K> {
  return Object.fromEntries(names.map((n) => [n, COMMON_OPTIONS[n]])) as Pick<typeof COMMON_OPTIONS, K>;
}

/** A file named on the command line: where to read it, and how to show it in messages. */
export interface FileRef {
  abs: string;
  /** Relative to the working directory when inside it, else absolute. */
  shown: string;
}

export function fileRef(io: Io, value: string): FileRef {
  const abs = path.resolve(io.cwd, value);
  return { abs, shown: showPath(io.cwd, abs) };
}

/** A path relative to `cwd` when inside it, else absolute. */
export function showPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Option, else environment variable; empty strings count as unset. */
function given(io: Io, values: Values, option: string, env: string): string | undefined {
  return str(values, option)?.trim() || io.env[env]?.trim() || undefined;
}

/** Option, else environment variable, else default. */
function setting(io: Io, values: Values, option: string, env: string, fallback: string): string {
  return given(io, values, option, env) ?? fallback;
}

export function pluginsFile(io: Io, values: Values, positional?: string): FileRef {
  return fileRef(io, positional ?? setting(io, values, 'config', 'PLUGINS_CONFIG', 'config/plugins.yaml'));
}

export function grantsFile(io: Io, values: Values): FileRef {
  return fileRef(io, setting(io, values, 'grants', 'GRANTS_CONFIG', 'config/grants.yaml'));
}

/** True when the grants file was named (option or environment) rather than defaulted. */
export function grantsNamed(io: Io, values: Values): boolean {
  return given(io, values, 'grants', 'GRANTS_CONFIG') !== undefined;
}

export function policyFile(io: Io, values: Values): FileRef {
  return fileRef(io, setting(io, values, 'policy', 'POLICY_WASM', 'build/policy.wasm'));
}

export function pluginsRoot(io: Io, values: Values): FileRef {
  return fileRef(io, setting(io, values, 'plugins-root', 'PLUGINS_ROOT', 'plugins'));
}

export function bundleMount(io: Io, values: Values): string {
  const mount = setting(io, values, 'plugins-mount', 'PLUGINS_MOUNT', DEFAULT_BUNDLE_MOUNT);
  if (!isCleanMount(mount)) {
    throw new UsageError(`plugins mount must be a clean absolute path other than "/", got "${mount}"`);
  }
  return mount;
}

export function hostVersion(io: Io, values: Values): string {
  const version = given(io, values, 'host-version', 'EXPERIENCE_VERSION') ?? defaultHostVersion();
  if (semver.valid(version) !== version) {
    throw new UsageError(`host version must be a semver version like 1.4.0, got "${version}"`);
  }
  return version;
}

const MODES: readonly Mode[] = ['development', 'production', 'test'];

export function mode(io: Io, values: Values): Mode {
  const raw = setting(io, values, 'mode', 'NODE_ENV', 'production');
  if (!(MODES as readonly string[]).includes(raw)) throw new UsageError(`mode must be development, production or test, got "${raw}"`);
  return raw as Mode;
}
