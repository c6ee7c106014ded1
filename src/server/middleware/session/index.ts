/**
 * Sessions are signed cookies (Koa's keygrip signature with the app keys): HttpOnly,
 * SameSite=Lax, Secure outside development. A session records the tenant it was made on;
 * on another tenant it is refused with 403. Logout also remembers the session id until it
 * would have expired (in memory, per process), so a copied cookie stops working.
 */
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { NotAllowedError, UnauthenticatedError } from '../../errors.js';
import type { GuardStep } from '../../pipeline/index.js';
import type { BffContext, SessionData } from '../../state.js';
import { tenantOf } from '../tenant/index.js';
import { decodeSession, encodeSession } from './codec.js';

export { isValidName } from './codec.js';

declare module '../../state.js' {
  interface BffState {
    /** This request's session (the session step): null when absent, invalid, revoked or foreign. */
    session?: SessionData | null;
    /** A valid session made on another tenant (403 where a session is required). */
    foreignSession?: boolean;
  }
}

export interface SessionOptions {
  cookie: string;
  maxAgeSeconds: number;
  secure: boolean;
}

export interface Identity {
  user: string;
  roles: string[];
}

export interface Sessions {
  /**
   * The session step: reads the cookie into ctx.state.session (null when absent, invalid or
   * foreign). Synchronous for cookie sessions; a store-backed one may return a promise.
   */
  read: GuardStep;
  /** The signed-in step: 401 without a session, 403 with one made on another tenant. */
  require: GuardStep;
  issue(ctx: BffContext, identity: Identity): SessionData;
  end(ctx: BffContext): void;
}

export function createSessions(options: SessionOptions): Sessions {
  const revoked = new LRUCache<string, true>({ max: 100_000, ttl: options.maxAgeSeconds * 1000 });
  // Cookie value + signature pairs already verified and decoded: a session sends the same pair
  // on every request, so the HMAC and the JSON decoding run once per session, not per request.
  const verified = new LRUCache<string, SessionData>({ max: 10_000 });
  const sigCookie = `${options.cookie}.sig`;

  function readCookie(ctx: BffContext): SessionData | null {
    const value = ctx.cookies.get(options.cookie);
    const sig = ctx.cookies.get(sigCookie);
    if (!value || !sig) return null;
    const key = `${value}.${sig}`;
    let session = verified.get(key);
    if (session === undefined) {
      const checked = ctx.cookies.get(options.cookie, { signed: true });
      const decoded = checked === value ? decodeSession(value, Math.floor(Date.now() / 1000)) : null;
      if (!decoded) return null;
      session = decoded;
      verified.set(key, session);
    }
    return session.exp > Date.now() / 1000 ? session : null;
  }
  const cookieOptions = () => ({
    signed: true,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: options.secure,
    path: '/',
    overwrite: true,
  });

  function forceSecure(ctx: BffContext): void {
    // TLS may end at a proxy: Secure is a property of the deployment, not of this hop.
    if (options.secure) ctx.cookies.secure = true;
  }

  function read(ctx: BffContext): void {
    if (ctx.state.session === undefined) {
      const session = readCookie(ctx);
      if (!session || revoked.has(session.sid)) {
        ctx.state.session = null;
      } else if (session.tenant !== ctx.state.tenant) {
        ctx.state.session = null;
        ctx.state.foreignSession = true;
      } else {
        ctx.state.session = session;
      }
    }
  }

  function require(ctx: BffContext): void {
    if (!ctx.state.session) {
      if (ctx.state.foreignSession) throw new NotAllowedError('session_tenant_mismatch', 'This session belongs to another site');
      throw new UnauthenticatedError('unauthenticated', 'Sign in first');
    }
  }

  return {
    read: { name: 'session', needs: ['tenant'], sets: ['session', 'foreignSession'], run: read },
    require: { name: 'signed-in', needs: ['session'], run: require },

    issue(ctx, identity) {
      const now = Math.floor(Date.now() / 1000);
      const session: SessionData = {
        sid: randomBytes(18).toString('base64url'),
        user: identity.user,
        roles: [...new Set(identity.roles)],
        tenant: tenantOf(ctx),
        iat: now,
        exp: now + options.maxAgeSeconds,
      };
      forceSecure(ctx);
      ctx.cookies.set(options.cookie, encodeSession(session), { ...cookieOptions(), maxAge: options.maxAgeSeconds * 1000 });
      ctx.state.session = session;
      return session;
    },

    end(ctx) {
      const session = ctx.state.session;
      if (session) revoked.set(session.sid, true, { ttl: Math.max(1, session.exp * 1000 - Date.now()) });
      forceSecure(ctx);
      ctx.cookies.set(options.cookie, '', { ...cookieOptions(), maxAge: 0, expires: new Date(0) });
      ctx.state.session = null;
    },
  };
}

export function sessionOf(ctx: BffContext): SessionData {
  const session = ctx.state.session;
  if (!session) throw new Error('the signed-in step did not run');
  return session;
}
