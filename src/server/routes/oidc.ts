/**
 * The OpenID Connect routes of the BFF: sign-in (authorization code + PKCE), its callback, and
 * back-channel logout. Every failure is a typed error with a stable code (an HTML page for a
 * browser navigation), and every attempt is logged with its outcome, never with a token, code
 * or state.
 */
import { LOGOUT_TOKEN_MAX_AGE_S } from '../../identity/logout-token.js';
import type { RelyingParty } from '../../identity/index.js';
import { createLoginCookie } from '../auth/login-cookie.js';
import { publicOrigin } from '../auth/origin.js';
import { safeReturnTo } from '../auth/return-to.js';
import { readForm } from '../body.js';
import type { AppDeps } from '../deps.js';
import { AppError, IdentityProviderError, InputError, LogoutTokenError, NotFoundError, SignInError } from '../errors.js';
import { snapshotOf, tenantOf, type BffContext, type BffMiddleware } from '../state.js';

/** How long a sign-in may take between /auth/login and /auth/callback. */
const LOGIN_TTL_S = 600;

function providerOf(ctx: BffContext): RelyingParty {
  const rp = snapshotOf(ctx).identity.providers.get(tenantOf(ctx));
  if (!rp) throw new NotFoundError('no_identity_provider', 'This site has no identity provider configured');
  return rp;
}

export interface OidcRoutes {
  login: BffMiddleware;
  callback: BffMiddleware;
  backchannelLogout: BffMiddleware;
}

export function createOidcRoutes(deps: AppDeps): OidcRoutes {
  const production = deps.settings.mode === 'production';
  const loginCookie = createLoginCookie({ name: deps.settings.loginCookie, keys: deps.settings.sessionKeys, secure: deps.settings.secureCookies, ttlSeconds: LOGIN_TTL_S });
  // A sealed sign-in is good for one callback, and a logout_token id (OIDC Back-Channel Logout
  // 1.0, 2.6 step 10: no replays) for one logout, on any replica (deps.replay is shared with them).
  const { replay } = deps;
  const LOGOUT_TOKEN_TTL_S = LOGOUT_TOKEN_MAX_AGE_S + 60;
  const log = deps.logger.child({ source: 'auth' });

  function outcome(ctx: BffContext, event: string, ok: boolean, fields: Record<string, unknown> = {}): void {
    const tenant = ctx.state.tenant ?? 'unknown';
    deps.metrics.authEvents.inc({ tenant, event, outcome: ok ? 'ok' : String(fields['code'] ?? 'failed') });
    log.info({ requestId: ctx.state.requestId, tenant, event, outcome: ok ? 'ok' : 'failed', ...fields }, `auth ${event}`);
  }

  async function logged(ctx: BffContext, event: string, run: () => Promise<Record<string, unknown>>): Promise<void> {
    let fields: Record<string, unknown>;
    try {
      fields = await run();
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'internal_error';
      const message = error instanceof IdentityProviderError ? error.detail : error instanceof AppError ? error.message : undefined;
      outcome(ctx, event, false, { code, message });
      throw error;
    }
    outcome(ctx, event, true, fields);
  }

  return {
    /** `GET /auth/login?returnTo=/path`: 302 to the provider (code flow, PKCE S256, state, nonce). */
    async login(ctx) {
      ctx.state.log.route = 'auth_login';
      ctx.state.errorPage = true;
      ctx.set('Cache-Control', 'no-store');
      await logged(ctx, 'login', async () => {
        const raw = new URLSearchParams(ctx.querystring).get('returnTo');
        const returnTo = raw === null ? '/' : safeReturnTo(raw);
        if (returnTo === undefined) throw new InputError('invalid_return_to', 'returnTo must be a path on this site');
        const rp = providerOf(ctx);
        const { url, transaction } = await rp.beginSignIn(`${publicOrigin(ctx, production)}/auth/callback`);
        await loginCookie.write(ctx, { tenant: tenantOf(ctx), provider: rp.fingerprint, returnTo, transaction });
        ctx.redirect(url.href);
        return {};
      });
    },

    /** `GET /auth/callback`: checks the answer, exchanges the code, starts a new session, 302 to returnTo. */
    async callback(ctx) {
      ctx.state.log.route = 'auth_callback';
      ctx.state.errorPage = true;
      ctx.set('Cache-Control', 'no-store');
      await logged(ctx, 'callback', async () => {
        const pending = await loginCookie.take(ctx);
        const tenant = tenantOf(ctx);
        if (!pending || pending.tenant !== tenant || !(await replay.firstUse(`login-state\u0000${pending.transaction.state}`, LOGIN_TTL_S))) {
          throw new SignInError('login_state_missing', 'This sign-in was not started here, took too long or was already used: start again');
        }
        const rp = providerOf(ctx);
        if (rp.fingerprint !== pending.provider) throw new SignInError('login_state_missing', 'The sign-in settings changed during this sign-in: start again');
        const result = await rp.completeSignIn(new URLSearchParams(ctx.querystring), pending.transaction);
        const session = await deps.sessions.issue(ctx, {
          user: result.user,
          roles: result.roles,
          provider: { issuer: rp.provider.issuer, sub: result.sub, ...(result.providerSid ? { sid: result.providerSid } : {}) },
          tokens: result.tokens,
        });
        ctx.redirect(pending.returnTo);
        return { user: session.user, roles: session.roles, session: session.sid };
      });
    },

    /** `POST /auth/backchannel-logout` (from the provider, no browser): ends every session the logout_token names. */
    async backchannelLogout(ctx) {
      ctx.state.log.route = 'auth_backchannel_logout';
      ctx.set('Cache-Control', 'no-store');
      await logged(ctx, 'backchannel_logout', async () => {
        const rp = providerOf(ctx);
        const form = await readForm(ctx.req, 16 * 1024);
        const token = form.get('logout_token');
        if (!token) throw new LogoutTokenError('invalid_logout_token', 'logout_token is missing');
        const claims = await rp.verifyLogoutToken(token);
        const tenant = tenantOf(ctx);
        const replayKey = `logout-token\u0000${tenant}\u0000${claims.issuer}\u0000${claims.jti}`;
        if (!(await replay.firstUse(replayKey, LOGOUT_TOKEN_TTL_S))) throw new LogoutTokenError('invalid_logout_token', 'logout_token was already used (jti)');
        let ended = 0;
        try {
          const keys = await deps.sessions.store.findByProvider({ tenant, issuer: claims.issuer, ...(claims.sid ? { sid: claims.sid } : {}), ...(claims.sub ? { sub: claims.sub } : {}) });
          // The session layer closes each one's streams, on every replica.
          for (const key of keys) if (await deps.sessions.revoke(key)) ended += 1;
        } catch (error) {
          // Not acted on (the store failed: 503): the provider may send the same token again.
          await replay.release(replayKey).catch(() => undefined);
          throw error;
        }
        ctx.status = 200;
        ctx.body = '';
        return { ended, by: claims.sid ? 'sid' : 'sub' };
      });
    },
  };
}
