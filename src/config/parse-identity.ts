import { checkIdentity, type IdentitySemanticOptions } from './check-identity.js';
import { isRecord } from './check-plugins.js';
import type { IdentityConfig, IdTokenAlgorithm, OidcProviderConfig, TokenAuthMethod } from './identity-types.js';
import type { ParseResult } from './issue.js';
import { runPipeline } from './pipeline.js';

export interface ParseIdentityOptions extends IdentitySemanticOptions {
  /** Shown in issues; the parser never reads it. */
  file: string;
}

/**
 * Parses and validates identity.yaml text. Pure but for reading `options.env` (to say at
 * `file:line:col` which secret variable is missing); the secret itself is never read here.
 * @example
 * parseIdentity(text, { file: 'config/identity.yaml', mode: 'production', env: process.env })
 */
export function parseIdentity(text: string, options: ParseIdentityOptions): ParseResult<IdentityConfig> {
  return runPipeline(text, options.file, 'identity', (data) => checkIdentity(data, options), toModel);
}

type Data = Record<string, unknown>;

function toModel(data: unknown): IdentityConfig {
  const tenants = (data as Data)['tenants'] as Record<string, Data>;
  return { tenants: Object.fromEntries(Object.entries(tenants).map(([host, p]) => [host, toProvider(p)])) };
}

function toProvider(p: Data): OidcProviderConfig {
  const provider: OidcProviderConfig = {
    name: String(p['name']),
    issuer: String(p['issuer']),
    clientId: String(p['clientId']),
    clientSecretEnv: String((p['clientSecret'] as Data)['env']),
    tokenAuthMethod: (p['tokenAuthMethod'] as TokenAuthMethod | undefined) ?? 'client_secret_basic',
    scopes: strings(p['scopes']) ?? ['openid', 'profile'],
    authorizationParams: Object.fromEntries(Object.entries(isRecord(p['authorizationParams']) ? p['authorizationParams'] : {}).map(([k, v]) => [k, String(v)])),
    userClaim: typeof p['userClaim'] === 'string' ? p['userClaim'] : 'sub',
    defaultRoles: strings(p['defaultRoles']) ?? [],
    idTokenAlgorithms: (strings(p['idTokenAlgorithms']) as IdTokenAlgorithm[] | undefined) ?? ['RS256', 'PS256', 'ES256', 'EdDSA'],
    postLogoutPath: typeof p['postLogoutPath'] === 'string' ? p['postLogoutPath'] : '/',
  };
  if (typeof p['rolesClaim'] === 'string') provider.rolesClaim = p['rolesClaim'];
  if (isRecord(p['roleMap'])) {
    // Object.fromEntries defines own properties: a group named "__proto__" stays a plain key.
    provider.roleMap = Object.fromEntries(Object.entries(p['roleMap']).map(([group, roles]) => [group, strings(roles) ?? []]));
  }
  return provider;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}
