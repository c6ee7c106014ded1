/**
 * The validated model of identity.yaml: per tenant host, the OpenID Connect provider its users
 * sign in with, and how the provider's claims become the user id and roles of a session.
 */

/** How the BFF authenticates itself at the token endpoint (a confidential client). */
export type TokenAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** Asymmetric JWS algorithms an ID token may be signed with (never `none`, never HMAC). */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type IdTokenAlgorithm = (typeof ID_TOKEN_ALGORITHMS)[number];

export interface OidcProviderConfig {
  /** Shown on the sign-in page: "Sign in with <name>". */
  name: string;
  /** The issuer identifier; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** The name of the environment variable that holds the client secret (never the secret). */
  clientSecretEnv: string;
  tokenAuthMethod: TokenAuthMethod;
  /** Always contains `openid`. */
  scopes: string[];
  /** Extra authorization request parameters (e.g. Google's `access_type: offline`). */
  authorizationParams: Record<string, string>;
  /** The ID token claim that is the session's user id (default `sub`). */
  userClaim: string;
  /** Where the groups or roles are: a claim name, else a dotted path (`realm_access.roles`). */
  rolesClaim?: string;
  /** IdP group -> role names of grants.yaml. When set, groups not listed give no role. */
  roleMap?: Record<string, string[]>;
  /** Roles every user of this provider gets. */
  defaultRoles: string[];
  /** The ID token algorithms accepted (intersected with what the provider announces). */
  idTokenAlgorithms: IdTokenAlgorithm[];
  /** Path on the tenant the provider sends the browser back to after its logout (default `/`). */
  postLogoutPath: string;
}

export interface IdentityConfig {
  /** Tenant host -> its provider. A tenant not listed has no provider (development login only). */
  tenants: Record<string, OidcProviderConfig>;
}
