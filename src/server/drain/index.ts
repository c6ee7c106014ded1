/**
 * Draining one HTTP server for a graceful stop. Node's `server.close()` only stops accepting
 * and closes the connections idle at that moment: a keep-alive connection whose request ends
 * later stays open until its client or the keep-alive timeout closes it, so a stop would wait
 * for its whole timeout. Here every response from the start of the drain announces
 * `Connection: close`, and each connection is closed as soon as it has nothing in flight.
 */
import type http from 'node:http';
import { markOutcome } from '../outcome.js';

export interface HttpDrain {
  /** True from `begin()` on. */
  readonly draining: boolean;
  /** Requests whose response has not closed yet (SSE streams included). */
  readonly inFlight: number;
  /** Stops accepting connections, closes the idle ones, and from now on closes each connection once idle. */
  begin(): void;
  /**
   * Waits until every connection is gone, at most `timeoutMs` after the call; then cuts what
   * is still running (outcome `shutdown`). Resolves with the number of requests cut (0: all finished).
   */
  settle(timeoutMs: number): Promise<number>;
}

/**
 * Call before the app's own `request` listener is added, so every request is counted.
 *
 * @example
 * const server = http.createServer();
 * const drain = createHttpDrain(server);
 * server.on('request', app.callback());
 * // on SIGTERM:
 * drain.begin();
 * const cut = await drain.settle(10_000);
 */
export function createHttpDrain(server: http.Server): HttpDrain {
  const open = new Set<http.ServerResponse>();
  let draining = false;
  let closed: Promise<void> | undefined;
  let sweep: NodeJS.Immediate | undefined;
  let allClosed: (() => void) | undefined;

  // Node detaches a finished response from its socket just before 'close'; one sweep per turn
  // of the event loop closes every connection that became idle in it.
  const sweepSoon = () => {
    sweep ??= setImmediate(() => {
      sweep = undefined;
      server.closeIdleConnections();
    });
  };

  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    open.add(res);
    // Node then sends `Connection: close` and ends the socket after this response.
    if (draining) res.shouldKeepAlive = false;
    res.once('close', () => {
      open.delete(res);
      if (!draining) return;
      sweepSoon();
      if (open.size === 0) allClosed?.();
    });
  });

  const begin = (): Promise<void> => {
    if (closed) return closed;
    draining = true;
    const responses = new Promise<void>((resolve) => {
      allClosed = resolve;
      if (open.size === 0) resolve();
    });
    // The server counts a connection gone before its responses emit 'close' (and the request
    // log writes its line): done is when both have happened.
    const connections = new Promise<void>((resolve) => server.close(() => resolve()));
    closed = Promise.all([connections, responses]).then(() => undefined);
    // Heads not written yet can still say the connection closes; the others are closed once idle.
    for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
    server.closeIdleConnections();
    return closed;
  };

  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return open.size;
    },
    begin() {
      void begin();
    },
    async settle(timeoutMs) {
      const done = begin();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        done.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (finished) return 0;
      const cut = open.size;
      for (const res of open) markOutcome(res, 'shutdown');
      server.closeAllConnections();
      await done;
      return cut;
    },
  };
}
