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

describe('loadSettings: running as replicas (Redis)', () => {
  it('has defaults: start-up fails without Redis, 500 ms per call, 5 s to connect, one replica', () => {
    expect(loadSettings({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }, '/srv')).toMatchObject({ redisStartDegraded: false, redisTimeoutMs: 500, redisConnectTimeoutMs: 5000, replicas: 1 });
    expect(loadSettings({ ...base, REDIS_START_DEGRADED: 'true', REDIS_TIMEOUT_MS: '50', REDIS_CONNECT_TIMEOUT_MS: '1000', REPLICAS: '3' }, '/srv')).toMatchObject({ redisStartDegraded: true, redisTimeoutMs: 50, redisConnectTimeoutMs: 1000, replicas: 3 });
  });

  it.each([
    [{ REDIS_START_DEGRADED: 'maybe' }, 'REDIS_START_DEGRADED must be true or false'],
    [{ REPLICAS: '0' }, 'REPLICAS must be between 1 and 1000'],
    [{ REPLICAS: '2.5' }, 'REPLICAS must be a whole number'],
    [{ REDIS_TIMEOUT_MS: '5' }, 'REDIS_TIMEOUT_MS must be between 10 and 60000'],
    [{ REDIS_CONNECT_TIMEOUT_MS: 'soon' }, 'REDIS_CONNECT_TIMEOUT_MS must be a whole number'],
  ])('refuses %o', (env, message) => {
    expect(() => loadSettings({ ...base, ...env }, '/srv')).toThrow(message);
  });

  it('refuses REDIS_URL without SESSION_KEYS (generated keys differ per replica), in every mode', () => {
    for (const mode of ['development', 'test']) {
      expect(() => loadSettings({ UPSTREAM_URL: base.UPSTREAM_URL, NODE_ENV: mode, REDIS_URL: 'redis://127.0.0.1:6379' }, '/srv')).toThrow(SettingsError);
      expect(() => loadSettings({ UPSTREAM_URL: base.UPSTREAM_URL, NODE_ENV: mode, REDIS_URL: 'redis://127.0.0.1:6379' }, '/srv')).toThrow('REDIS_URL needs SESSION_KEYS');
      expect(loadSettings({ UPSTREAM_URL: base.UPSTREAM_URL, NODE_ENV: mode }, '/srv').redisUrl).toBeUndefined();
    }
  });
});
