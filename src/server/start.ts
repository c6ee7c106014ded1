/**
 * Starting and stopping the BFF process: the reloader (policy + config, watched), the app,
 * the HTTP server, and a graceful shutdown that lets in-flight requests finish.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createReloader, type Reloader } from '../engine/index.js';
import { createApp, type AppOptions, type BffApp } from './app.js';
import { assertSignInPossible } from './auth/production-check.js';
import { createLogger, type Logger } from './logger.js';
import { securityHeaderValues } from './middleware/security-headers/index.js';
import type { ServerSettings } from './settings.js';

export interface StartOptions extends Partial<Omit<AppOptions, 'settings' | 'source'>> {
  settings: ServerSettings;
}

export interface RunningServer {
  readonly bff: BffApp;
  readonly server: http.Server;
  readonly reloader: Reloader;
  readonly logger: Logger;
  /** The bound port (useful with PORT=0). */
  readonly port: number;
  /** Stops accepting, closes streams, waits for in-flight requests (up to the shutdown timeout). */
  stop(): Promise<void>;
}

/**
 * Requests Node's HTTP parser refuses (malformed, smuggling attempts, oversized headers)
 * never reach Koa; they still get a JSON error with the security headers.
 */
function clientErrorHandler(headers: ReadonlyArray<[string, string]>) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    if (!socket.writable || (error.code === 'ECONNRESET')) {
      socket.destroy();
      return;
    }
    const [status, code, reason] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'Request Header Fields Too Large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request_timeout', 'Request Timeout']
          : [400, 'bad_request', 'Bad Request'];
    const body = JSON.stringify({ code, message: reason });
    const lines = [
      `HTTP/1.1 ${status} ${reason}`,
      ...headers.map(([name, value]) => `${name}: ${value}`),
      'Cache-Control: no-store',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  };
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { settings } = options;
  const logger = options.logger ?? createLogger({ level: settings.logLevel });
  if (settings.sessionKeysGenerated) logger.warn({}, 'SESSION_KEYS not set: using a key generated for this process (sessions end on restart)');
  const reloader = await createReloader({
    pluginsFile: settings.pluginsConfig,
    grantsFile: settings.grantsConfig,
    policyFile: settings.policyWasm,
    mode: settings.mode,
    hostVersion: settings.hostVersion,
    bundleMount: settings.pluginsMount,
    identityFile: settings.identityConfig,
    env: settings.env,
    watch: settings.watch,
    debounceMs: settings.reloadDebounceMs,
    logger,
    engine: { onError: (error, entrypoint) => logger.error({ err: error, entrypoint }, 'policy evaluation failed (denied)') },
  });
  for (const [tenant, rp] of reloader.current().identity.providers) {
    const status = rp.status();
    if (status.state === 'unavailable') logger.error({ tenant, issuer: rp.provider.issuer, error: status.error }, 'identity provider unavailable: its sign-in answers 502 until it can be reached');
    else logger.info({ tenant, issuer: rp.provider.issuer }, 'identity provider ready');
  }
  try {
    assertSignInPossible(reloader.current(), settings.mode, settings.identityConfig);
  } catch (error) {
    await reloader.close();
    throw error;
  }
  const bff = createApp({ ...options, settings, source: reloader, logger });
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 30_000 }, bff.callback());
  const parserErrors = clientErrorHandler(await securityHeaderValues({ production: settings.mode === 'production' }));
  server.on('clientError', parserErrors);
  // Behind a load balancer idle sockets must outlive its own idle timeout.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const revision = reloader.status().revision;
  logger.info({ port, mode: settings.mode, revision, devLogin: settings.devLogin }, 'BFF listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info({}, 'shutting down');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await bff.close();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, settings.shutdownTimeoutMs).unref());
      await Promise.race([closed, timeout]);
      server.closeAllConnections();
      await reloader.close();
      logger.info({}, 'stopped');
      logger.flush();
    })());

  return { bff, server, reloader, logger, port, stop };
}
