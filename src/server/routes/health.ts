import { publicReadiness, readinessOf, type ReadinessDeps } from '../readiness/index.js';
import type { BffMiddleware } from '../state.js';

/** `GET /healthz`: the process is up. */
export function healthzRoute(): BffMiddleware {
  return async function healthz(ctx) {
    ctx.state.log.route = 'healthz';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  };
}

/**
 * `GET /readyz` on the public app: what a load balancer or uptime check needs and nothing
 * more, for anyone on any tenant's Host: 200 `{ready, revision, lastReload: {ok, at}}`, 503
 * `{ready: false}` (nothing loaded) or `{ready: false, draining: true}` (a graceful stop began).
 * The details (issues, disabled plugins and why, the policy bundle, the shared store) are the
 * operators' listener's `/readyz` ({@link operatorsReadyzRoute}).
 */
export function readyzRoute(deps: ReadinessDeps): BffMiddleware {
  return async function readyz(ctx) {
    ctx.state.log.route = 'readyz';
    ctx.set('Cache-Control', 'no-store');
    const { status, body } = publicReadiness(deps);
    ctx.status = status;
    ctx.body = body;
  };
}

/**
 * `GET /readyz` on the operators' listener: the same status codes as the public one, with the
 * detailed status (see readinessOf). Never mounted on the public app.
 */
export function operatorsReadyzRoute(deps: ReadinessDeps): BffMiddleware {
  return async function operatorsReadyz(ctx) {
    ctx.state.log.route = 'ops_readyz';
    ctx.set('Cache-Control', 'no-store');
    const { status, body } = readinessOf(deps);
    ctx.status = status;
    ctx.body = body;
  };
}
