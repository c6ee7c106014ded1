/**
 * Which route does what, and what each requires. The guard steps are declared once, below, and
 * each route lists the ones it runs; one runner (pipeline/step.ts) composes them for every
 * route, the plugin-call path included. (The CSRF check runs before them all, in app.ts.) Any other request under /api/ is a plugin call; any
 * other GET outside the reserved prefixes is the web shell.
 */
import Router from 'koa-router';
import type { AppDeps } from './deps.js';
import { MethodNotAllowedError, NotFoundError } from './errors.js';
import { pluginGuardStep } from './middleware/plugin-guard/index.js';
import { rateLimitStep } from './middleware/rate-limit/index.js';
import { snapshotStep } from './middleware/snapshot/index.js';
import { tenantStep } from './middleware/tenant/index.js';
import { guarded, type GuardStep } from './pipeline/index.js';
import { fetchDestinationStep } from './proxy/fetch-destination.js';
import { loginRoute, logoutRoute, providersRoute, sessionRoute } from './routes/auth.js';
import { createOidcRoutes } from './routes/oidc.js';
import { authzRoute } from './routes/authz.js';
import { bundleRoute } from './routes/bundle.js';
import { publishRoute, streamRoute, topicGuardStep } from './routes/events.js';
import { healthzRoute, readyzRoute } from './routes/health.js';
import { manifestsRoute } from './routes/manifests.js';
import { pluginCallRoute } from './routes/plugin-call.js';
import { telemetryRoute } from './routes/telemetry.js';
import { isReserved, webRoute } from './routes/web.js';
import type { BffMiddleware, BffState } from './state.js';

/** The guard steps every route picks from, each built once per app. */
export interface GuardSteps {
  /** The request's one snapshot (503 when none is loaded). */
  snapshot: GuardStep;
  /** The tenant from the host (400 malformed, 404 not a tenant). */
  tenant: GuardStep;
  /** The session, if any (never refuses). */
  session: GuardStep;
  /** 401 without a session, 403 with another tenant's. */
  signedIn: GuardStep;
  /** 403 for a plugin call the browser would load as a script, style, document... */
  fetchDestination: GuardStep;
  /** The policy's api decision; sets ctx.state.plugin on allow. */
  pluginGuard: GuardStep;
  /** 429 over the plugin's rate limit. */
  rateLimit: GuardStep;
  /** The policy's sse decision on every topic; sets ctx.state.plugin and topics. */
  topicGuard: GuardStep;
}

export function createGuardSteps(deps: AppDeps): GuardSteps {
  return {
    snapshot: snapshotStep(deps.source),
    tenant: tenantStep({ trustProxy: deps.settings.trustProxy }),
    session: deps.sessions.read,
    signedIn: deps.sessions.require,
    fetchDestination: fetchDestinationStep,
    pluginGuard: pluginGuardStep({ metrics: deps.metrics }),
    rateLimit: rateLimitStep({ limiter: deps.limiter, defaults: deps.settings.rateLimit, metrics: deps.metrics }),
    topicGuard: topicGuardStep({ metrics: deps.metrics }),
  };
}

/** What each kind of route runs before its handler, in order. */
export function routeGuards(steps: GuardSteps) {
  const host = [steps.snapshot, steps.tenant];
  const site = [...host, steps.session];
  const signedIn = [...site, steps.signedIn];
  return {
    /** A tenant's route that needs no session (server-to-server, the sign-in page's provider list, the web shell). */
    host,
    /** A tenant's route: snapshot, tenant, session read. */
    site,
    /** A tenant's route for a signed-in user. */
    signedIn,
    /** Any other /api/ path. The fetch destination comes before the policy, the rate limit and the upstream: such a call is never served. */
    pluginCall: [...signedIn, steps.fetchDestination, steps.pluginGuard, steps.rateLimit],
    /** `GET /events/stream`. */
    stream: [...signedIn, steps.topicGuard],
  };
}

export function createRoutes(deps: AppDeps): BffMiddleware[] {
  const guards = routeGuards(createGuardSteps(deps));

  const router = new Router<BffState>({ sensitive: true, strict: true });
  router.get('/healthz', healthzRoute());
  router.get('/readyz', readyzRoute(deps));
  if (deps.settings.publishToken) router.post('/events/publish', publishRoute(deps, deps.settings.publishToken));
  const oidc = createOidcRoutes(deps);
  router.get('/auth/login', guarded(guards.site, oidc.login));
  router.get('/auth/callback', guarded(guards.site, oidc.callback));
  router.post('/auth/backchannel-logout', guarded(guards.host, oidc.backchannelLogout));
  router.get('/auth/providers', guarded(guards.host, providersRoute(deps)));
  router.post('/auth/:provider/login', guarded(guards.site, loginRoute(deps)));
  router.post('/auth/logout', guarded(guards.site, logoutRoute(deps)));
  router.get('/auth/session', guarded(guards.signedIn, sessionRoute(deps)));
  // The BFF's own /api/ routes; any other /api/ path is a plugin call (see pluginCallFirst).
  const bffApiPaths = new Set<string>();
  const api = (path: string): string => {
    bffApiPaths.add(path);
    return path;
  };
  router.get(api('/api/plugins/manifests'), guarded(guards.signedIn, manifestsRoute(deps)));
  router.get(api('/api/plugins/bundle'), guarded(guards.signedIn, bundleRoute(deps)));
  router.post(api('/api/authz/evaluate'), guarded(guards.signedIn, authzRoute(deps)));
  router.post(api('/api/telemetry'), guarded(guards.signedIn, telemetryRoute(deps)));
  router.get('/events/stream', guarded(guards.stream, streamRoute(deps)));

  const pluginCall = guarded(guards.pluginCall, pluginCallRoute(deps));
  // The shell needs no session (it shows a sign-in page): served even while the session store is down.
  const web = guarded(guards.host, webRoute(deps));

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
