/**
 * The HTTP layer's part of the path rules (docs/contracts.md, "Path rules"): only what HTTP
 * cannot hand over as one unambiguous path, refused on every route before routing. Everything
 * about the shape of a path (dot segments, encoded separators, backslashes, ...) is the policy's
 * `malformed_path` for plugin calls; the BFF's own routes match exact paths and the web shell
 * confines what it serves (routes/web.ts).
 */
import { InputError } from './errors.js';
import type { BffContext, BffMiddleware } from './state.js';

const MAX_TARGET = 8192;
// Printable ASCII. Node's parser already refuses other bytes (400 malformed_request, start.ts);
// checked again so a lenient parser (--insecure-http-parser) cannot change what Koa's router
// reads (a non-ASCII or whitespace byte makes it parse the target differently from the raw path).
const PRINTABLE = /^[\x21-\x7e]*$/;

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
 * Why a request target is not one HTTP can hand over as a path, or undefined when it is: longer
 * than 8 KiB; not origin-form (`GET http://other/...`, `*`: routing, policy and proxy would read
 * different paths); a fragment (never sent by a client that means one path); a byte outside
 * printable ASCII.
 */
export function targetProblem(target: string): string | undefined {
  if (target.length > MAX_TARGET) return 'Request target too long';
  if (!target.startsWith('/') || target.includes('#') || !PRINTABLE.test(target)) return 'Malformed request target';
  return undefined;
}

/** Refuses (400 `malformed_request`) a target `targetProblem` names; everything else goes on. */
export function createRequestTarget(): BffMiddleware {
  return function requestTarget(ctx, next) {
    const problem = targetProblem(ctx.req.url ?? '');
    if (problem !== undefined) throw new InputError('malformed_request', problem);
    // Not async: a plain pass-through saves a promise and an async frame per request
    // (koa-compose turns a synchronous throw into a rejection, as before).
    return next();
  };
}
