/**
 * Which route does what, and what each requires. A BFF route lists its middleware: tenant
 * (host must be a tenant), session read, session required. Any other request under /api/
 * is a plugin call; any other GET outside the reserved prefixes is the web shell.
 */
import Router from 'koa-router';
import type { AppDeps } from './deps.js';
import { MethodNotAllowedError, NotFoundError } from './errors.js';
import { createPluginJudge } from './middleware/plugin-guard/index.js';
import { createRateCheck } from './middleware/rate-limit/index.js';
import { createSnapshot, takeSnapshot } from './middleware/snapshot/index.js';
import { createTenant, resolveTenant } from './middleware/tenant/index.js';
import { checkFetchDestination } from './proxy/fetch-destination.js';
import { loginRoute, logoutRoute, providersRoute, sessionRoute } from './routes/auth.js';
import { createOidcRoutes } from './routes/oidc.js';
import { authzRoute } from './routes/authz.js';
import { bundleRoute } from './routes/bundle.js';
import { publishRoute, streamRoute } from './routes/events.js';
import { healthzRoute, readyzRoute } from './routes/health.js';
import { manifestsRoute } from './routes/manifests.js';
import { pluginCallRoute } from './routes/plugin-call.js';
import { telemetryRoute } from './routes/telemetry.js';
import { isReserved, webRoute } from './routes/web.js';
import type { BffMiddleware, BffState } from './state.js';

/** Runs middleware in order, then `next`. */
function chain(middleware: BffMiddleware[]): BffMiddleware {
  return (ctx, next) => {
    const run = (i: number): Promise<unknown> => {
      const mw = middleware[i];
      return mw ? Promise.resolve(mw(ctx, () => run(i + 1))) : Promise.resolve(next());
    };
    return run(0);
  };
}

export function createRoutes(deps: AppDeps): BffMiddleware[] {
  // `site`: the host must be a tenant; `tenant`: and the session (if any) is read.
  const site = [createSnapshot(deps.source), createTenant({ trustProxy: deps.settings.trustProxy })];
  const tenant = [...site, deps.sessions.read];
  const authed = [...tenant, deps.sessions.require];

  const router = new Router<BffState>({ sensitive: true, strict: true });
  router.get('/healthz', healthzRoute());
  router.get('/readyz', readyzRoute(deps));
  if (deps.settings.publishToken) router.post('/events/publish', publishRoute(deps, deps.settings.publishToken));
  const oidc = createOidcRoutes(deps);
  router.get('/auth/login', ...tenant, oidc.login);
  router.get('/auth/callback', ...tenant, oidc.callback);
  router.post('/auth/backchannel-logout', ...site, oidc.backchannelLogout);
  router.get('/auth/providers', ...site, providersRoute(deps));
  router.post('/auth/:provider/login', ...tenant, loginRoute(deps));
  router.post('/auth/logout', ...tenant, logoutRoute(deps));
  router.get('/auth/session', ...authed, sessionRoute(deps));
  // The BFF's own /api/ routes; any other /api/ path is a plugin call (see pluginCallFirst).
  const bffApiPaths = new Set<string>();
  const api = (path: string): string => {
    bffApiPaths.add(path);
    return path;
  };
  router.get(api('/api/plugins/manifests'), ...authed, manifestsRoute(deps));
  router.get(api('/api/plugins/bundle'), ...authed, bundleRoute(deps));
  router.post(api('/api/authz/evaluate'), ...authed, authzRoute(deps));
  router.post(api('/api/telemetry'), ...authed, telemetryRoute(deps));
  router.get('/events/stream', ...authed, streamRoute(deps));

  // The same steps, in the same order, as `authed` + fetch destination + plugin guard + rate
  // limit + proxy, but composed as plain calls in one async function: the hot path, where
  // eight middleware layers (each an async frame, a promise and a `next` closure) cost more
  // than the checks.
  // (The CSRF check ran before, in app.ts, for every route.)
  const { source, sessions } = deps;
  const tenantOptions = { trustProxy: deps.settings.trustProxy };
  const judge = createPluginJudge({ metrics: deps.metrics });
  const rateCheck = createRateCheck({ limiter: deps.limiter, defaults: deps.settings.rateLimit, metrics: deps.metrics });
  const forward = pluginCallRoute(deps);
  const pluginCall: BffMiddleware = async (ctx, next) => {
    takeSnapshot(ctx, source);
    resolveTenant(ctx, tenantOptions);
    await sessions.load(ctx);
    sessions.requireNow(ctx);
    // Before the policy, the rate limit and the upstream: such a call is never served.
    checkFetchDestination(ctx.req.headers);
    judge(ctx);
    await rateCheck(ctx);
    await forward(ctx, next);
  };
  // The shell needs no session (it shows a sign-in page): served even while the session store is down.
  const web = chain([...site, webRoute(deps)]);

  // The hot path: a plugin call skips the route table (a plugin call is any /api/ path that
  // is not a BFF route, matched exactly as the strict, case-sensitive router would).
  const pluginCallFirst: BffMiddleware = (ctx, next) => {
    const path = ctx.path;
    if (path.startsWith('/api/') && !bffApiPaths.has(path)) {
      ctx.state.log.route = 'plugin_call';
      return pluginCall(ctx, next);
    }
    return next();
  };

  const fallback: BffMiddleware = async (ctx, next) => {
    const matched = (ctx as typeof ctx & { matched?: unknown[] }).matched;
    if (matched && matched.length > 0) {
      // The path is a BFF route, the method is not one of its methods.
      ctx.state.log.route = 'method_not_allowed';
      throw new MethodNotAllowedError('method_not_allowed', 'Method not allowed');
    }
    // Every other /api/ path went to pluginCallFirst; /api/ is reserved, so it is not the shell.
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && !isReserved(ctx.path)) {
      await web(ctx, next);
      return;
    }
    ctx.state.log.route = 'not_found';
    throw new NotFoundError('not_found', 'Not found');
  };

  return [pluginCallFirst, router.routes(), fallback];
}
