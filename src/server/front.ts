/**
 * What every request passes before any route, in order: the request log and HTTP metrics, the
 * unread-body rule, the one error mapper, the security headers, the request-target and Host
 * checks and the CSRF guard. createApp mounts it before the routes; the benchmark's (b') peer
 * mounts the same list in front of a bare proxy, so "the BFF without session, policy and rate
 * limit" cannot drift from the BFF.
 */
import type { Logger } from 'pino';
import type { BffMetrics } from './metrics/index.js';
import { createCsrfGuard } from './middleware/csrf/index.js';
import { createErrorHandler } from './middleware/errors/index.js';
import { createRequestLog } from './middleware/request-log/index.js';
import { createSecurityHeaders } from './middleware/security-headers/index.js';
import { createHostCheck } from './middleware/tenant/index.js';
import { createUnreadBody } from './middleware/unread-body/index.js';
import { createRequestTarget } from './request-target.js';
import type { ServerSettings } from './settings.js';
import type { BffMiddleware } from './state.js';

export interface FrontOptions {
  settings: Pick<ServerSettings, 'mode' | 'trustProxy'>;
  logger: Logger;
  metrics: BffMetrics;
}

/** Paths exempt from the CSRF guard: server-to-server endpoints that authenticate otherwise. */
export const CSRF_EXEMPT: readonly string[] = ['/auth/backchannel-logout', '/events/publish'];

export function createFront(options: FrontOptions): BffMiddleware[] {
  const { settings, logger, metrics } = options;
  const production = settings.mode === 'production';
  return [
    createRequestLog({ logger, metrics }),
    // Outside the error handler: it decides on the response the handler made, errors included.
    createUnreadBody(),
    createErrorHandler({ logger }),
    createSecurityHeaders({ production }),
    createRequestTarget(),
    createHostCheck({ trustProxy: settings.trustProxy }),
    // Before any route does any work: server-to-server endpoints authenticate otherwise.
    createCsrfGuard({ exempt: CSRF_EXEMPT, production }),
  ];
}
