/**
 * What can go wrong between the BFF and an identity provider. Each error has a stable code
 * (README "Error codes"); the server maps the classes to HTTP in its one mapping place.
 */
import { AppError, InputError } from '../errors/index.js';

/**
 * The provider could not be reached, timed out, or answered with something unusable (502).
 * `message` is what a browser may read; `detail` (issuer, cause) is for logs and the reload status.
 */
export class IdentityProviderError extends AppError {
  readonly detail: string;

  constructor(code: string, message: string, options?: { cause?: unknown; detail?: string }) {
    super(code, message, options);
    this.detail = options?.detail ?? message;
  }
}

/** A sign-in attempt failed: state, code, ID token or claims did not check out (400). */
export class SignInError extends InputError {}

/** A back-channel logout_token that does not verify (400, as OIDC Back-Channel Logout 1.0 asks). */
export class LogoutTokenError extends InputError {}
