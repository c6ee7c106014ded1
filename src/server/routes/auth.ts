import type { AppDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import { sessionOf, tenantOf, type BffMiddleware } from '../state.js';

/** `POST /auth/:provider/login`: 204 with the session cookie; an unknown or disabled provider is 404. */
export function loginRoute(deps: AppDeps): BffMiddleware {
  return async function login(ctx) {
    ctx.state.log.route = 'login';
    const name = (ctx as typeof ctx & { params?: Record<string, string> }).params?.provider ?? '';
    const provider = deps.providers.get(name);
    if (!provider) throw new NotFoundError('not_found', 'Not found');
    const identity = await provider.signIn(ctx);
    deps.sessions.issue(ctx, identity);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 204;
  };
}

/** `POST /auth/logout`: ends the session (if any); always 204. */
export function logoutRoute(deps: AppDeps): BffMiddleware {
  return async function logout(ctx) {
    ctx.state.log.route = 'logout';
    deps.sessions.end(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 204;
  };
}

/** `GET /auth/session`: who is signed in on this tenant. */
export function sessionRoute(): BffMiddleware {
  return async function session(ctx) {
    ctx.state.log.route = 'session';
    const s = sessionOf(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { user: s.user, roles: s.roles, tenant: tenantOf(ctx) };
  };
}
