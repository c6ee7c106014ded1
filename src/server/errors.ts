/**
 * Errors the BFF raises. Like the base classes in src/errors they know nothing about HTTP:
 * middleware/errors maps every class to a status, headers and body in one place. The one
 * exception is a policy refusal, whose status the policy itself declares (its reason catalogue).
 */
import { AppError, ConflictError, InputError } from '../errors/index.js';

export { AppError, ConflictError, InputError, NotAllowedError, NotFoundError } from '../errors/index.js';
export { IdentityProviderError, LogoutTokenError, SignInError } from '../identity/errors.js';

/** No valid session on a route that needs one. */
export class UnauthenticatedError extends AppError {}

/**
 * A request the policy refused. The code is the decision's reason; status, message and whether it
 * is an allow-list violation (`X-Allowlist-Violation: 1`) come from the policy's reason catalogue,
 * which the engine checked at load (a 4xx, a short plain message).
 */
export class PolicyRefusalError extends AppError {
  readonly httpStatus: number;
  readonly allowlistViolation: boolean;

  constructor(reason: string, message: string, httpStatus: number, allowlistViolation: boolean) {
    super(reason, message);
    this.httpStatus = httpStatus;
    this.allowlistViolation = allowlistViolation;
  }
}

/** The served bytes do not match `bundle.integrity`: refused, with an empty body. */
export class IntegrityError extends ConflictError {}

/** Input larger than the route accepts. */
export class PayloadTooLargeError extends InputError {}

/** A body in a media type the route does not read. */
export class UnsupportedMediaTypeError extends InputError {}

/** The path exists but not for this method. */
export class MethodNotAllowedError extends AppError {}

/** Over a rate limit or a cap; `retryAfterSeconds` tells the client when to try again. */
export class TooManyRequestsError extends AppError {
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, retryAfterSeconds?: number) {
    super(code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A decision or a dependency the BFF needs is not available: fail closed. */
export class UnavailableError extends AppError {}

/** The shared store (Redis) did not answer: sessions cannot be checked, so nothing that needs one is served. */
export class StoreUnavailableError extends UnavailableError {}

/** The upstream service could not be reached or broke the connection. */
export class UpstreamError extends AppError {}

/** The upstream service did not answer in time. */
export class UpstreamTimeoutError extends UpstreamError {}
