/**
 * The operators' listener: `GET /metrics` (Prometheus text) and nothing else, on its own port
 * (METRICS_PORT, loopback by default), never on the public app. Optionally behind a bearer
 * token (METRICS_TOKEN). Errors go through the same mapping as the public app.
 */
import Koa from 'koa';
import type { Logger } from 'pino';
import { createBearerCheck } from '../auth/bearer.js';
import { MethodNotAllowedError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { createErrorHandler } from '../middleware/errors/index.js';
import { createRequestLog } from '../middleware/request-log/index.js';
import { createSecurityHeaders } from '../middleware/security-headers/index.js';
import type { BffMiddleware, BffState } from '../state.js';
import type { BffMetrics } from './index.js';

export interface MetricsAppOptions {
  metrics: BffMetrics;
  logger: Logger;
  /** Required as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  production: boolean;
}

function metricsRoute(metrics: BffMetrics, token: string | undefined): BffMiddleware {
  const valid = token === undefined ? undefined : createBearerCheck(token);
  return async function metricsEndpoint(ctx) {
    if (ctx.path !== '/metrics') {
      ctx.state.log.route = 'not_found';
      throw new NotFoundError('not_found', 'Not found');
    }
    ctx.state.log.route = 'metrics';
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw new MethodNotAllowedError('method_not_allowed', 'Method not allowed');
    if (valid && !valid(ctx.get('Authorization'))) throw new UnauthenticatedError('invalid_token', 'A valid metrics token is required');
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}

/**
 * @example
 * const app = createMetricsApp({ metrics: bff.metrics, logger, token: settings.metricsToken, production: true });
 * http.createServer(app.callback()).listen(9464, '127.0.0.1');
 */
export function createMetricsApp(options: MetricsAppOptions): Koa<BffState> {
  const app = new Koa<BffState>();
  app.silent = true;
  app.use(createRequestLog({ logger: options.logger, metrics: options.metrics }));
  app.use(createErrorHandler({ logger: options.logger }));
  app.use(createSecurityHeaders({ production: options.production }));
  app.use(metricsRoute(options.metrics, options.token));
  return app;
}
