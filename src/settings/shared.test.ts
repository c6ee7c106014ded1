import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { defaultHostVersion } from '../config/index.js';
import { isSettingGiven, readSetting, SettingsError, SHARED_SETTINGS, type SettingDefinition } from './index.js';

const CWD = '/srv/bff';
const read = <T>(definition: SettingDefinition<T>, env: Record<string, string | undefined>, override?: { value: string | undefined; name: string }): T =>
  readSetting(definition, { env, cwd: CWD, ...(override ? { override } : {}) });

describe('SHARED_SETTINGS', () => {
  it.each([
    // [setting, env (under its own variable), value]
    ['mode', undefined, 'production'],
    ['mode', '  ', 'production'],
    ['mode', ' test ', 'test'],
    ['mode', 'development', 'development'],
    ['pluginsConfig', undefined, { path: '/srv/bff/config/plugins.yaml', named: 'config/plugins.yaml' }],
    ['pluginsConfig', ' conf/p.yaml ', { path: '/srv/bff/conf/p.yaml', named: 'conf/p.yaml' }],
    ['grantsConfig', undefined, { path: '/srv/bff/config/grants.yaml', named: 'config/grants.yaml' }],
    ['grantsConfig', '../shared/grants.yaml', { path: '/srv/shared/grants.yaml', named: '../shared/grants.yaml' }],
    ['policyWasm', undefined, { path: '/srv/bff/build/policy.wasm', named: 'build/policy.wasm' }],
    ['policyWasm', '/etc/bff/p.wasm', { path: '/etc/bff/p.wasm', named: '/etc/bff/p.wasm' }],
    ['pluginsRoot', undefined, { path: '/srv/bff/plugins', named: 'plugins' }],
    ['pluginsRoot', './bundles/', { path: '/srv/bff/bundles', named: './bundles/' }],
    ['pluginsMount', undefined, '/app/plugins'],
    ['pluginsMount', '/srv/mount', '/srv/mount'],
    ['hostVersion', undefined, defaultHostVersion()],
    ['hostVersion', '2.0.0-rc.1', '2.0.0-rc.1'],
  ] as const)('%s from %o is %o', (name, raw, value) => {
    const definition: SettingDefinition<unknown> = SHARED_SETTINGS[name];
    expect(read(definition, { [definition.env]: raw })).toEqual(value);
  });

  // Each checked setting: values it refuses, and the message (which starts with the variable's name).
  const REFUSED = {
    mode: { values: ['staging', 'Production', 'dev'], message: (v: string) => `NODE_ENV must be development, production or test, got "${v}"` },
    // compileRegistry refuses build metadata (not canonical): refused here, by name, not at the first config load.
    hostVersion: { values: ['v1.4.0', '1.4', '01.4.0', '1.4.0+build.5', '1.4.0-'], message: (v: string) => `EXPERIENCE_VERSION must be a semver version like 1.4.0, got "${v}"` },
    pluginsMount: {
      values: ['app/plugins', '/', '/app/plugins/', '/app/../plugins', '/app/./plugins', '/app//plugins', '/app\\plugins', '/app/%2e%2e', '/app/\0'],
      message: (v: string) => `PLUGINS_MOUNT must be a clean absolute path other than "/" (no trailing "/", "..", "\\" or "%"), got "${v}"`,
    },
  } as const;
  const refusals = Object.entries(REFUSED).flatMap(([name, { values, message }]) => values.map((v) => [name as keyof typeof REFUSED, v, message(v)] as const));

  it.each(refusals)('%s refuses %o: %s', (name, raw, message) => {
    const definition: SettingDefinition<unknown> = SHARED_SETTINGS[name];
    expect(() => read(definition, { [definition.env]: raw })).toThrow(SettingsError);
    expect(() => read(definition, { [definition.env]: raw })).toThrow(message);
  });

  it('takes an override over the variable, and names the override when its value is refused', () => {
    const { mode } = SHARED_SETTINGS;
    expect(read(mode, { NODE_ENV: 'development' }, { value: 'test', name: '--mode' })).toBe('test');
    // A good override wins over a bad variable, which is then never read.
    expect(read(mode, { NODE_ENV: 'staging' }, { value: 'test', name: '--mode' })).toBe('test');
    // A blank override is no override.
    expect(read(mode, { NODE_ENV: 'development' }, { value: ' ', name: '--mode' })).toBe('development');
    expect(() => read(mode, { NODE_ENV: 'staging' }, { value: ' ', name: '--mode' })).toThrow('NODE_ENV must be');
    expect(() => read(mode, { NODE_ENV: 'test' }, { value: 'qa', name: '--mode' })).toThrow('--mode must be development, production or test, got "qa"');
  });

  it('knows whether a setting was given or defaulted', () => {
    const { grantsConfig } = SHARED_SETTINGS;
    const given = (env: Record<string, string>, value?: string) => isSettingGiven(grantsConfig, { env, cwd: CWD, override: { value, name: '--grants' } });
    expect([given({}), given({ GRANTS_CONFIG: ' ' }), given({ GRANTS_CONFIG: 'g.yaml' }), given({}, 'g.yaml'), given({}, '')]).toEqual([false, false, true, true, false]);
  });

  it('accepts exactly the canonical semver versions as EXPERIENCE_VERSION', () => {
    const version = fc.oneof(
      fc.string(),
      fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.constantFrom('', '-rc.1', '-0', '+b', '-01', 'x')).map(([a, b, c, tail]) => `${a}.${b}.${c}${tail}`),
      fc.constantFrom('v1.2.3', '=1.2.3', '1.2.3 ', '01.2.3', '1.2', '1.2.3.4'),
    );
    fc.assert(
      fc.property(version, (raw) => {
        const trimmed = raw.trim();
        let outcome: string;
        try {
          outcome = `ok ${read(SHARED_SETTINGS.hostVersion, { EXPERIENCE_VERSION: raw })}`;
        } catch (error) {
          outcome = `error ${(error as Error).message}`;
        }
        if (trimmed === '') expect(outcome).toBe(`ok ${defaultHostVersion()}`);
        else if (semver.valid(trimmed) === trimmed) expect(outcome).toBe(`ok ${trimmed}`);
        else expect(outcome).toBe(`error EXPERIENCE_VERSION must be a semver version like 1.4.0, got "${trimmed}"`);
      }),
    );
  });

  it("are the README's Settings table defaults", () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Settings'), readme.indexOf('### Reloading'));
    // Rows like "| `PLUGINS_ROOT` / `PLUGINS_MOUNT` | plugins / /app/plugins | meaning |".
    const defaults = new Map<string, string>();
    for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
      const [variables = '', values = ''] = row.split('|').slice(1, 3).map((c) => c.trim());
      const names = variables.split(' / ').map((v) => v.replaceAll('`', ''));
      const texts = values.split(' / ');
      names.forEach((n, i) => defaults.set(n, (names.length === texts.length ? texts[i] : values) ?? ''));
    }
    const expected = Object.values(SHARED_SETTINGS).map((d) => [d.env, d.defaultText]);
    expect(expected.map(([env]) => [env, defaults.get(env ?? '')])).toEqual(expected);
  });
});
