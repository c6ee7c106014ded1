import { describe, expect, it } from 'vitest';
import { SettingsError, loadSettings } from './settings.js';

const base = { UPSTREAM_URL: 'http://127.0.0.1:9000', SESSION_KEYS: 'k'.repeat(32) };

describe('loadSettings: where the BFF listens', () => {
  it.each([
    // [env, expected host]: the development login binds loopback unless HOST says otherwise.
    [{ NODE_ENV: 'production' }, undefined],
    [{ NODE_ENV: 'production', HOST: '10.0.0.7' }, '10.0.0.7'],
    [{ NODE_ENV: 'development' }, '127.0.0.1'],
    [{ NODE_ENV: 'development', DEV_LOGIN: 'false' }, '127.0.0.1'],
    [{ NODE_ENV: 'development', HOST: '0.0.0.0' }, '0.0.0.0'],
    [{ NODE_ENV: 'development', HOST: '  ' }, '127.0.0.1'],
    [{ NODE_ENV: 'test' }, undefined],
    [{ NODE_ENV: 'test', DEV_LOGIN: 'true' }, '127.0.0.1'],
    [{ NODE_ENV: 'test', DEV_LOGIN: 'true', HOST: '::' }, '::'],
  ])('%o listens on %s (undefined: every interface)', (env, host) => {
    expect(loadSettings({ ...base, ...env }).host).toBe(host);
  });

  it('is what `make run` starts: development, dev login, loopback, metrics on loopback', () => {
    // The defaults src/demo/main.ts passes under the environment.
    const s = loadSettings({ NODE_ENV: 'development', DEV_LOGIN: 'true', PORT: '8080', UPSTREAM_URL: 'http://127.0.0.1:1' });
    expect(s).toMatchObject({ devLogin: true, host: '127.0.0.1', port: 8080, metricsHost: '127.0.0.1', metricsPort: 9464 });
  });

  it('serves metrics on their own loopback listener by default, with no token', () => {
    expect(loadSettings(base)).toMatchObject({ metricsPort: 9464, metricsHost: '127.0.0.1', metricsToken: undefined });
  });

  it.each([
    [{ METRICS_PORT: '0' }, { metricsPort: 0 }],
    [{ METRICS_PORT: '9100' }, { metricsPort: 9100 }],
    [{ METRICS_PORT: 'off' }, { metricsPort: undefined }],
    [{ METRICS_PORT: 'OFF' }, { metricsPort: undefined }],
    [{ PORT: '0', METRICS_PORT: '0' }, { port: 0, metricsPort: 0 }],
    [{ METRICS_HOST: '::1' }, { metricsHost: '::1' }],
    [{ METRICS_TOKEN: ' metrics-token-0123456789 ' }, { metricsToken: 'metrics-token-0123456789' }],
  ])('reads %o', (env, expected) => {
    expect(loadSettings({ ...base, ...env })).toMatchObject(expected);
  });

  it.each([
    [{ METRICS_PORT: 'yes' }, /METRICS_PORT must be a whole number/],
    [{ METRICS_PORT: '65536' }, /METRICS_PORT must be between/],
    [{ METRICS_PORT: '8080' }, /METRICS_PORT must differ from PORT/],
    [{ PORT: '9464' }, /METRICS_PORT must differ from PORT/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16/],
  ])('refuses %o by name', (env, message) => {
    expect(() => loadSettings({ ...base, ...env })).toThrow(SettingsError);
    expect(() => loadSettings({ ...base, ...env })).toThrow(message);
  });

  it('keeps the files as the operator named them, for messages', () => {
    const s = loadSettings({ ...base, POLICY_WASM: '/etc/bff/p.wasm', PLUGINS_CONFIG: 'conf/plugins.yaml' }, '/srv');
    expect(s.shownFiles).toEqual({
      pluginsConfig: 'conf/plugins.yaml',
      grantsConfig: 'config/grants.yaml',
      identityConfig: 'config/identity.yaml',
      policyWasm: '/etc/bff/p.wasm',
    });
    expect(s).toMatchObject({ policyWasm: '/etc/bff/p.wasm', pluginsConfig: '/srv/conf/plugins.yaml', grantsConfig: '/srv/config/grants.yaml' });
  });
});

describe('loadSettings: REDIS_URL', () => {
  it('is unset by default and takes redis:// or rediss:// URLs only', () => {
    expect(loadSettings({ ...base }, '/srv').redisUrl).toBeUndefined();
    expect(loadSettings({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }, '/srv').redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadSettings({ ...base, REDIS_URL: 'rediss://cache:6380/0' }, '/srv').redisUrl).toBe('rediss://cache:6380/0');
    for (const bad of ['http://127.0.0.1:6379', '127.0.0.1:6379', 'redis://a b']) {
      expect(() => loadSettings({ ...base, REDIS_URL: bad }, '/srv')).toThrow('REDIS_URL must be a redis:// or rediss:// URL');
    }
  });
});
