/**
 * The user's access token for an upstream configured to receive it, refreshed shortly before it
 * expires. One refresh per session at a time, across replicas too: providers that rotate refresh
 * tokens refuse a second use (and may revoke the whole grant), so concurrent calls in a process
 * wait for the same refresh, and a replica that finds another one refreshing (the store's
 * refresh lock) waits for the tokens that one stores and uses them (outcome `joined`). When the
 * provider refuses the refresh, or the token has expired with no way to refresh it, the session
 * ends (its streams close) and the call is 401 `session_expired`; when the provider cannot be
 * reached, or another replica's refresh does not finish in time, the call is 502 and the session
 * stays; when the session store cannot be reached, 503 and the session stays.
 */
import type { ProviderTokens, RelyingParty } from '../../identity/index.js';
import type { AppDeps } from '../deps.js';
import { IdentityProviderError, SignInError, UnauthenticatedError } from '../errors.js';
import type { SessionRecord } from '../sessions/types.js';
import { snapshotOf, tenantOf, type BffContext } from '../state.js';

/** Refresh when the access token has less than this left (seconds). */
export const REFRESH_MARGIN_S = 30;
/** The refresh lock outlives the provider's timeout by this much (the store write after it). */
export const LOCK_MARGIN_MS = 2000;

export type AccessTokens = (ctx: BffContext) => Promise<string | undefined>;

export interface AccessTokenOptions {
  /** How often a replica waiting for another one's refresh reads the session again (default 50 ms). */
  pollMs?: number;
  /** The lock lives the provider's timeout plus this (default LOCK_MARGIN_MS). */
  lockMarginMs?: number;
}

/** The same refresh: another replica stored new tokens since `seen` was read. */
const changed = (seen: ProviderTokens, now: ProviderTokens | undefined) => now !== undefined && (now.accessToken !== seen.accessToken || now.refreshToken !== seen.refreshToken);

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** What the refresh of one session ended with: a token, or a session to end (the reason). */
type Outcome = { token: string } | { ended: string };

export function createAccessTokens(deps: Pick<AppDeps, 'sessions' | 'streams' | 'metrics' | 'logger'>, options: AccessTokenOptions = {}): AccessTokens {
  const pollMs = options.pollMs ?? 50;
  const lockMarginMs = options.lockMarginMs ?? LOCK_MARGIN_MS;
  const inFlight = new Map<string, Promise<Outcome>>();
  const log = deps.logger.child({ source: 'auth' });

  async function expire(ctx: BffContext, reason: string): Promise<never> {
    // The session layer closes its streams, on every replica.
    await deps.sessions.end(ctx);
    deps.metrics.authEvents.inc({ tenant: tenantOf(ctx), event: 'refresh', outcome: 'session_expired' });
    log.info({ requestId: ctx.state.requestId, tenant: tenantOf(ctx), event: 'refresh', outcome: 'failed', code: 'session_expired', reason }, 'auth refresh');
    throw new UnauthenticatedError('session_expired', 'The session has expired: sign in again');
  }

  function joined(ctx: BffContext, record: SessionRecord, tokens: ProviderTokens): Outcome {
    deps.metrics.authEvents.inc({ tenant: record.tenant, event: 'refresh', outcome: 'joined' });
    log.info({ requestId: ctx.state.requestId, tenant: record.tenant, event: 'refresh', outcome: 'joined', session: record.sid }, 'auth refresh');
    return { token: tokens.accessToken };
  }

  /** Spends the refresh token; a refusal ends the session unless another replica rotated it meanwhile. */
  async function spend(ctx: BffContext, record: SessionRecord, tokens: ProviderTokens, rp: RelyingParty): Promise<Outcome> {
    const refreshToken = tokens.refreshToken;
    if (!refreshToken || !record.provider) return { ended: 'the access token expired and cannot be refreshed' };
    let next: ProviderTokens;
    try {
      next = await rp.refresh(refreshToken, record.provider.sub);
    } catch (error) {
      if (!(error instanceof SignInError)) throw error; // the provider is unreachable: 502, the session stays
      // Refused: a used token, when another replica spent it (its lock expired, or a store without
      // locks) and stored the rotated one. Then the stored tokens are good; else the session ends.
      const now = await deps.sessions.reread(ctx);
      if (now?.tokens && now.tokens.refreshToken !== refreshToken) return joined(ctx, now, now.tokens);
      return { ended: error.message };
    }
    // Never over a session that ended meanwhile (a logout elsewhere): that would bring it back.
    if (!(await deps.sessions.updateTokens(ctx, { ...next, idToken: next.idToken ?? tokens.idToken }))) return { ended: 'the session ended while its token was refreshed' };
    deps.metrics.authEvents.inc({ tenant: record.tenant, event: 'refresh', outcome: 'ok' });
    log.info({ requestId: ctx.state.requestId, tenant: record.tenant, event: 'refresh', outcome: 'ok', session: record.sid }, 'auth refresh');
    return { token: next.accessToken };
  }

  /**
   * One refresh of the session, whichever replica does it: under the store's refresh lock, with
   * the record read again under it; without the lock, waiting (bounded) for the holder's tokens.
   */
  async function refresh(ctx: BffContext, record: SessionRecord, seen: ProviderTokens, rp: RelyingParty): Promise<Outcome> {
    const lockMs = rp.timeoutMs + lockMarginMs;
    // A little longer than the lock: a holder that died lets this replica take over.
    const deadline = Date.now() + lockMs + pollMs;
    for (;;) {
      const lock = await deps.sessions.lockRefresh(ctx, lockMs);
      if (lock) {
        try {
          const now = await deps.sessions.reread(ctx);
          if (!now?.tokens) return { ended: 'the session ended while its token was refreshed' };
          if (changed(seen, now.tokens)) return joined(ctx, now, now.tokens);
          return await spend(ctx, now, now.tokens, rp);
        } finally {
          // Best effort: a lock that cannot be released expires by itself.
          await lock.release().catch(() => undefined);
        }
      }
      const now = await deps.sessions.reread(ctx);
      if (!now?.tokens) return { ended: 'the session ended while another replica refreshed its token' };
      if (changed(seen, now.tokens)) return joined(ctx, now, now.tokens);
      if (Date.now() >= deadline) {
        // Never the same refresh token twice: the session stays, the call is 502.
        throw new IdentityProviderError('identity_provider_unavailable', 'The sign-in service of this site cannot be reached right now: try again in a moment', {
          detail: 'another replica is refreshing this session and did not finish in time',
        });
      }
      await sleep(pollMs);
    }
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
      pending = refresh(ctx, record, tokens, rp).finally(() => inFlight.delete(record.sid));
      inFlight.set(record.sid, pending);
    }
    const outcome = await pending;
    if ('ended' in outcome) return expire(ctx, outcome.ended);
    return outcome.token;
  };
}
