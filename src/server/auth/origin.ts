import type { BffContext } from '../state.js';

/**
 * The origin the browser sees for this request: `https://` in production (TLS may end at a
 * proxy), else the request's own scheme; the host as sent (X-Forwarded-Host behind a trusted
 * proxy), port included.
 */
export function publicOrigin(ctx: BffContext, production: boolean): string {
  const scheme = production ? 'https' : ctx.protocol;
  return `${scheme}://${ctx.host}`;
}
