/**
 * Security headers on every response, from koa-helmet: a strict CSP (scripts only from the
 * same origin, no inline script, no eval), no framing, no sniffing. Helmet's output does not
 * depend on the request, so it is computed once and set from a list; the same list goes on
 * the answers Node's HTTP parser gives to malformed requests (see start.ts). The names are
 * kept in ctx.state.baseHeaders, with X-Request-Id and X-Decision-Id, so the error mapper and
 * the proxy never drop or override them.
 */
import helmet from 'koa-helmet';
import type { BffMiddleware } from '../../state.js';

export interface SecurityHeadersOptions {
  /** In production also HSTS and upgrade-insecure-requests (both break plain-http localhost). */
  production: boolean;
}

/** The header names and values helmet sets, computed by running it once against a stub response. */
export async function securityHeaderValues(options: SecurityHeadersOptions): Promise<Array<[string, string]>> {
  const apply = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(options.production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: options.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
    getHeader: (name: string) => headers.get(name),
  };
  await apply({ req: { headers: {} }, res } as never, async () => {});
  return [...headers.entries()];
}

export function createSecurityHeaders(options: SecurityHeadersOptions): BffMiddleware {
  let values: ReadonlyArray<[string, string]> | undefined;
  let names: ReadonlySet<string> = new Set();
  const ready = securityHeaderValues(options).then((computed) => {
    values = computed;
    names = new Set([...computed.map(([name]) => name.toLowerCase()), 'x-request-id', 'x-decision-id']);
  });
  const apply: BffMiddleware = (ctx, next) => {
    for (const [name, value] of values ?? []) ctx.res.setHeader(name, value);
    ctx.state.baseHeaders = names;
    return next();
  };
  // Not async once the values are known: a pass-through saves a promise and a frame per request.
  return function securityHeaders(ctx, next) {
    if (!values) return ready.then(() => apply(ctx, next));
    return apply(ctx, next);
  };
}
