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
    if (ctx.req.complete) return;
    if (!ctx.headerSent) {
      ctx.set('Connection', 'close');
      return;
    }
    // A stream's head is already out (SSE): too late for the header, so when the stream
    // ends, the connection goes with it rather than being kept to read the rest.
    const { req, res } = ctx;
    res.once('finish', () => {
      if (!req.complete) req.socket.destroy();
    });
  };
}
