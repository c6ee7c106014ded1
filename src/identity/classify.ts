/**
 * openid-client's errors -> ours. Network trouble and broken answers are the provider's
 * (IdentityProviderError, 502); a refused code or an ID token that does not verify ends this
 * sign-in attempt (SignInError, 400). Messages never include tokens or codes, and the library's
 * error is not kept as the cause (its details can hold a token response), except for network
 * errors, which hold none.
 */
import * as oidc from 'openid-client';
import { IdentityProviderError, SignInError } from './errors.js';

const TOKEN_CHECKS = new Set(['OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', 'OAUTH_KEY_SELECTION_FAILED', 'OAUTH_UNSUPPORTED_OPERATION']);

function innerMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

/** Which step failed, for the error message; never part of the stable code. */
export function classifyGrantError(error: unknown, step: 'code exchange' | 'refresh'): Error {
  if (error instanceof SignInError || error instanceof IdentityProviderError) return error;
  if (error instanceof oidc.ResponseBodyError) {
    if (error.status >= 500) return new IdentityProviderError('identity_provider_unavailable', `The identity provider failed during the ${step} (${error.status})`);
    // invalid_grant: a used, expired or foreign code, or a PKCE verifier that does not match.
    return new SignInError(step === 'refresh' ? 'refresh_rejected' : 'login_code_rejected', `The identity provider refused the ${step} (${error.error})`);
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    return new SignInError('login_refused', `The identity provider refused the sign-in (${error.error})`);
  }
  if (error instanceof TypeError || (error instanceof oidc.ClientError && (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT'))) {
    return new IdentityProviderError('identity_provider_unavailable', `The identity provider could not be reached during the ${step}`, { cause: error });
  }
  if (error instanceof oidc.ClientError) {
    const detail = innerMessage(error);
    if ((error.code !== undefined && TOKEN_CHECKS.has(error.code)) || /\bJWT\b|ID Token|alg/.test(detail)) {
      return new SignInError('invalid_id_token', `The ID token was refused: ${detail}`);
    }
    return new IdentityProviderError('identity_provider_error', "The sign-in service's answer could not be used", { detail: `${step}: ${detail}` });
  }
  return new IdentityProviderError('identity_provider_error', `The ${step} failed`);
}
