/**
 * Settings defined once for every program that reads them (the BFF, `experience-plugins`): each
 * has its environment variable, default, check and doc; `readSetting` reads one (a CLI flag may
 * override the variable) and throws SettingsError naming where a bad value came from.
 * @example const policy = readSetting(SHARED_SETTINGS.policyWasm, { env: process.env, cwd: process.cwd() });
 */
export { readSetting, isSettingGiven, type Checked, type Env, type SettingContext, type SettingDefinition, type SettingSources } from './definition.js';
export { SHARED_SETTINGS, type FileSetting } from './shared.js';
export { SettingsError } from './settings-error.js';
export { readHttpUrl } from './http-url.js';
