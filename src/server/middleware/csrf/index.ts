/**
 * Cross-site request forgery, refused before any work. A state-changing request (any method
 * but GET, HEAD and OPTIONS) must
 *   1. carry a header a cross-site page cannot send without a CORS preflight (which the BFF
 *      never grants): `X-Plugin-Id` (the SDK's plugin calls) or `X-Experience-Csrf: 1` (the
 *      shell's own calls), and
 *   2. not come from another site: `Sec-Fetch-Site`, when the browser sends it, must be
 *      `same-origin`; else `Origin`, when sent, must be this request's own origin.
 * The server-to-server endpoints (back-channel logout, event publishing) have no browser
 * behind them and their own authentication, so they are exempt.
 */
import { NotAllowedError } from '../../errors.js';
import { publicOrigin } from '../../auth/origin.js';
import type { BffContext, BffMiddleware } from '../../state.js';

export const CSRF_HEADER = 'x-experience-csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfOptions {
  /** Exact paths exempt from the check (server-to-server, authenticated otherwise). */
  exempt: readonly string[];
  production: boolean;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** Why the request is refused, or undefined when it may go on. */
export function csrfProblem(ctx: BffContext, production: boolean): string | undefined {
  const headers = ctx.req.headers;
  const marker = single(headers[CSRF_HEADER]);
  const plugin = single(headers['x-plugin-id']);
  if (marker !== '1' && !plugin) return 'State-changing requests must carry X-Experience-Csrf: 1 (or X-Plugin-Id)';
  const site = single(headers['sec-fetch-site']);
  if (site !== undefined) return site === 'same-origin' ? undefined : `Cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 32)})`;
  const origin = single(headers.origin);
  if (origin !== undefined && origin !== publicOrigin(ctx, production)) return 'Cross-site request refused (Origin is not this site)';
  return undefined;
}

export function createCsrfGuard(options: CsrfOptions): BffMiddleware {
  const exempt = new Set(options.exempt);
  return function csrfGuard(ctx, next) {
    if (SAFE.has(ctx.method) || exempt.has(ctx.path)) return next();
    const problem = csrfProblem(ctx, options.production);
    if (problem !== undefined) {
      ctx.state.log.route ??= 'csrf';
      throw new NotAllowedError('cross_site_request', problem);
    }
    return next();
  };
}
