import { describe, expect, it } from 'vitest';
import { SettingsError, loadSettings } from './settings.js';

const base = { UPSTREAM_URL: 'http://127.0.0.1:9000', SESSION_KEYS: 'k'.repeat(32) };

describe('loadSettings', () => {
  it('has documented defaults, resolved against the working directory', () => {
    const s = loadSettings(base, '/repo');
    expect(s).toMatchObject({
      mode: 'production',
      port: 8080,
      pluginsConfig: '/repo/config/plugins.yaml',
      grantsConfig: '/repo/config/grants.yaml',
      policyWasm: '/repo/build/policy.wasm',
      pluginsRoot: '/repo/plugins',
      pluginsMount: '/app/plugins',
      webRoot: '/repo/build/web',
      devLogin: false,
      secureCookies: true,
      trustProxy: false,
      publishToken: undefined,
      rateLimit: { requestsPerSecond: 50, burst: 100 },
      sseHeartbeatMs: 15_000,
      logLevel: 'info',
    });
    expect(s.upstreamUrl.href).toBe('http://127.0.0.1:9000/');
    expect(s.hostVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('turns dev login on by default in development only, with insecure cookies and generated keys', () => {
    const s = loadSettings({ NODE_ENV: 'development', UPSTREAM_URL: 'http://localhost:1' });
    expect(s.devLogin).toBe(true);
    expect(s.secureCookies).toBe(false);
    expect(s.sessionKeysGenerated).toBe(true);
  });

  it.each([
    [{ UPSTREAM_URL: undefined }, /UPSTREAM_URL is required/],
    [{ UPSTREAM_URL: 'not a url' }, /UPSTREAM_URL is not a URL/],
    [{ UPSTREAM_URL: 'ftp://x' }, /http:\/\/ or https:\/\//],
    [{ UPSTREAM_URL: 'http://u:p@x' }, /credentials/],
    [{ UPSTREAM_URL: 'http://x/base' }, /origin only/],
    [{ SESSION_KEYS: undefined }, /SESSION_KEYS is required in production/],
    [{ SESSION_KEYS: 'short' }, /at least 32/],
    [{ PORT: '80a' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be/],
    [{ DEV_LOGIN: 'true' }, /DEV_LOGIN cannot be enabled when NODE_ENV=production/],
    [{ DEV_LOGIN: 'maybe' }, /DEV_LOGIN must be true or false/],
    [{ PUBLISH_TOKEN: 'short' }, /PUBLISH_TOKEN must be at least 16/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ EXPERIENCE_VERSION: 'v1' }, /EXPERIENCE_VERSION must be a semver/],
    [{ PLUGINS_MOUNT: 'app/plugins' }, /PLUGINS_MOUNT must be a clean absolute path/],
    [{ PLUGINS_MOUNT: '/app/plugins/' }, /PLUGINS_MOUNT must be a clean absolute path/],
    [{ PLUGINS_MOUNT: '/app/../plugins' }, /PLUGINS_MOUNT must be a clean absolute path/],
    [{ PLUGINS_MOUNT: '/' }, /PLUGINS_MOUNT must be a clean absolute path/],
  ])('refuses %o with a clear message', (override, message) => {
    expect(() => loadSettings({ ...base, ...override })).toThrow(SettingsError);
    expect(() => loadSettings({ ...base, ...override })).toThrow(message);
  });
});
