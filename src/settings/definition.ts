import { SettingsError } from './settings-error.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** What a value is read against. */
export interface SettingContext {
  /** Relative paths resolve against this. */
  cwd: string;
}

/** A checked value, or what is wrong with it: a phrase that follows the setting's name. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * One setting, defined once for every program that reads it (the BFF and `experience-plugins`):
 * its variable, its default, how a value is checked, and a line of documentation.
 */
export interface SettingDefinition<T> {
  /** The environment variable. */
  env: string;
  /** The default as `--help` and the README's Settings table write it. */
  defaultText: string;
  /** What it is, in a few words (`--help` shows it). */
  doc: string;
  /** The raw value when the variable is unset or blank. */
  fallback(): string;
  /** Checks a raw value (trimmed, never blank) and converts it. */
  check(raw: string, context: SettingContext): Checked<T>;
}

/** Where a value comes from: the environment, unless `override` (a CLI flag) names one. */
export interface SettingSources extends SettingContext {
  env: Env;
  /** A value that wins over the environment's, and the name messages then give it (`--mode`). */
  override?: { value: string | undefined; name: string };
}

/** The value given (override, else environment), trimmed; blank counts as unset. */
function given(definition: SettingDefinition<unknown>, sources: SettingSources): { raw: string; name: string } | undefined {
  const flag = sources.override?.value?.trim();
  if (flag) return { raw: flag, name: sources.override?.name ?? definition.env };
  const env = sources.env[definition.env]?.trim();
  return env ? { raw: env, name: definition.env } : undefined;
}

/**
 * Reads one setting: the override, else the environment variable, else the default; then checks it.
 * @throws SettingsError naming the flag or variable the bad value came from.
 * @example readSetting(SHARED_SETTINGS.mode, { env: process.env, cwd: process.cwd() }) // 'production'
 */
export function readSetting<T>(definition: SettingDefinition<T>, sources: SettingSources): T {
  const value = given(definition, sources);
  const checked = definition.check(value?.raw ?? definition.fallback(), sources);
  if (checked.ok) return checked.value;
  throw new SettingsError(`${value?.name ?? definition.env} ${checked.problem}`);
}

/** True when the setting was given (override or environment) rather than defaulted. */
export function isSettingGiven(definition: SettingDefinition<unknown>, sources: SettingSources): boolean {
  return given(definition, sources) !== undefined;
}
