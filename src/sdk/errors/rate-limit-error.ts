import { HttpError, type HttpErrorDetails } from './http-error.js';

/** 429: this plugin sent too many requests; `retryAfter` says how long to wait (seconds). */
export class RateLimitError extends HttpError {
  constructor(details: HttpErrorDetails) {
    super(details, 'rate_limited');
  }
}
