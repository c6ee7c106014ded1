import { HttpError, type HttpErrorDetails } from './http-error.js';

/** 403 with `X-Allowlist-Violation: 1`: the method + path is not on this plugin's allow-list. */
export class AllowlistViolationError extends HttpError {
  constructor(details: Omit<HttpErrorDetails, 'allowlistViolation'>) {
    super({ ...details, allowlistViolation: true }, 'allowlist_violation');
  }
}
