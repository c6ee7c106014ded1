import { publicOrigin } from '../auth/origin.js';
import type { AppDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import { sessionOf, snapshotOf, tenantOf, type BffMiddleware } from '../state.js';

/** `POST /auth/:provider/login` (the development provider): 204 with the session cookie; an unknown or disabled provider is 404. */
export function loginRoute(deps: AppDeps): BffMiddleware {
  return async function login(ctx) {
    ctx.state.log.route = 'login';
    const name = (ctx as typeof ctx & { params?: Record<string, string> }).params?.provider ?? '';
    const provider = deps.providers.get(name);
    if (!provider) throw new NotFoundError('not_found', 'Not found');
    const identity = await provider.signIn(ctx);
    await deps.sessions.issue(ctx, identity);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 204;
  };
}

/**
 * `POST /auth/logout`: ends the session (if any) and closes its streams. With a provider that
 * has an end_session_endpoint: 200 `{ logoutUrl }` (RP-initiated logout, for the browser to
 * open); otherwise 204.
 */
export function logoutRoute(deps: AppDeps): BffMiddleware {
  const production = deps.settings.mode === 'production';
  return async function logout(ctx) {
    ctx.state.log.route = 'logout';
    ctx.set('Cache-Control', 'no-store');
    const record = deps.sessions.recordOf(ctx);
    // The session layer closes its streams, on every replica.
    await deps.sessions.end(ctx);
    const rp = record?.provider ? snapshotOf(ctx).identity.providers.get(tenantOf(ctx)) : undefined;
    const logoutUrl = rp?.endSessionUrl(record?.tokens?.idToken, `${publicOrigin(ctx, production)}${rp.provider.postLogoutPath}`);
    if (logoutUrl) {
      ctx.body = { logoutUrl: logoutUrl.href };
      return;
    }
    ctx.status = 204;
  };
}

/** `GET /auth/session`: who is signed in on this tenant, until when, and how to sign out. */
export function sessionRoute(deps: AppDeps): BffMiddleware {
  return async function session(ctx) {
    ctx.state.log.route = 'session';
    const s = sessionOf(ctx);
    const record = deps.sessions.recordOf(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      user: s.user,
      roles: s.roles,
      tenant: tenantOf(ctx),
      expiresAt: new Date(s.exp * 1000).toISOString(),
      idleTimeoutSeconds: deps.settings.sessionIdleSeconds,
      provider: record?.provider ? (snapshotOf(ctx).identity.providers.get(tenantOf(ctx))?.provider.name ?? null) : null,
      logoutUrl: '/auth/logout',
    };
  };
}

/** `GET /auth/providers` (no session): how to sign in on this tenant, for the shell's sign-in page. */
export function providersRoute(deps: AppDeps): BffMiddleware {
  return async function providers(ctx) {
    ctx.state.log.route = 'auth_providers';
    const rp = snapshotOf(ctx).identity.providers.get(tenantOf(ctx));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      tenant: tenantOf(ctx),
      provider: rp ? { name: rp.provider.name, loginUrl: '/auth/login' } : null,
      devLogin: deps.providers.has('dev'),
    };
  };
}
