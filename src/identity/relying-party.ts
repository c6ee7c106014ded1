/**
 * One tenant's relying party: discovery, the authorization code flow with PKCE (S256), state
 * and nonce, the code exchange as a confidential client with the ID token's signature checked
 * against the provider's JWKS (openid-client), refresh, RP-initiated logout URLs, and
 * back-channel logout tokens (jose). No OAuth or JWT handling is written by hand here.
 */
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import type { OidcProviderConfig } from '../config/identity-types.js';
import { identityFromClaims } from './claims.js';
import { classifyGrantError } from './classify.js';
import { IdentityProviderError, SignInError } from './errors.js';
import { createLogoutTokenVerifier, type LogoutClaims, type LogoutTokenVerifier } from './logout-token.js';

/** What the BFF keeps server-side between /auth/login and /auth/callback. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

/** Tokens held for a session on the server; never sent to the browser. */
export interface ProviderTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Seconds since the epoch; undefined when the provider did not say. */
  accessTokenExpiresAt?: number;
}

export interface SignInResult {
  user: string;
  roles: string[];
  /** The provider's subject and session id (`sid`), for back-channel logout. */
  sub: string;
  providerSid?: string;
  tokens: ProviderTokens;
}

export interface RelyingPartyOptions {
  /** The client secret (read from the variable identity.yaml names). */
  secret: string;
  /** Per request to the provider, in seconds. */
  timeoutSeconds: number;
  /** After a failed discovery, how long the failure is answered from memory before trying again. */
  retryAfterMs: number;
}

interface Discovered {
  config: oidc.Configuration;
  logoutTokens: LogoutTokenVerifier;
}

const UNAVAILABLE = 'The sign-in service of this site cannot be reached right now: try again in a moment';
const MISCONFIGURED = 'The sign-in service of this site is not set up correctly';

export type ProviderStatus = { state: 'ready' } | { state: 'pending' } | { state: 'unavailable'; error: string };

/**
 * @example
 * const rp = new RelyingParty('acme.example.com', provider, { secret, timeoutSeconds: 10, retryAfterMs: 5000 });
 * const { url, transaction } = await rp.beginSignIn('https://acme.example.com/auth/callback');
 */
export class RelyingParty {
  readonly tenant: string;
  readonly provider: OidcProviderConfig;
  /** Same config and secret, same fingerprint: a reload reuses the discovered provider. */
  readonly fingerprint: string;
  readonly #options: RelyingPartyOptions;
  #discovered: Discovered | undefined;
  #pending: Promise<Discovered> | undefined;
  #failure: { error: IdentityProviderError; until: number } | undefined;

  constructor(tenant: string, provider: OidcProviderConfig, options: RelyingPartyOptions) {
    this.tenant = tenant;
    this.provider = provider;
    this.#options = options;
    this.fingerprint = RelyingParty.fingerprintOf(provider, options.secret);
  }
  /** How long one request to the provider may take (its timeout), in milliseconds. */
  get timeoutMs(): number {
    return this.#options.timeoutSeconds * 1000;
  }


  static fingerprintOf(provider: OidcProviderConfig, secret: string): string {
    const secretHash = createHash('sha256').update(secret).digest('hex');
    return createHash('sha256').update(JSON.stringify({ provider, secretHash })).digest('hex').slice(0, 16);
  }

  status(): ProviderStatus {
    if (this.#discovered) return { state: 'ready' };
    if (this.#failure) return { state: 'unavailable', error: this.#failure.error.detail };
    return { state: 'pending' };
  }

  /** Discovers the provider once; after a failure, answers it again until `retryAfterMs` has passed. */
  ready(): Promise<Discovered> {
    if (this.#discovered) return Promise.resolve(this.#discovered);
    if (this.#failure && Date.now() < this.#failure.until) return Promise.reject(this.#failure.error);
    this.#pending ??= this.#discover().then(
      (discovered) => {
        this.#discovered = discovered;
        this.#failure = undefined;
        this.#pending = undefined;
        return discovered;
      },
      (error: IdentityProviderError) => {
        this.#failure = { error, until: Date.now() + this.#options.retryAfterMs };
        this.#pending = undefined;
        throw error;
      },
    );
    return this.#pending;
  }

  async #discover(): Promise<Discovered> {
    const issuer = new URL(this.provider.issuer);
    const insecure = issuer.protocol === 'http:';
    let found: oidc.Configuration;
    try {
      found = await oidc.discovery(issuer, this.provider.clientId, undefined, undefined, {
        timeout: this.#options.timeoutSeconds,
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
    } catch (cause) {
      throw new IdentityProviderError('identity_provider_unavailable', UNAVAILABLE, { cause, detail: `discovery of ${this.provider.issuer} failed: ${cause instanceof Error ? cause.message : String(cause)}` });
    }
    const { supportsPKCE: _helper, ...server } = found.serverMetadata();
    const announced = server.id_token_signing_alg_values_supported;
    const algorithms = this.provider.idTokenAlgorithms.filter((alg) => announced === undefined || announced.includes(alg));
    if (algorithms.length === 0) {
      throw new IdentityProviderError('identity_provider_error', MISCONFIGURED, { detail: `${this.provider.issuer} signs ID tokens with ${announced?.join(', ') ?? 'nothing announced'}; identity.yaml accepts ${this.provider.idTokenAlgorithms.join(', ')}` });
    }
    if (!server.jwks_uri) throw new IdentityProviderError('identity_provider_error', MISCONFIGURED, { detail: `${this.provider.issuer} announces no jwks_uri: ID token signatures could not be checked` });
    if (server.code_challenge_methods_supported && !server.code_challenge_methods_supported.includes('S256')) {
      throw new IdentityProviderError('identity_provider_error', MISCONFIGURED, { detail: `${this.provider.issuer} does not support PKCE with S256` });
    }
    // The announced algorithms, narrowed to the allow-list: openid-client refuses an ID token
    // signed with any other (so never `none`, and never HMAC keyed with a public key).
    const auth = this.provider.tokenAuthMethod === 'client_secret_post' ? oidc.ClientSecretPost(this.#options.secret) : oidc.ClientSecretBasic(this.#options.secret);
    const config = new oidc.Configuration({ ...server, id_token_signing_alg_values_supported: algorithms }, this.provider.clientId, undefined, auth);
    config.timeout = this.#options.timeoutSeconds;
    if (insecure) oidc.allowInsecureRequests(config);
    // Verify the ID token's signature too, not only its claims (the token endpoint's TLS alone is not enough here).
    oidc.enableNonRepudiationChecks(config);
    const logoutTokens = createLogoutTokenVerifier({
      issuer: server.issuer,
      audience: this.provider.clientId,
      jwksUri: new URL(server.jwks_uri),
      algorithms,
      timeoutMs: this.#options.timeoutSeconds * 1000,
    });
    return { config, logoutTokens };
  }

  /** The provider's authorization URL for a new sign-in, and what must be kept until the callback. */
  async beginSignIn(redirectUri: string): Promise<{ url: URL; transaction: LoginTransaction }> {
    const { config } = await this.ready();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const transaction: LoginTransaction = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier, redirectUri };
    const url = oidc.buildAuthorizationUrl(config, {
      ...this.provider.authorizationParams,
      redirect_uri: redirectUri,
      scope: this.provider.scopes.join(' '),
      response_type: 'code',
      state: transaction.state,
      nonce: transaction.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, transaction };
  }

  /** Checks the callback (state), exchanges the code (PKCE verifier), verifies the ID token (nonce, iss, aud, exp, alg, signature). */
  async completeSignIn(query: URLSearchParams, transaction: LoginTransaction): Promise<SignInResult> {
    if (query.get('state') !== transaction.state) throw new SignInError('login_state_mismatch', 'This sign-in answer does not belong to the sign-in this browser started');
    const { config } = await this.ready();
    const callback = new URL(transaction.redirectUri);
    callback.search = query.toString();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw classifyGrantError(error, 'code exchange');
    }
    const claims = tokens.claims();
    if (!claims) throw new SignInError('invalid_id_token', 'The provider sent no ID token');
    const identity = identityFromClaims(claims as Record<string, unknown>, this.provider);
    if (!identity.ok) throw new SignInError('invalid_user_claim', identity.reason);
    return {
      user: identity.user,
      roles: identity.roles,
      sub: claims.sub,
      ...(typeof claims['sid'] === 'string' ? { providerSid: claims['sid'] } : {}),
      tokens: tokensOf(tokens),
    };
  }

  /** A fresh access token; the refresh token too when the provider rotates it. */
  async refresh(refreshToken: string, expectedSub: string): Promise<ProviderTokens> {
    const { config } = await this.ready();
    let tokens: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
    try {
      tokens = await oidc.refreshTokenGrant(config, refreshToken);
    } catch (error) {
      throw classifyGrantError(error, 'refresh');
    }
    const claims = tokens.claims();
    if (claims && claims.sub !== expectedSub) throw new SignInError('refresh_rejected', 'The refreshed ID token is for another user');
    const next = tokensOf(tokens);
    return { ...next, refreshToken: next.refreshToken ?? refreshToken };
  }

  /** The RP-initiated logout URL, when the provider has an end_session_endpoint. */
  endSessionUrl(idToken: string | undefined, postLogoutRedirectUri: string): URL | undefined {
    const discovered = this.#discovered;
    if (!discovered?.config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(discovered.config, {
      client_id: this.provider.clientId,
      post_logout_redirect_uri: postLogoutRedirectUri,
      ...(idToken ? { id_token_hint: idToken } : {}),
    });
  }

  /** Verifies a back-channel logout_token (see logout-token.ts). */
  async verifyLogoutToken(token: string): Promise<LogoutClaims> {
    const { logoutTokens } = await this.ready();
    return logoutTokens(token);
  }
}

function tokensOf(response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): ProviderTokens {
  const expiresIn = response.expiresIn();
  return {
    accessToken: response.access_token,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(response.id_token ? { idToken: response.id_token } : {}),
    ...(expiresIn !== undefined ? { accessTokenExpiresAt: Math.floor(Date.now() / 1000) + expiresIn } : {}),
  };
}
