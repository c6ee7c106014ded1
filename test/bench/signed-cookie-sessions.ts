/**
 * The benchmark's baseline: the session layer as it was before server-side sessions (a signed
 * cookie carrying the session as base64url JSON, Koa's keygrip signature, verified pairs cached
 * in an LRU), behind today's Sessions interface, so `make bench` measures both in one run.
 * Bench only: it has no store, no tokens and no provider link.
 */
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Sessions } from '../../src/server/middleware/session/index.js';
import { MemorySessionStore } from '../../src/server/sessions/memory-store.js';
import { NotAllowedError, UnauthenticatedError } from '../../src/server/errors.js';

/** The classes it builds on: by default the sources'; the bench server passes the build it serves (dist/), whose error handler knows its own classes only. */
export interface SignedCookieLib {
  NotAllowedError: typeof NotAllowedError;
  UnauthenticatedError: typeof UnauthenticatedError;
  MemorySessionStore: typeof MemorySessionStore;
}
import type { BffContext, SessionData } from '../../src/server/state.js';

function decode(value: string, now: number): SessionData | null {
  if (value.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    const s = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as SessionData;
    return typeof s.sid === 'string' && typeof s.user === 'string' && Array.isArray(s.roles) && typeof s.tenant === 'string' && s.exp > now ? s : null;
  } catch {
    return null;
  }
}

export function createSignedCookieSessions(
  options: { cookie: string; maxAgeSeconds: number },
  lib: SignedCookieLib = { NotAllowedError, UnauthenticatedError, MemorySessionStore },
): Sessions {
  const verified = new LRUCache<string, SessionData>({ max: 10_000 });
  const sig = `${options.cookie}.sig`;
  function loadNow(ctx: BffContext): void {
    if (ctx.state.session === undefined) {
      ctx.state.session = null;
      const value = ctx.cookies.get(options.cookie, { signed: false });
      const signature = ctx.cookies.get(sig, { signed: false });
      if (value && signature) {
        const key = `${value}.${signature}`;
        let session = verified.get(key);
        if (session === undefined) {
          const checked = ctx.cookies.get(options.cookie, { signed: true });
          const decoded = checked === value ? decode(value, Math.floor(Date.now() / 1000)) : null;
          if (decoded) verified.set(key, (session = decoded));
        }
        if (session && session.exp > Date.now() / 1000) {
          if (session.tenant === ctx.state.tenant) ctx.state.session = session;
          else ctx.state.foreignSession = true;
        }
      }
    }
  }
  function requireNow(ctx: BffContext): void {
    if (!ctx.state.session) {
      if (ctx.state.foreignSession) throw new lib.NotAllowedError('session_tenant_mismatch', 'This session belongs to another site');
      throw new lib.UnauthenticatedError('unauthenticated', 'Sign in first');
    }
  }
  return {
    store: new lib.MemorySessionStore({ max: 1 }),
    // Synchronous as the old cookie layer was: the baseline the store-backed step is measured against.
    read: { name: 'session', needs: ['tenant'], sets: ['session', 'foreignSession'], run: loadNow },
    require: { name: 'signed-in', needs: ['session'], run: requireNow },
    async issue(ctx, identity) {
      const now = Math.floor(Date.now() / 1000);
      const session: SessionData = { sid: randomBytes(18).toString('base64url'), user: identity.user, roles: [...new Set(identity.roles)], tenant: ctx.state.tenant ?? '', iat: now, exp: now + options.maxAgeSeconds };
      ctx.cookies.set(options.cookie, Buffer.from(JSON.stringify(session)).toString('base64url'), { signed: true, httpOnly: true, sameSite: 'lax', path: '/', maxAge: options.maxAgeSeconds * 1000 });
      ctx.state.session = session;
      return session;
    },
    async end(ctx) {
      ctx.state.session = null;
      return undefined;
    },
    // A signed cookie cannot be revoked: that is one of the reasons it was replaced.
    revoke: async () => undefined,
    recordOf: () => undefined,
    updateTokens: async () => false,
    reread: async () => undefined,
    // No tokens in a signed cookie: nothing to refresh, nothing to lock.
    lockRefresh: async () => ({ release: async () => undefined }),
  };
}
