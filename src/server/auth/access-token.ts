/**
 * The user's access token for an upstream configured to receive it, refreshed shortly before it
 * expires. One refresh per session at a time (concurrent calls wait for the same one). When the
 * provider refuses the refresh, or the token has expired with no way to refresh it, the session
 * ends (its streams close) and the call is 401 `session_expired`; when the provider cannot be
 * reached, the call is 502 and the session stays.
 */
import type { AppDeps } from '../deps.js';
import { SignInError, UnauthenticatedError } from '../errors.js';
import { snapshotOf, tenantOf, type BffContext } from '../state.js';

/** Refresh when the access token has less than this left (seconds). */
export const REFRESH_MARGIN_S = 30;

export type AccessTokens = (ctx: BffContext) => Promise<string | undefined>;

export function createAccessTokens(deps: Pick<AppDeps, 'sessions' | 'streams' | 'metrics' | 'logger'>): AccessTokens {
  const inFlight = new Map<string, Promise<string>>();
  const log = deps.logger.child({ source: 'auth' });

  async function expire(ctx: BffContext, reason: string): Promise<never> {
    // The session layer closes its streams, on every replica.
    await deps.sessions.end(ctx);
    deps.metrics.authEvents.inc({ tenant: tenantOf(ctx), event: 'refresh', outcome: 'session_expired' });
    log.info({ requestId: ctx.state.requestId, tenant: tenantOf(ctx), event: 'refresh', outcome: 'failed', code: 'session_expired', reason }, 'auth refresh');
    throw new UnauthenticatedError('session_expired', 'The session has expired: sign in again');
  }

  return async function accessTokenFor(ctx) {
    const record = deps.sessions.recordOf(ctx);
    const tokens = record?.tokens;
    if (!record || !tokens) return undefined; // a development session has no token to forward
    const now = Math.floor(Date.now() / 1000);
    if (tokens.accessTokenExpiresAt === undefined || tokens.accessTokenExpiresAt - now > REFRESH_MARGIN_S) return tokens.accessToken;
    const rp = snapshotOf(ctx).identity.providers.get(record.tenant);
    if (!tokens.refreshToken || !rp || !record.provider) return expire(ctx, 'the access token expired and cannot be refreshed');
    let pending = inFlight.get(record.sid);
    if (!pending) {
      const refreshToken = tokens.refreshToken;
      const sub = record.provider.sub;
      pending = (async () => {
        const next = await rp.refresh(refreshToken, sub);
        await deps.sessions.updateTokens(ctx, { ...next, idToken: next.idToken ?? tokens.idToken });
        deps.metrics.authEvents.inc({ tenant: record.tenant, event: 'refresh', outcome: 'ok' });
        log.info({ requestId: ctx.state.requestId, tenant: record.tenant, event: 'refresh', outcome: 'ok', session: record.sid }, 'auth refresh');
        return next.accessToken;
      })().finally(() => inFlight.delete(record.sid));
      inFlight.set(record.sid, pending);
    }
    try {
      return await pending;
    } catch (error) {
      if (error instanceof SignInError) return expire(ctx, error.message);
      throw error; // the provider is unreachable: 502, the session stays
    }
  };
}
