/**
 * The one place where errors become HTTP responses. Typed errors carry a stable code; this
 * table gives each class its status and headers. Anything else is a 500 with a generic body:
 * no message, stack or path from inside the server reaches a client.
 */
import type { Logger } from 'pino';
import {
  AppError,
  IdentityProviderError,
  ConflictError,
  InputError,
  IntegrityError,
  MethodNotAllowedError,
  NotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PolicyRefusalError,
  StoreUnavailableError,
  TooManyRequestsError,
  UnauthenticatedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../errors.js';
import { markOutcome } from '../../outcome.js';
import type { BffContext, BffMiddleware } from '../../state.js';
import { errorPage } from './page.js';

interface Mapping {
  status: number;
  headers?: Record<string, string>;
  emptyBody?: boolean;
}

// Most specific classes first: the first `instanceof` that holds wins.
const TABLE: Array<[abstract new (...args: never[]) => AppError, Mapping]> = [
  [IntegrityError, { status: 409, headers: { 'X-Integrity-Error': '1' }, emptyBody: true }],
  // The rest of the body is not read: the connection closes after the answer (RFC 9110 §15.5.14).
  [PayloadTooLargeError, { status: 413, headers: { Connection: 'close' } }],
  [UnsupportedMediaTypeError, { status: 415 }],
  [UpstreamTimeoutError, { status: 504 }],
  [UpstreamError, { status: 502 }],
  [IdentityProviderError, { status: 502 }],
  [UnauthenticatedError, { status: 401 }],
  [NotAllowedError, { status: 403 }],
  [NotFoundError, { status: 404 }],
  [MethodNotAllowedError, { status: 405 }],
  [ConflictError, { status: 409 }],
  [TooManyRequestsError, { status: 429 }],
  // Redis is reconnecting with a backoff of at most 2 s: a client may try again soon.
  [StoreUnavailableError, { status: 503, headers: { 'Retry-After': '2' } }],
  [UnavailableError, { status: 503 }],
  [InputError, { status: 400 }],
];

const ALLOWLIST_VIOLATION = { 'X-Allowlist-Violation': '1' } as const;

/**
 * A policy refusal is answered as its reason catalogue says (a 4xx, checked at load): the reason
 * as the code, and `X-Allowlist-Violation: 1` for an allow-list violation.
 */
function policyRefusal(error: PolicyRefusalError): MappedError {
  const headers: Record<string, string> = error.allowlistViolation ? { ...ALLOWLIST_VIOLATION } : {};
  return { status: error.httpStatus, code: error.code, message: error.message, headers, emptyBody: false };
}

/** Codes for errors raised by Koa or koa-router themselves (http-errors with expose). */
const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  501: 'not_implemented',
};

export interface MappedError {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
  emptyBody: boolean;
}

export function mapError(error: unknown): MappedError {
  if (error instanceof PolicyRefusalError && error.httpStatus >= 400 && error.httpStatus < 500) return policyRefusal(error);
  if (error instanceof AppError) {
    const found = TABLE.find(([type]) => error instanceof type);
    const mapping: Mapping = found ? found[1] : { status: 500 };
    const headers = { ...mapping.headers };
    if (error instanceof TooManyRequestsError && error.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
    }
    if (mapping.status >= 500 && !(error instanceof UpstreamError) && !(error instanceof UnavailableError) && !(error instanceof IdentityProviderError)) {
      return { status: 500, code: 'internal_error', message: 'Internal server error', headers: {}, emptyBody: false };
    }
    return { status: mapping.status, code: error.code, message: error.message, headers, emptyBody: mapping.emptyBody ?? false };
  }
  const http = httpError(error);
  if (http && http.expose && http.status < 500) {
    return { status: http.status, code: HTTP_CODES[http.status] ?? 'bad_request', message: http.message, headers: {}, emptyBody: false };
  }
  if (http && http.status === 501) {
    return { status: 501, code: 'not_implemented', message: 'Method not implemented', headers: {}, emptyBody: false };
  }
  return { status: 500, code: 'internal_error', message: 'Internal server error', headers: {}, emptyBody: false };
}

/** Koa and koa-router throw http-errors objects: a status and whether the message may be shown. */
function httpError(error: unknown): { status: number; expose: boolean; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, expose, message } = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 599) return undefined;
  return { status, expose: expose === true, message: typeof message === 'string' ? message : '' };
}

function resetHeaders(ctx: BffContext): void {
  const keep = ctx.state.baseHeaders ?? new Set<string>();
  for (const name of ctx.res.getHeaderNames()) {
    if (!keep.has(name)) ctx.res.removeHeader(name);
  }
}

/**
 * Maps thrown errors to `{ code, message }` JSON (or an empty body where the contract says so),
 * with `Cache-Control: no-store`. Server faults are logged here, once.
 */
export function createErrorHandler(options: { logger: Logger }): BffMiddleware {
  return async function errorHandler(ctx, next) {
    try {
      await next();
    } catch (error) {
      const mapped = mapError(error);
      // The client closed the connection (and, say, the proxy then gave up on the upstream):
      // the request line records client_aborted; it is no fault of the BFF.
      const clientGone = !ctx.writable;
      if (mapped.status >= 500 && !clientGone) {
        options.logger.error({ err: error, requestId: ctx.state.requestId, route: ctx.state.log.route }, 'request failed');
      }
      if (ctx.headerSent || clientGone) {
        // Too late for a response: the stream is cut, the client sees a broken body.
        if (!clientGone) markOutcome(ctx.res, 'server_error');
        ctx.res.destroy();
        return;
      }
      ctx.state.log.reason ??= mapped.code;
      resetHeaders(ctx);
      ctx.status = mapped.status;
      ctx.set('Cache-Control', 'no-store');
      for (const [name, value] of Object.entries(mapped.headers)) ctx.set(name, value);
      if (mapped.emptyBody) {
        ctx.body = '';
        ctx.remove('Content-Type');
      } else if (ctx.state.errorPage && ctx.accepts('json', 'html') === 'html') {
        // A browser navigation (sign-in): a page a person can read, with the same stable code.
        ctx.type = 'html';
        ctx.body = errorPage(mapped.status, mapped.code, mapped.message);
      } else {
        ctx.body = { code: mapped.code, message: mapped.message };
      }
    }
  };
}
