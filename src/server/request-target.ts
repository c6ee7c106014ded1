import { InputError } from './errors.js';
import type { BffContext, BffMiddleware } from './state.js';

// RFC 3986 path characters. Anything else (backslash, raw non-ASCII, quotes, braces) is
// refused before any decision: upstream servers disagree on what such bytes mean.
const PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const MAX_TARGET = 8192;
// Dot segments, raw or percent-encoded, also with a path parameter (`..;x`, which Tomcat and
// others resolve as `..`), and encoded NUL: no route of the BFF has them, and servers
// disagree on whether they are resolved. (The policy refuses most of them too.)
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:;[^/]*)?(?:\/|$)/i;

/** The raw request path, without the query, exactly as received (and as it will be forwarded). */
export function rawPath(ctx: BffContext): string {
  return targetPath(ctx.req.url ?? '');
}

/** The path of an origin-form request target: everything before the query (`explain` reads `--path` so). */
export function targetPath(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}

/**
 * Only origin-form request targets (`/path?query`) of sane length and characters. Absolute
 * targets (`GET http://other/...`) and `*` are refused, so routing, policy and proxy all read
 * one unambiguous path.
 */
export function createRequestTarget(): BffMiddleware {
  return function requestTarget(ctx, next) {
    const url = ctx.req.url ?? '';
    if (url.length > MAX_TARGET) throw new InputError('malformed_request', 'Request target too long');
    const path = rawPath(ctx);
    if (!url.startsWith('/') || url.includes('#') || !PATH.test(path) || DOT_SEGMENT.test(path) || /%00/.test(path)) {
      throw new InputError('malformed_request', 'Malformed request target');
    }
    // Not async: a plain pass-through saves a promise and an async frame per request
    // (koa-compose turns a synchronous throw into a rejection, as before).
    return next();
  };
}
