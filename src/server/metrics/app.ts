/**
 * The operators' listener, on its own port (METRICS_PORT, loopback by default), never on the
 * public app: `GET /metrics` (Prometheus text) and `GET /readyz` (the detailed readiness status:
 * reload issues, the disabled plugins of every tenant and why, the policy bundle, the shared
 * store), both behind the bearer token (METRICS_TOKEN) when one is set. Errors go through the
 * same mapping as the public app.
 */
import Koa from 'koa';
import type { Logger } from 'pino';
import { createBearerCheck } from '../auth/bearer.js';
import { MethodNotAllowedError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { createErrorHandler } from '../middleware/errors/index.js';
import { createRequestLog } from '../middleware/request-log/index.js';
import { createSecurityHeaders } from '../middleware/security-headers/index.js';
import type { ReadinessDeps } from '../readiness/index.js';
import { operatorsReadyzRoute } from '../routes/health.js';
import type { BffMiddleware, BffState } from '../state.js';
import type { BffMetrics } from './index.js';

export interface MetricsAppOptions {
  metrics: BffMetrics;
  logger: Logger;
  /** What `/readyz` reports on (the same snapshot source, lifecycle and Redis as the public app). */
  readiness: ReadinessDeps;
  /** Required as `Authorization: Bearer <token>` on every route when set. */
  token?: string | undefined;
  production: boolean;
}

function metricsRoute(metrics: BffMetrics): BffMiddleware {
  return async function metricsEndpoint(ctx) {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}

/** Path, method and token checks shared by the operators' routes, in that order. */
function operatorsRoutes(options: MetricsAppOptions): BffMiddleware {
  const valid = options.token === undefined ? undefined : createBearerCheck(options.token);
  const routes = new Map<string, { name: string; route: BffMiddleware }>([
    ['/metrics', { name: 'metrics', route: metricsRoute(options.metrics) }],
    ['/readyz', { name: 'ops_readyz', route: operatorsReadyzRoute(options.readiness) }],
  ]);
  return async function operators(ctx, next) {
    const found = routes.get(ctx.path);
    if (!found) {
      ctx.state.log.route = 'not_found';
      throw new NotFoundError('not_found', 'Not found');
    }
    ctx.state.log.route = found.name;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw new MethodNotAllowedError('method_not_allowed', 'Method not allowed');
    if (valid && !valid(ctx.get('Authorization'))) throw new UnauthenticatedError('invalid_token', 'A valid METRICS_TOKEN is required (the operators\' listener)');
    await found.route(ctx, next);
  };
}

/**
 * @example
 * const app = createMetricsApp({ metrics: bff.metrics, logger, readiness: deps, token: settings.metricsToken, production: true });
 * http.createServer(app.callback()).listen(9464, '127.0.0.1');
 */
export function createMetricsApp(options: MetricsAppOptions): Koa<BffState> {
  const app = new Koa<BffState>();
  app.silent = true;
  app.use(createRequestLog({ logger: options.logger, metrics: options.metrics }));
  app.use(createErrorHandler({ logger: options.logger }));
  app.use(createSecurityHeaders({ production: options.production }));
  app.use(operatorsRoutes(options));
  return app;
}
