import { SdkError, type SdkErrorContext } from './sdk-error.js';

export interface HttpErrorDetails extends SdkErrorContext {
  status: number;
  /** The `code` of the BFF's JSON error body, when it sent one. */
  serverCode?: string;
  /** The `message` of the BFF's JSON error body, when it sent one. */
  serverMessage?: string;
  allowlistViolation?: boolean;
  /** Seconds from `Retry-After`, when the response carried it. */
  retryAfter?: number;
}

/**
 * A response with a non-2xx status. `allowlistViolation` and `retryAfter` are set whatever
 * the subclass, so callers may test the fields instead of the class.
 */
export class HttpError extends SdkError {
  readonly status: number;
  readonly serverCode: string | undefined;
  readonly serverMessage: string | undefined;
  readonly allowlistViolation: boolean;
  readonly retryAfter: number | undefined;

  constructor(details: HttpErrorDetails, code = 'http_error') {
    super(code, describe(details), details);
    this.status = details.status;
    this.serverCode = details.serverCode;
    this.serverMessage = details.serverMessage;
    this.allowlistViolation = details.allowlistViolation ?? false;
    this.retryAfter = details.retryAfter;
  }
}

function describe(d: HttpErrorDetails): string {
  const parts = [`HTTP ${d.status}`];
  if (d.allowlistViolation) parts.push('(allow-list violation)');
  if (d.retryAfter !== undefined) parts.push(`(rate limited, retry after ${d.retryAfter}s)`);
  if (d.serverCode) parts.push(`${d.serverCode}:`);
  if (d.serverMessage) parts.push(d.serverMessage);
  return parts.join(' ');
}
