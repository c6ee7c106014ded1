import path from 'node:path';
import type { Mode } from '../../config/index.js';
import { isSettingGiven, readSetting, SHARED_SETTINGS, type SettingDefinition, type SettingSources } from '../../settings/index.js';
import { str, type OptionSpec, type Values } from './args.js';
import type { Io } from './io.js';

/**
 * The BFF's shared settings (src/settings) as command-line options: a flag, else the variable
 * the BFF reads, else the BFF's default, checked by the same definition, so a command sees the
 * files and values the BFF would and refuses a bad value with the BFF's message.
 */
const OPTION_SETTINGS = {
  config: SHARED_SETTINGS.pluginsConfig,
  grants: SHARED_SETTINGS.grantsConfig,
  policy: SHARED_SETTINGS.policyWasm,
  'plugins-root': SHARED_SETTINGS.pluginsRoot,
  'plugins-mount': SHARED_SETTINGS.pluginsMount,
  'host-version': SHARED_SETTINGS.hostVersion,
  mode: SHARED_SETTINGS.mode,
} as const;

type SettingOption = keyof typeof OPTION_SETTINGS;
type ValueOf<K extends SettingOption> = (typeof OPTION_SETTINGS)[K] extends SettingDefinition<infer T> ? T : never;

function option(name: SettingOption, value: string): OptionSpec {
  const { doc, env, defaultText } = OPTION_SETTINGS[name];
  return { type: 'string', value, help: `${doc} (env ${env}; default ${defaultText})` };
}

/** The options several commands share. */
export const COMMON_OPTIONS = {
  config: option('config', '<plugins.yaml>'),
  grants: option('grants', '<grants.yaml>'),
  policy: option('policy', '<policy.wasm>'),
  'plugins-root': option('plugins-root', '<dir>'),
  'plugins-mount': option('plugins-mount', '<path>'),
  'host-version': option('host-version', '<semver>'),
  mode: option('mode', '<mode>'),
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
  return shownRef(io, path.resolve(io.cwd, value));
}

function shownRef(io: Io, abs: string): FileRef {
  return { abs, shown: showPath(io.cwd, abs) };
}

/** A path relative to `cwd` when inside it, else absolute. */
export function showPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function sources(io: Io, values: Values, name: SettingOption): SettingSources {
  return { env: io.env, cwd: io.cwd, override: { value: str(values, name), name: `--${name}` } };
}

/** The option's setting, read by its shared definition. @throws SettingsError (a usage error here) */
function setting<K extends SettingOption>(io: Io, values: Values, name: K): ValueOf<K> {
  return readSetting(OPTION_SETTINGS[name] as SettingDefinition<ValueOf<K>>, sources(io, values, name));
}

function fileSetting(io: Io, values: Values, name: 'config' | 'grants' | 'policy' | 'plugins-root'): FileRef {
  return shownRef(io, setting(io, values, name).path);
}

/** plugins.yaml: the command's argument when it takes one, else `--config`, PLUGINS_CONFIG, default. */
export function pluginsFile(io: Io, values: Values, positional?: string): FileRef {
  return positional !== undefined ? fileRef(io, positional) : fileSetting(io, values, 'config');
}

export function grantsFile(io: Io, values: Values): FileRef {
  return fileSetting(io, values, 'grants');
}

/** True when the grants file was named (option or environment) rather than defaulted. */
export function grantsNamed(io: Io, values: Values): boolean {
  return isSettingGiven(OPTION_SETTINGS.grants, sources(io, values, 'grants'));
}

export function policyFile(io: Io, values: Values): FileRef {
  return fileSetting(io, values, 'policy');
}

export function pluginsRoot(io: Io, values: Values): FileRef {
  return fileSetting(io, values, 'plugins-root');
}

export function bundleMount(io: Io, values: Values): string {
  return setting(io, values, 'plugins-mount');
}

export function hostVersion(io: Io, values: Values): string {
  return setting(io, values, 'host-version');
}

export function mode(io: Io, values: Values): Mode {
  return setting(io, values, 'mode');
}
