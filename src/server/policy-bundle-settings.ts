/**
 * The policy bundle settings (README "Signed policy bundles"): where the bundle is read instead
 * of POLICY_WASM, and the keys its signature is checked with.
 */
import path from 'node:path';
import type { Mode } from '../config/types.js';
import { readHttpUrl, SettingsError } from '../settings/index.js';

/** A bundle file (POLICY_BUNDLE), watched like policy.wasm, or a bundle server (POLICY_BUNDLE_URL), polled. */
export type PolicyBundleSettings = (
  | { kind: 'file'; path: string; named: string }
  | { kind: 'url'; url: URL; pollSeconds: number; token?: string }
) & {
  /** POLICY_BUNDLE_KEYS: the keys file; undefined means signatures are not checked. */
  keys: { path: string; named: string } | undefined;
};

type Env = Readonly<Record<string, string | undefined>>;

function bundleUrl(raw: string): URL {
  const url = readHttpUrl('POLICY_BUNDLE_URL', raw);
  if (url.hash) throw new SettingsError('POLICY_BUNDLE_URL must not have a fragment');
  return url;
}

function pollSeconds(env: Env): number {
  const raw = env.POLICY_BUNDLE_POLL_S?.trim();
  if (!raw) return 60;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 86_400) throw new SettingsError(`POLICY_BUNDLE_POLL_S must be a whole number of seconds from 1 to 86400, got "${raw}"`);
  return Number(raw);
}

/**
 * POLICY_BUNDLE_TOKEN: sent to the bundle server as `Authorization: Bearer` (OPA's
 * `credentials.bearer`). In production only over https: over plain http anyone on the path reads it.
 */
function bundleToken(env: Env, url: URL, mode: Mode): string | undefined {
  const token = env.POLICY_BUNDLE_TOKEN?.trim() || undefined;
  if (token === undefined) return undefined;
  if (token.length < 16) throw new SettingsError('POLICY_BUNDLE_TOKEN must be at least 16 characters');
  if (/[^\x21-\x7e]/.test(token)) throw new SettingsError('POLICY_BUNDLE_TOKEN must be printable ASCII without spaces');
  if (mode === 'production' && url.protocol !== 'https:') throw new SettingsError('POLICY_BUNDLE_TOKEN needs an https:// POLICY_BUNDLE_URL in production: over http the token is readable on the way');
  return token;
}

/** Reads POLICY_BUNDLE, POLICY_BUNDLE_URL, POLICY_BUNDLE_KEYS, POLICY_BUNDLE_POLL_S and POLICY_BUNDLE_TOKEN; undefined when no bundle is configured. */
export function readPolicyBundleSettings(env: Env, cwd: string, mode: Mode): PolicyBundleSettings | undefined {
  const file = env.POLICY_BUNDLE?.trim() || undefined;
  const url = env.POLICY_BUNDLE_URL?.trim() || undefined;
  const keysNamed = env.POLICY_BUNDLE_KEYS?.trim() || undefined;
  const keys = keysNamed ? { path: path.resolve(cwd, keysNamed), named: keysNamed } : undefined;
  if (file && url) throw new SettingsError('set POLICY_BUNDLE or POLICY_BUNDLE_URL, not both');
  if (!file && !url) {
    // Keys that verify nothing are a mistake, not a choice: say so rather than run unsigned policy.wasm.
    if (keys) throw new SettingsError('POLICY_BUNDLE_KEYS is set but no bundle is: set POLICY_BUNDLE or POLICY_BUNDLE_URL');
    return undefined;
  }
  if (file) {
    if (env.POLICY_BUNDLE_TOKEN?.trim()) throw new SettingsError('POLICY_BUNDLE_TOKEN is for a bundle server: it needs POLICY_BUNDLE_URL, not POLICY_BUNDLE');
    return { kind: 'file', path: path.resolve(cwd, file), named: file, keys };
  }
  // Policy fetched over the network decides every permission: in production it must be signed.
  if (mode === 'production' && !keys) throw new SettingsError('POLICY_BUNDLE_URL needs POLICY_BUNDLE_KEYS in production: a bundle from a server must be signed');
  const at = bundleUrl(url!);
  const token = bundleToken(env, at, mode);
  return { kind: 'url', url: at, pollSeconds: pollSeconds(env), ...(token ? { token } : {}), keys };
}
