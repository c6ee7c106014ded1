import path from 'node:path';
import type { AppDeps } from '../deps.js';
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
 * `GET /readyz`: 200 while a policy and config are loaded, with the serving revision and
 * whether the last reload failed (the last good state keeps serving). File names only, never
 * full paths. 503 `{ready: false, draining: true}` once a graceful stop began, so a load
 * balancer sends nothing new.
 */
export function readyzRoute(deps: AppDeps): BffMiddleware {
  return async function readyz(ctx) {
    ctx.state.log.route = 'readyz';
    ctx.set('Cache-Control', 'no-store');
    if (deps.lifecycle.draining) {
      ctx.status = 503;
      ctx.body = { ready: false, draining: true };
      return;
    }
    let status;
    try {
      status = deps.source.status();
      deps.source.current();
    } catch {
      ctx.status = 503;
      ctx.body = { ready: false };
      return;
    }
    const { revision, last, failures } = status;
    ctx.body = {
      ready: true,
      revision: { id: revision.id, policy: revision.policy, data: revision.data, loadedAt: revision.loadedAt },
      lastReload: {
        ok: last.ok,
        at: last.at,
        trigger: last.trigger,
        ...(last.ok
          ? {}
          : {
              issues: (last.issues ?? []).slice(0, 20).map((i) => ({ code: i.code, file: path.basename(i.file), line: i.line, col: i.col, path: i.path })),
            }),
      },
      reloadFailures: failures,
    };
  };
}

/** `GET /metrics`: Prometheus text format from this app's registry. */
export function metricsRoute(deps: AppDeps): BffMiddleware {
  return async function metrics(ctx) {
    ctx.state.log.route = 'metrics';
    ctx.set('Cache-Control', 'no-store');
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  };
}
