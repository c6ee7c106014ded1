import type { RawIssue } from './issue.js';
import { isRecord } from './check-plugins.js';
import type { Mode } from './types.js';

export interface IdentitySemanticOptions {
  mode: Mode;
  /** Where `clientSecret.env` is looked up; a missing variable is an issue at that field. */
  env: Readonly<Record<string, string | undefined>>;
}

/** Parameters the BFF sets itself on every authorization request: an operator may not override them. */
export const RESERVED_AUTHORIZATION_PARAMS = new Set([
  'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
  'response_mode', 'request', 'request_uri', 'client_secret',
]);

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What the identity schema cannot say: the issuer is an https URL (plain http only for a
 * loopback provider outside production), the secret's variable is set, `openid` is requested,
 * and the protocol parameters stay the BFF's.
 */
export function checkIdentity(data: unknown, options: IdentitySemanticOptions): RawIssue[] {
  const issues: RawIssue[] = [];
  if (!isRecord(data) || !isRecord(data['tenants'])) return issues;
  for (const [host, provider] of Object.entries(data['tenants'])) {
    if (!isRecord(provider)) continue;
    const at = ['tenants', host];
    const issuer = provider['issuer'];
    if (typeof issuer === 'string') {
      const problem = issuerProblem(issuer, options.mode);
      if (problem) issues.push({ code: 'invalid_issuer', path: [...at, 'issuer'], message: problem });
    }
    const secret = provider['clientSecret'];
    if (isRecord(secret) && typeof secret['env'] === 'string' && !options.env[secret['env']]) {
      issues.push({ code: 'missing_secret_env', path: [...at, 'clientSecret', 'env'], message: `the environment variable ${secret['env']} (the client secret) is not set` });
    }
    const scopes = provider['scopes'];
    if (Array.isArray(scopes) && !scopes.includes('openid')) {
      issues.push({ code: 'invalid_scopes', path: [...at, 'scopes'], message: 'scopes must include "openid"' });
    }
    const params = provider['authorizationParams'];
    if (isRecord(params)) {
      for (const name of Object.keys(params)) {
        if (RESERVED_AUTHORIZATION_PARAMS.has(name)) {
          issues.push({ code: 'reserved_authorization_param', path: [...at, 'authorizationParams', name], at: 'key', message: `"${name}" is set by the BFF itself and cannot be configured` });
        }
      }
    }
  }
  return issues;
}

function issuerProblem(raw: string, mode: Mode): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not a URL`;
  }
  if (url.username || url.password || url.search || url.hash) return 'the issuer must not carry credentials, a query or a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return 'the issuer must be an https:// URL';
  if (mode === 'production') return 'the issuer must be https:// in production';
  if (!LOOPBACK.has(url.hostname)) return 'plain http is accepted only for a provider on localhost, 127.0.0.1 or [::1] (outside production)';
  return undefined;
}
