/** OpenID Connect relying parties, one per tenant (knows nothing about Koa). */
export { RelyingParty, type LoginTransaction, type ProviderStatus, type ProviderTokens, type SignInResult } from './relying-party.js';
export { resolveIdentity, EMPTY_IDENTITY, type IdentityState, type ResolveIdentityOptions } from './resolve.js';
export { identityFromClaims, claimAt } from './claims.js';
export { IdentityProviderError, LogoutTokenError, SignInError } from './errors.js';
export { BACKCHANNEL_LOGOUT_EVENT, type LogoutClaims } from './logout-token.js';
