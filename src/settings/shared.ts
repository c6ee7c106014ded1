/**
 * The settings the BFF and `experience-plugins` both read, defined once: same variable, default,
 * check and message in both. Settings only the BFF reads stay in src/server/settings.ts.
 */
import path from 'node:path';
import semver from 'semver';
import { DEFAULT_BUNDLE_MOUNT, defaultHostVersion, isCleanMount, type Mode } from '../config/index.js';
import type { SettingDefinition } from './definition.js';
import { SettingsError } from './settings-error.js';

/** A file or folder setting: the absolute path, and the value as the operator named it (for messages). */
export interface FileSetting {
  path: string;
  named: string;
}

const MODES: readonly string[] = ['development', 'production', 'test'] satisfies readonly Mode[];

const mode: SettingDefinition<Mode> = {
  env: 'NODE_ENV',
  defaultText: 'production',
  doc: 'development, production or test',
  fallback: () => 'production',
  check: (raw) => (MODES.includes(raw) ? { ok: true, value: raw as Mode } : { ok: false, problem: `must be development, production or test, got "${raw}"` }),
};

/** A path resolved against the working directory; any value is accepted (reading it says what is wrong). */
function fileSetting(env: string, fallback: string, doc: string): SettingDefinition<FileSetting> {
  return {
    env,
    defaultText: fallback,
    doc,
    fallback: () => fallback,
    check: (raw, { cwd }) => ({ ok: true, value: { path: path.resolve(cwd, raw), named: raw } }),
  };
}

const pluginsMount: SettingDefinition<string> = {
  env: 'PLUGINS_MOUNT',
  defaultText: DEFAULT_BUNDLE_MOUNT,
  doc: 'where bundle.file paths point',
  fallback: () => DEFAULT_BUNDLE_MOUNT,
  // The config layer's rule: a mount it would refuse later is refused now, by name.
  check: (raw) =>
    isCleanMount(raw)
      ? { ok: true, value: raw }
      : { ok: false, problem: `must be a clean absolute path other than "/" (no trailing "/", "..", "\\" or "%"), got "${raw}"` },
};

const hostVersion: SettingDefinition<string> = {
  env: 'EXPERIENCE_VERSION',
  defaultText: 'package.json version',
  doc: 'host app version',
  fallback: () => {
    try {
      return defaultHostVersion();
    } catch {
      throw new SettingsError('cannot read the version from package.json; set EXPERIENCE_VERSION');
    }
  },
  // Canonical only (no "v", no leading zeros): the version is compared with semver ranges.
  check: (raw) => (semver.valid(raw) === raw ? { ok: true, value: raw } : { ok: false, problem: `must be a semver version like 1.4.0, got "${raw}"` }),
};

/**
 * Every shared setting, by the name programs use for it.
 * @example readSetting(SHARED_SETTINGS.policyWasm, { env: process.env, cwd: process.cwd() }).path
 */
export const SHARED_SETTINGS = {
  mode,
  pluginsConfig: fileSetting('PLUGINS_CONFIG', 'config/plugins.yaml', 'plugins.yaml'),
  grantsConfig: fileSetting('GRANTS_CONFIG', 'config/grants.yaml', 'grants.yaml'),
  policyWasm: fileSetting('POLICY_WASM', 'build/policy.wasm', 'compiled policy, from `make policy`'),
  pluginsRoot: fileSetting('PLUGINS_ROOT', 'plugins', 'where bundles are on this machine'),
  pluginsMount,
  hostVersion,
} as const;
