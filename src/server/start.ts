/**
 * Starting and stopping the BFF process: the reloader (policy + config, watched), the app,
 * the HTTP server, and a graceful shutdown that lets in-flight requests finish: stop
 * accepting, end SSE streams with a `retry:`, close each connection once idle, wait up to
 * SHUTDOWN_TIMEOUT_MS and cut what is left, then close what the requests were using.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createPolicyBundle } from '../policy-bundle/index.js';
import { createReloader, type Reloader } from '../snapshots/index.js';
import { createApp, type AppOptions, type BffApp } from './app.js';
import { assertSignInPossible } from './auth/production-check.js';
import { createHttpDrain } from './drain/index.js';
import { createLogger, type Logger } from './logger.js';
import { exposureWarnings } from './exposure.js';
import { securityHeaderValues } from './middleware/security-headers/index.js';
import { connectRedis } from './redis/index.js';
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
  /** The operators' metrics listener; undefined with METRICS_PORT=off. */
  readonly metricsServer: http.Server | undefined;
  /** Its bound port (useful with METRICS_PORT=0); undefined with METRICS_PORT=off. */
  readonly metricsPort: number | undefined;
  /**
   * Stops accepting, ends SSE streams, lets in-flight requests finish (at most
   * SHUTDOWN_TIMEOUT_MS, then they are cut), then closes the hub, limiter, upstream agents
   * and reloader. Resolves as soon as the last request is done.
   */
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
          : // a byte the target may not hold: the same code request-target.ts gives (docs/contracts.md, "Path rules")
            error.code === 'HPE_INVALID_URL'
            ? [400, 'malformed_request', 'Bad Request']
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

function listen(server: http.Server, port: number, host: string | undefined): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: http.Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Loads the first snapshot, then listens: the app on PORT/HOST, the metrics on
 * METRICS_PORT/METRICS_HOST. Rejects (with nothing left open) when loading or listening fails.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { settings } = options;
  const logger = options.logger ?? createLogger({ level: settings.logLevel, format: settings.logFormat });
  if (settings.sessionKeysGenerated) logger.warn({}, 'SESSION_KEYS not set: using a key generated for this process (sessions end on restart)');
  // An OPA bundle (file or server) instead of policy.wasm: its keys are read first, once.
  const bundleSettings = settings.policyBundle;
  const bundle = bundleSettings
    ? await createPolicyBundle(bundleSettings, bundleSettings.keys, logger)
    : undefined;
  const reloader = await createReloader({
    pluginsFile: settings.pluginsConfig,
    grantsFile: settings.grantsConfig,
    policyFile: bundleSettings?.kind === 'file' ? bundleSettings.path : settings.policyWasm,
    ...(bundle ? { policySource: bundle.source } : {}),
    shownFiles: { plugins: settings.shownFiles.pluginsConfig, grants: settings.shownFiles.grantsConfig, policy: bundle?.shown ?? settings.shownFiles.policyWasm },
    mode: settings.mode,
    hostVersion: settings.hostVersion,
    bundleMount: settings.pluginsMount,
    identityFile: settings.identityConfig,
    env: settings.env,
    watch: settings.watch,
    debounceMs: settings.reloadDebounceMs,
    timeoutMs: settings.reloadTimeoutMs,
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
  // Without the shared store (and without REDIS_START_DEGRADED) the process does not start.
  let ownedRedis;
  try {
    ownedRedis =
      options.redis === undefined && settings.redisUrl !== undefined
        ? await connectRedis({ url: settings.redisUrl, logger, timeoutMs: settings.redisTimeoutMs, connectTimeoutMs: settings.redisConnectTimeoutMs, startDegraded: settings.redisStartDegraded })
        : undefined;
  } catch (error) {
    await reloader.close();
    throw error;
  }
  const redis = options.redis ?? ownedRedis;
  const bff = createApp({ ...options, settings, source: reloader, logger, ...(redis ? { redis } : {}) });
  const production = settings.mode === 'production';
  const parserErrors = clientErrorHandler(await securityHeaderValues({ production }));
  // requireHostHeader off: the app refuses a missing Host itself, as JSON with the security headers.
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 30_000, requireHostHeader: false });
  // Before the app's listener: every request is counted.
  const drain = createHttpDrain(server);
  server.on('request', bff.callback());
  server.on('clientError', parserErrors);
  // Behind a load balancer idle sockets must outlive its own idle timeout.
  server.keepAliveTimeout = 65_000;
  const metricsServer =
    settings.metricsPort === undefined
      ? undefined
      : http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, bff.opsCallback());
  metricsServer?.on('clientError', parserErrors);

  let bound: AddressInfo;
  let metricsBound: AddressInfo | undefined;
  try {
    bound = await listen(server, settings.port, settings.host);
    if (metricsServer) metricsBound = await listen(metricsServer, settings.metricsPort ?? 0, settings.metricsHost);
  } catch (error) {
    await Promise.all([closeServer(server), closeServer(metricsServer)]);
    await bff.close();
    await reloader.close();
    await ownedRedis?.close();
    throw error;
  }
  const port = bound.port;
  // A bundle server is polled from now on; a new bundle is loaded like an edited file.
  bundle?.start(() => void reloader.reload('policy-bundle'));
  const revision = reloader.status().revision;
  logger.info(
    { host: bound.address, port, metrics: metricsBound ? { host: metricsBound.address, port: metricsBound.port } : 'off', mode: settings.mode, revision, devLogin: settings.devLogin, sharedState: redis ? { store: 'redis', url: redis.shownUrl, state: redis.state, replicas: settings.replicas } : 'in-process' },
    'BFF listening',
  );
  const exposure = { devLogin: settings.devLogin, metricsToken: settings.metricsToken, app: bound.address, metrics: metricsBound?.address };
  for (const warning of exposureWarnings(exposure)) logger.warn({ host: bound.address, port, metrics: metricsBound }, warning);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const started = performance.now();
      const timeoutMs = settings.shutdownTimeoutMs;
      logger.info({ inFlight: drain.inFlight, timeoutMs }, 'shutting down: draining');
      drain.begin();
      await bff.drain();
      const cut = await drain.settle(timeoutMs);
      if (cut > 0) logger.warn({ cut, timeoutMs }, `shutdown timeout: ${cut} in-flight request(s) cut`);
      // Only now: the requests that were running needed the upstream agents, hub, limiter and state.
      await bff.close();
      await ownedRedis?.close();
      // Operators may scrape until here; the metrics listener has no long-lived requests.
      metricsServer?.closeAllConnections();
      await closeServer(metricsServer);
      await bundle?.close();
      await reloader.close();
      logger.info({ ms: Math.round(performance.now() - started) }, 'stopped');
      logger.flush();
    })());

  return { bff, server, reloader, logger, port, metricsServer, metricsPort: metricsBound?.port, stop };
}
