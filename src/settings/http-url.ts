import { SettingsError } from './settings-error.js';

/**
 * An http(s) URL setting such as UPSTREAM_URL, DECISION_LOG_URL or POLICY_BUNDLE_URL: a URL,
 * http:// or https://, and no user or password in it (a credential in a URL ends up in logs and
 * process listings; each setting that needs one has its own variable, named in `credentialsHint`).
 * What else a setting allows (a path, a fragment) is its own rule.
 */
export function readHttpUrl(name: string, raw: string, credentialsHint?: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingsError(`${name} is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingsError(`${name} must be http:// or https://`);
  if (url.username || url.password) throw new SettingsError(`${name} must not carry credentials${credentialsHint ? ` (${credentialsHint})` : ''}`);
  return url;
}
