import { describe, expect, it } from 'vitest';
import { SettingsError } from '../settings/index.js';
import { readPolicyBundleSettings } from './policy-bundle-settings.js';

describe('readPolicyBundleSettings', () => {
  it('no bundle: undefined (policy.wasm is read)', () => {
    expect(readPolicyBundleSettings({}, '/repo', 'production')).toBeUndefined();
  });

  it('a file, resolved against the working directory and named as given; keys likewise', () => {
    expect(readPolicyBundleSettings({ POLICY_BUNDLE: 'build/bundle.tar.gz', POLICY_BUNDLE_KEYS: 'config/bundle-keys.yaml' }, '/repo', 'production')).toEqual({
      kind: 'file',
      path: '/repo/build/bundle.tar.gz',
      named: 'build/bundle.tar.gz',
      keys: { path: '/repo/config/bundle-keys.yaml', named: 'config/bundle-keys.yaml' },
    });
  });

  it('a bundle server, polled every 60 s by default', () => {
    const s = readPolicyBundleSettings({ POLICY_BUNDLE_URL: 'https://bundles.internal/experience.tar.gz', POLICY_BUNDLE_KEYS: 'k.yaml' }, '/repo', 'production');
    expect(s).toMatchObject({ kind: 'url', pollSeconds: 60 });
    expect(s?.kind === 'url' && s.url.href).toBe('https://bundles.internal/experience.tar.gz');
    expect(readPolicyBundleSettings({ POLICY_BUNDLE_URL: 'http://127.0.0.1:1/b', POLICY_BUNDLE_POLL_S: '5' }, '/', 'test')).toMatchObject({ pollSeconds: 5, keys: undefined });
  });

  it('POLICY_BUNDLE_TOKEN goes with the bundle server; over http only outside production', () => {
    const token = 'bundle-token-0123456789';
    expect(readPolicyBundleSettings({ POLICY_BUNDLE_URL: 'https://x/b', POLICY_BUNDLE_KEYS: 'k.yaml', POLICY_BUNDLE_TOKEN: ` ${token} ` }, '/', 'production')).toMatchObject({ kind: 'url', token });
    expect(readPolicyBundleSettings({ POLICY_BUNDLE_URL: 'http://127.0.0.1:1/b', POLICY_BUNDLE_TOKEN: token }, '/', 'test')).toMatchObject({ token });
    expect(readPolicyBundleSettings({ POLICY_BUNDLE_URL: 'https://x/b' }, '/', 'test')).not.toHaveProperty('token');
  });

  it.each([
    [{ POLICY_BUNDLE_URL: 'http://x/b', POLICY_BUNDLE_KEYS: 'k.yaml', POLICY_BUNDLE_TOKEN: 'bundle-token-0123456789' }, 'production', /needs an https:\/\/ POLICY_BUNDLE_URL in production/],
    [{ POLICY_BUNDLE_URL: 'https://x/b', POLICY_BUNDLE_TOKEN: 'short' }, 'test', /at least 16 characters/],
    [{ POLICY_BUNDLE_URL: 'https://x/b', POLICY_BUNDLE_TOKEN: 'bundle token 0123456789' }, 'test', /printable ASCII without spaces/],
    [{ POLICY_BUNDLE_URL: 'https://x/b', POLICY_BUNDLE_TOKEN: 'bundle-token-0123456789\u00e9' }, 'test', /printable ASCII/],
    [{ POLICY_BUNDLE: 'a.tar.gz', POLICY_BUNDLE_TOKEN: 'bundle-token-0123456789' }, 'test', /needs POLICY_BUNDLE_URL, not POLICY_BUNDLE/],
    [{ POLICY_BUNDLE: 'a.tar.gz', POLICY_BUNDLE_URL: 'http://x/b' }, 'test', /not both/],
    [{ POLICY_BUNDLE_KEYS: 'k.yaml' }, 'test', /POLICY_BUNDLE_KEYS is set but no bundle is/],
    [{ POLICY_BUNDLE_URL: 'https://x/b' }, 'production', /needs POLICY_BUNDLE_KEYS in production/],
    [{ POLICY_BUNDLE_URL: 'not a url' }, 'test', /is not a URL/],
    [{ POLICY_BUNDLE_URL: 'file:///etc/b.tar.gz' }, 'test', /http:\/\/ or https:\/\//],
    [{ POLICY_BUNDLE_URL: 'https://user:pw@x/b' }, 'test', /must not carry credentials/],
    [{ POLICY_BUNDLE_URL: 'https://x/b#f' }, 'test', /fragment/],
    [{ POLICY_BUNDLE_URL: 'https://x/b', POLICY_BUNDLE_POLL_S: '0' }, 'test', /POLL_S must be a whole number of seconds from 1 to 86400/],
    [{ POLICY_BUNDLE_URL: 'https://x/b', POLICY_BUNDLE_POLL_S: '1.5' }, 'test', /POLL_S/],
  ] as const)('refuses %j in %s', (env, mode, message) => {
    expect(() => readPolicyBundleSettings(env, '/repo', mode)).toThrow(SettingsError);
    expect(() => readPolicyBundleSettings(env, '/repo', mode)).toThrow(message);
  });
});
