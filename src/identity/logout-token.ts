/**
 * OpenID Connect Back-Channel Logout 1.0, section 2.6: a logout_token is accepted only when its
 * signature verifies with a key of the provider's JWKS, with an allowed algorithm, `iss` and
 * `aud` are ours, `iat` is recent, `events` holds the back-channel logout event, `sid` or `sub`
 * is present, and `nonce` is absent. jose does the JWT work; replay (`jti`) is the caller's.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { LogoutTokenError } from './errors.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** How old a logout_token may be (`iat`), in seconds. */
export const LOGOUT_TOKEN_MAX_AGE_S = 300;

export interface LogoutClaims {
  issuer: string;
  jti: string;
  sid?: string;
  sub?: string;
}

export type LogoutTokenVerifier = (token: string) => Promise<LogoutClaims>;

export interface LogoutTokenOptions {
  issuer: string;
  audience: string;
  jwksUri: URL;
  algorithms: string[];
  timeoutMs: number;
}

export function createLogoutTokenVerifier(options: LogoutTokenOptions): LogoutTokenVerifier {
  const jwks = createRemoteJWKSet(options.jwksUri, { timeoutDuration: options.timeoutMs, cooldownDuration: 30_000 });
  return async function verifyLogoutToken(token) {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new LogoutTokenError('invalid_logout_token', 'logout_token is not a JWS');
    }
    // An ID token or access token is not a logout token: a typ, when present, must say so.
    if (header.typ !== undefined && header.typ.toLowerCase() !== 'logout+jwt' && header.typ.toLowerCase() !== 'application/logout+jwt') {
      throw new LogoutTokenError('invalid_logout_token', `logout_token has typ "${header.typ}"`);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: options.algorithms,
        maxTokenAge: LOGOUT_TOKEN_MAX_AGE_S,
        clockTolerance: 30,
        requiredClaims: ['iat', 'jti', 'events'],
      }));
    } catch (cause) {
      throw new LogoutTokenError('invalid_logout_token', `logout_token refused: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    const events = payload['events'];
    if (typeof events !== 'object' || events === null || Array.isArray(events)) throw new LogoutTokenError('invalid_logout_token', 'logout_token has no events object');
    const event = (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT];
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new LogoutTokenError('invalid_logout_token', 'logout_token does not carry the back-channel logout event');
    if (payload['nonce'] !== undefined) throw new LogoutTokenError('invalid_logout_token', 'logout_token must not carry a nonce');
    const sid = typeof payload['sid'] === 'string' && payload['sid'] !== '' ? payload['sid'] : undefined;
    const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
    if (!sid && !sub) throw new LogoutTokenError('invalid_logout_token', 'logout_token names neither sid nor sub');
    if (typeof payload.jti !== 'string' || payload.jti === '') throw new LogoutTokenError('invalid_logout_token', 'logout_token has no jti');
    return { issuer: options.issuer, jti: payload.jti, ...(sid ? { sid } : {}), ...(sub ? { sub } : {}) };
  };
}
