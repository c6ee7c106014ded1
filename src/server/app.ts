/**
 * The BFF as a Koa app. Every decision comes from the snapshot source's engine (one snapshot
 * per request); the rate limiter and the event hub are interfaces with in-memory defaults.
 */
import type { RequestListener } from 'node:http';
import Koa from 'koa';
import type { Logger } from 'pino';
import { createDecisionLog, withDecisionLog } from '../decision-log/index.js';
import type { SnapshotSource } from '../engine/state.js';
import { createDevIdentityProvider } from './auth/dev-provider.js';
import type { IdentityProvider } from './auth/types.js';
import { BundleStore } from './bundles/store.js';
import { withContributionsMemo } from './decisions.js';
import { decorateSnapshots } from './decorated-source.js';
import type { AppDeps } from './deps.js';
import { createEventHub } from './events/create.js';
import { StreamRegistry } from './events/streams.js';
import type { EventHub } from './events/types.js';
import { createFront } from './front.js';
import { reportDisabledPlugins } from './kill-switch/index.js';
import { createLogger } from './logger.js';
import { createMetrics, createMetricsApp, type BffMetrics } from './metrics/index.js';
import { createSessions, type Sessions } from './middleware/session/index.js';
import { markOutcome, markedOutcome } from './outcome.js';
import { createAgents } from './proxy/forward.js';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './ratelimit/index.js';
import { registerStoreMetrics, type RedisConnection } from './redis/index.js';
import { createRoutes } from './router.js';
import { watchSessionEnds } from './sessions/ended.js';
import { MemorySessionStore } from './sessions/memory-store.js';
import { RedisSessionStore } from './sessions/redis-store.js';
import { MemoryReplayGuard, RedisReplayGuard } from './sessions/replay.js';
import type { SessionStore } from './sessions/types.js';
import type { ServerSettings } from './settings.js';
import type { BffContext, BffState } from './state.js';

export interface AppOptions {
  settings: ServerSettings;
  source: SnapshotSource;
  logger?: Logger;
  limiter?: RateLimiter;
  hub?: EventHub;
  /** Sign-in methods besides the development one (which DEV_LOGIN adds). */
  identityProviders?: IdentityProvider[];
  /** Where bundle bytes are read and cached (tests observe every file it is asked for). */
  bundles?: BundleStore;
  /** Where sessions live (default: in this process's memory, SESSION_STORE_MAX at most). */
  sessionStore?: SessionStore;
  /** Replaces the whole session layer (the benchmark measures the old signed-cookie one this way). */
  sessions?: Sessions;
  /** Process metrics (CPU, memory, event loop) in the registry the metrics listener serves; default true. */
  defaultMetrics?: boolean;
  /**
   * The Redis the replicas share (start.ts connects it when REDIS_URL is set): sessions, rate
   * limits, replay guards and the event hub's stream per tenant live there, and every replica
   * closes the streams of a session that ended anywhere. The caller owns it (close() leaves it open).
   */
  redis?: RedisConnection;
}

export interface BffApp {
  readonly app: Koa<BffState>;
  readonly hub: EventHub;
  readonly streams: StreamRegistry;
  readonly metrics: BffMetrics;
  readonly logger: Logger;
  callback(): RequestListener;
  /**
   * The operators' listener for this app (createMetricsApp): `/metrics` and the detailed
   * `/readyz` of the same snapshot source, lifecycle and Redis, behind METRICS_TOKEN when set.
   * startServer serves it on METRICS_PORT; tests call it directly.
   */
  opsCallback(): RequestListener;
  /**
   * The start of a graceful stop: `/readyz` answers 503 and SSE streams end with a `retry:`
   * (the client reconnects elsewhere). Every other request is still served.
   */
  drain(): Promise<void>;
  /** Closes streams, the hub, the limiter and upstream connections (not the HTTP server): after the drain. */
  close(): Promise<void>;
}

/**
 * @example
 * const source = await createReloader({ ... });
 * const bff = createApp({ settings: loadSettings(), source });
 * http.createServer(bff.callback()).listen(8080);
 */
export function createApp(options: AppOptions): BffApp {
  const { settings, redis } = options;
  const logger = options.logger ?? createLogger({ level: settings.logLevel, format: settings.logFormat });
  // The gauge reads the log at scrape time only, by when it exists.
  const metrics = createMetrics(options.source, { defaultMetrics: options.defaultMetrics, decisionLogBuffered: () => decisionLog?.buffered ?? 0 });
  const decisionLog = createDecisionLog(settings.decisionLog, {
    logger,
    version: settings.hostVersion,
    counters: {
      dropped: (reason, count) => metrics.decisionLogDropped.inc({ reason }, count),
      sent: (count) => metrics.decisionLogSent.inc(count),
      failed: () => metrics.decisionLogFailed.inc(),
    },
  });
  // Every decision the app asks goes through these (the HTTP layer never sees which).
  const source = decorateSnapshots(options.source, (engine) => {
    const memoised = withContributionsMemo(engine);
    return decisionLog ? withDecisionLog(memoised, decisionLog) : memoised;
  });
  const hub = options.hub ?? createEventHub({ redis, redisUrl: settings.redisUrl, bufferSize: settings.sseReplayBuffer, logger, connectTimeoutMs: settings.redisConnectTimeoutMs });
  const localDecisions = redis ? registerStoreMetrics(metrics.registry, redis).localDecisions : undefined;
  const limiter = options.limiter ?? (redis ? new RedisRateLimiter({ redis, replicas: settings.replicas, logger, onLocal: () => localDecisions?.inc() }) : new MemoryRateLimiter());
  const streams = new StreamRegistry({ hub, source, metrics, logger, heartbeatMs: settings.sseHeartbeatMs });
  const stopReporting = reportDisabledPlugins(source, logger);
  const providers = new Map<string, IdentityProvider>();
  for (const provider of options.identityProviders ?? []) providers.set(provider.id, provider);
  if (settings.devLogin) providers.set('dev', createDevIdentityProvider());
  const agents = createAgents();
  const lifecycle = { draining: false };
  const sessionStore =
    options.sessionStore ??
    (redis
      ? new RedisSessionStore({ redis, keys: settings.sessionKeys, idleSeconds: settings.sessionIdleSeconds, logger })
      : new MemorySessionStore({ max: settings.sessionStoreMax }));
  // A session ended on another replica: its streams here close too.
  const stopWatching = redis ? watchSessionEnds(redis, (sid) => streams.closeSession(sid), logger) : undefined;

  const deps: AppDeps = {
    settings,
    source,
    logger,
    metrics,
    limiter,
    hub,
    streams,
    sessions: options.sessions ?? createSessions({
      store: sessionStore,
      cookie: settings.sessionCookie,
      maxAgeSeconds: settings.sessionMaxAgeSeconds,
      idleSeconds: settings.sessionIdleSeconds,
      secure: settings.secureCookies,
      onEnded: (record) => streams.closeSession(record.sid),
    }),
    bundles: options.bundles ?? new BundleStore(),
    agents,
    providers,
    lifecycle,
    replay: redis ? new RedisReplayGuard(redis) : new MemoryReplayGuard(),
    redis,
  };

  const app = new Koa<BffState>({ proxy: settings.trustProxy, keys: settings.sessionKeys });
  app.silent = true;
  // Errors of a response body stream, after the head was sent (Koa cuts the response).
  app.on('error', (error: Error & { code?: string }, ctx?: BffContext) => {
    const requestId = ctx?.state.requestId;
    if (ctx && markedOutcome(ctx.res) === 'upstream_aborted') {
      // The upstream's socket error (ECONNRESET too) is its own, not the client's.
      logger.warn({ requestId, code: error.code }, 'the upstream broke off a streamed answer');
    } else if (error.code === 'ERR_STREAM_PREMATURE_CLOSE' || error.code === 'ECONNRESET' || error.code === 'EPIPE') {
      // A client that goes away mid-response is ordinary traffic, not a fault of the BFF.
      logger.debug({ requestId, code: error.code }, 'client closed the connection during the response');
    } else {
      if (ctx) markOutcome(ctx.res, 'server_error');
      logger.warn({ requestId, err: error }, 'response stream error');
    }
  });
  for (const middleware of createFront({ settings, logger, metrics })) app.use(middleware);
  for (const middleware of createRoutes(deps)) app.use(middleware);

  return {
    app,
    hub,
    streams,
    metrics,
    logger,
    callback: () => app.callback(),
    opsCallback: () => createMetricsApp({ metrics, logger, readiness: deps, token: settings.metricsToken, production: settings.mode === 'production' }).callback(),
    async drain() {
      lifecycle.draining = true;
      await streams.close();
    },
    async close() {
      lifecycle.draining = true;
      stopReporting();
      await streams.close();
      await stopWatching?.();
      await hub.close();
      await limiter.close();
      await sessionStore.close();
      agents.close();
      // Last: every request that could still decide has finished.
      await decisionLog?.close(settings.decisionLog.timeoutMs);
    },
  };
}
