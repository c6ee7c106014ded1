/**
 * One JSON log line per request when its response closes (for a stream: when the stream
 * ends), with tenant, plugin id, decision and reason, status, outcome and duration; and the
 * HTTP metrics. `status` is what the response head said (0 when no head was sent), `outcome`
 * whether the response arrived whole and, if not, who cut it (see outcome.ts). Never logs
 * headers, cookies, tokens or query strings. Static assets served as asked (the shell's files and
 * plugin bundles, answered below 400 and sent whole) log at debug: a page load fetches dozens. Their refusals and
 * failures, and every API, stream, auth and health request, log at info.
 */
import { randomBytes } from 'node:crypto';
import { createInfoLine, type Logger } from '../../logger.js';
import type { BffMetrics } from '../../metrics/index.js';
import { outcomeOf, type Outcome } from '../../outcome.js';
import type { BffMiddleware } from '../../state.js';

/** The routes that serve files: the shell (web.ts) and plugin bundles (bundle.ts). */
const STATIC_ROUTES: ReadonlySet<string> = new Set(['web', 'bundle']);

/** The level of one request's line. */
export function requestLevel(route: string, status: number, outcome: Outcome): 'debug' | 'info' {
  return STATIC_ROUTES.has(route) && status > 0 && status < 400 && outcome === 'completed' ? 'debug' : 'info';
}

const FIELDS = ['requestId', 'method', 'path', 'route', 'status', 'outcome', 'ms', 'tenant', 'user', 'plugin', 'decision', 'reason', 'decision_id'] as const;

export function createRequestLog(options: { logger: Logger; metrics: BffMetrics }): BffMiddleware {
  const { logger, metrics } = options;
  const line = createInfoLine(options.logger, 'request', FIELDS);
  // Unique across processes (random prefix) and cheap per request (a counter).
  const prefix = randomBytes(6).toString('base64url');
  let counter = 0;
  const labelled = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  const record = (route: string, status: number, outcome: Outcome, seconds: number) => {
    const key = `${route} ${status} ${outcome}`;
    let bound = labelled.get(key);
    if (!bound) {
      const requests = metrics.httpRequests.labels(route, String(status), outcome);
      const duration = metrics.httpDuration.labels(route);
      bound = { count: () => requests.inc(), time: (s) => duration.observe(s) };
      // Routes, statuses and outcomes are few and fixed: this map stays small.
      if (labelled.size < 1000) labelled.set(key, bound);
    }
    bound.count();
    bound.time(seconds);
  };
  return function requestLog(ctx, next) {
    const started = process.hrtime.bigint();
    counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
    const requestId = `${prefix}-${counter.toString(36)}`;
    ctx.state.requestId = requestId;
    ctx.state.log = {};
    ctx.res.setHeader('X-Request-Id', requestId);
    // A response closes once: `on` saves the wrapper `once` allocates.
    ctx.res.on('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { log } = ctx.state;
      // Before the head is sent statusCode is only Koa's default (404): nothing was answered.
      const status = ctx.res.headersSent ? ctx.res.statusCode : 0;
      const outcome = outcomeOf(ctx.res);
      const route = log.route ?? 'other';
      record(route, status, outcome, seconds);
      const fields = {
        requestId,
        method: ctx.method,
        path: ctx.path,
        route,
        status,
        outcome,
        ms: Math.round(seconds * 1e6) / 1e3,
        tenant: ctx.state.tenant,
        user: ctx.state.session?.user,
        plugin: log.plugin,
        decision: log.decision,
        reason: log.reason,
        decision_id: log.decisionId,
      };
      // The one-stringify line is info's; a static asset's debug line (off by default) is pino's.
      if (requestLevel(route, status, outcome) === 'info') line(fields);
      else logger.debug(fields, 'request');
    });
    return next();
  };
}
