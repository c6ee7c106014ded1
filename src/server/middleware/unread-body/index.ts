/**
 * A response sent before its request's body has arrived (a 413, a denial before the body is
 * read, a route that reads none) closes the connection. Keeping it open would mean reading,
 * and throwing away, whatever the client still sends (a 1 GiB upload included) before the
 * next request on it: with `Connection: close` Node ends the socket once the response is
 * written and reads nothing more.
 */
import type { BffMiddleware } from '../../state.js';

export function createUnreadBody(): BffMiddleware {
  return async function unreadBody(ctx, next) {
    await next();
    // `complete`: the parser has seen the whole message, so nothing of it is left on the wire.
    // (After the head is sent, as for a stream, Koa ignores the header: nothing to do then.)
    if (!ctx.req.complete) ctx.set('Connection', 'close');
  };
}
