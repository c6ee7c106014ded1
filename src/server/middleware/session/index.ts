/**
 * Server-side sessions. The cookie holds only a random opaque id (256 bits; HttpOnly,
 * SameSite=Lax, Path=/, Secure outside development, `__Host-` in production); everything else
 * is in the SessionStore, keyed by a hash of that id. A session ends at its absolute lifetime,
 * after the idle timeout, at logout, or when the provider says so (back-channel logout). It
 * records the tenant it was made on; on another tenant it is refused with 403.
 */
import { hash, randomBytes } from 'node:crypto';
import type { ProviderTokens } from '../../../identity/index.js';
import { NotAllowedError, UnauthenticatedError } from '../../errors.js';
import type { HeldLock, ProviderLink, SessionRecord, SessionStore } from '../../sessions/types.js';
import type { GuardStep } from '../../pipeline/index.js';
import type { BffContext, SessionData } from '../../state.js';
import { tenantOf } from '../tenant/index.js';
import { cookieReader } from './cookie-reader.js';

declare module '../../state.js' {
  interface BffState {
    /** This request's session (the session step): null when absent, unknown, expired or foreign. */
    session?: SessionData | null;
    /** A valid session made on another tenant (403 where a session is required). */
    foreignSession?: boolean;
  }
}

export { isValidName } from './names.js';
export { cookieReader } from './cookie-reader.js';

export interface SessionOptions {
  store: SessionStore;
  cookie: string;
  /** Absolute lifetime. */
  maxAgeSeconds: number;
  /** Ends a session with no request for this long. */
  idleSeconds: number;
  secure: boolean;
  /** Called for every session this layer ends (logout, idle or absolute end, a new sign-in, revoke): its streams close. */
  onEnded?: (record: SessionRecord) => void;
}

export interface Identity {
  user: string;
  roles: string[];
}

/** What a sign-in hands over: who, and for a provider's sign-in its subject and tokens. */
export interface SignedIn extends Identity {
  provider?: ProviderLink;
  tokens?: ProviderTokens;
}

export interface Sessions {
  /**
   * The session step: loads the session from the store into ctx.state.session (null when absent,
   * unknown, expired or foreign). Returns a promise: the store is asynchronous.
   */
  read: GuardStep;
  /** The signed-in step: 401 without a session, 403 with one made on another tenant. */
  require: GuardStep;
  /** A new session with a fresh id (never the one the browser sent: no fixation); any session the browser had ends. */
  issue(ctx: BffContext, identity: SignedIn): Promise<SessionData>;
  /** Ends this request's session (if any) and clears the cookie; returns what it was. */
  end(ctx: BffContext): Promise<SessionRecord | undefined>;
  /** Ends the session stored under `key` (back-channel logout); returns what it was. */
  revoke(key: string): Promise<SessionRecord | undefined>;
  /** The stored record of this request's session (tokens included): server-side use only. */
  recordOf(ctx: BffContext): SessionRecord | undefined;
  /**
   * Replaces the tokens of this request's session (after a refresh): false, and nothing written,
   * when the session is gone (ended meanwhile, e.g. a logout on another replica).
   */
  updateTokens(ctx: BffContext, tokens: ProviderTokens): Promise<boolean>;
  /**
   * Reads this request's session from the store again (another replica may have changed its
   * tokens since the session step): the record now, which `recordOf` then answers, or undefined
   * when it is gone (or the request has none).
   */
  reread(ctx: BffContext): Promise<SessionRecord | undefined>;
  /**
   * Takes the store's refresh lock on this request's session for at most `ttlMs`: undefined when
   * another replica holds it. A store of one process has no such lock: then a lock that guards
   * nothing (the process coordinates its own refreshes).
   */
  lockRefresh(ctx: BffContext, ttlMs: number): Promise<HeldLock | undefined>;
  readonly store: SessionStore;
}

const ID = /^[A-Za-z0-9_-]{43}$/;
const NO_LOCK: HeldLock = Object.freeze({ release: async () => undefined });


/** The store key of a cookie id: the store never holds a value the browser could present. */
function keyOf(id: string): string {
  // One-shot hash: about half the cost of createHash().update().digest() on this hot path.
  return hash('sha256', id, 'base64url');
}

// The public view of a record, made once per record (not per request); records are replaced, never changed, but for lastSeenAt.
const views = new WeakMap<SessionRecord, SessionData>();
function viewOf(record: SessionRecord): SessionData {
  let view = views.get(record);
  if (!view) {
    view = Object.freeze({ sid: record.sid, user: record.user, roles: record.roles, tenant: record.tenant, iat: record.createdAt, exp: record.expiresAt });
    views.set(record, view);
  }
  return view;
}

export function createSessions(options: SessionOptions): Sessions {
  const { store } = options;
  // Activity is written at most this often: a shared store is not written on every request.
  const touchEvery = Math.max(1, Math.min(60, Math.floor(options.idleSeconds / 20)));
  const loaded = new WeakMap<BffContext, { key: string; record: SessionRecord }>();
  const cookieId = cookieReader(options.cookie);
  // Not signed: the id is 256 random bits the store either knows or not (Koa would otherwise add a `.sig` cookie).
  const cookieOptions = () => ({ signed: false, httpOnly: true, sameSite: 'lax' as const, secure: options.secure, path: '/', overwrite: true });

  /** Every end goes through here, so every end closes the session's streams. */
  async function drop(key: string): Promise<SessionRecord | undefined> {
    const record = await store.delete(key);
    if (record) options.onEnded?.(record);
    return record;
  }

  function forceSecure(ctx: BffContext): void {
    // TLS may end at a proxy: Secure is a property of the deployment, not of this hop.
    if (options.secure) ctx.cookies.secure = true;
  }

  function clearCookie(ctx: BffContext): void {
    forceSecure(ctx);
    ctx.cookies.set(options.cookie, '', { ...cookieOptions(), maxAge: 0, expires: new Date(0) });
  }

  /** The session step. Synchronous with a store that answers at once (getNow) until a write is due. */
  function load(ctx: BffContext): void | Promise<void> {
    if (ctx.state.session !== undefined) return;
    ctx.state.session = null;
    const id = cookieId(ctx.req);
    if (!id || !ID.test(id)) return;
    const key = keyOf(id);
    if (store.getNow) return accept(ctx, key, store.getNow(key));
    return store.get(key).then((record) => accept(ctx, key, record));
  }

  function accept(ctx: BffContext, key: string, record: SessionRecord | undefined): void | Promise<void> {
    if (!record) return;
    const now = Math.floor(Date.now() / 1000);
    if (record.expiresAt <= now || now - record.lastSeenAt > options.idleSeconds) {
      return drop(key).then(() => undefined);
    }
    if (record.tenant !== ctx.state.tenant) {
      ctx.state.foreignSession = true;
      return;
    }
    if (now - record.lastSeenAt >= touchEvery) {
      record.lastSeenAt = now;
      // The session is this request's once the activity is written (a failed write fails the request).
      return store.touch(key, now).then(() => use(ctx, key, record));
    }
    use(ctx, key, record);
  }

  function use(ctx: BffContext, key: string, record: SessionRecord): void {
    loaded.set(ctx, { key, record });
    ctx.state.session = viewOf(record);
  }

  function requireNow(ctx: BffContext): void {
    if (!ctx.state.session) {
      if (ctx.state.foreignSession) throw new NotAllowedError('session_tenant_mismatch', 'This session belongs to another site');
      throw new UnauthenticatedError('unauthenticated', 'Sign in first');
    }
  }

  async function endCurrent(ctx: BffContext): Promise<SessionRecord | undefined> {
    const current = loaded.get(ctx);
    loaded.delete(ctx);
    ctx.state.session = null;
    // The browser's id may name a session that was not loaded (another tenant's): end it too.
    const id = cookieId(ctx.req);
    const key = current?.key ?? (id && ID.test(id) ? keyOf(id) : undefined);
    return key ? drop(key) : undefined;
  }

  return {
    store,
    read: { name: 'session', needs: ['tenant'], sets: ['session', 'foreignSession'], run: load },
    require: { name: 'signed-in', needs: ['session'], run: requireNow },

    async issue(ctx, identity) {
      await endCurrent(ctx);
      const now = Math.floor(Date.now() / 1000);
      const id = randomBytes(32).toString('base64url');
      const record: SessionRecord = {
        sid: randomBytes(18).toString('base64url'),
        user: identity.user,
        roles: [...new Set(identity.roles)],
        tenant: tenantOf(ctx),
        createdAt: now,
        expiresAt: now + options.maxAgeSeconds,
        lastSeenAt: now,
        ...(identity.provider ? { provider: identity.provider } : {}),
        ...(identity.tokens ? { tokens: identity.tokens } : {}),
      };
      const key = keyOf(id);
      await store.set(key, record);
      forceSecure(ctx);
      ctx.cookies.set(options.cookie, id, { ...cookieOptions(), maxAge: options.maxAgeSeconds * 1000 });
      loaded.set(ctx, { key, record });
      ctx.state.foreignSession = false;
      ctx.state.session = viewOf(record);
      return ctx.state.session;
    },

    async end(ctx) {
      const record = await endCurrent(ctx);
      clearCookie(ctx);
      return record;
    },

    revoke: drop,

    recordOf(ctx) {
      return loaded.get(ctx)?.record;
    },

    async updateTokens(ctx, tokens) {
      const current = loaded.get(ctx);
      if (!current) return false;
      current.record = { ...current.record, tokens };
      return store.replace(current.key, current.record);
    },

    async reread(ctx) {
      const current = loaded.get(ctx);
      if (!current) return undefined;
      const record = await store.get(current.key);
      if (record) current.record = record;
      return record;
    },

    async lockRefresh(ctx, ttlMs) {
      const current = loaded.get(ctx);
      if (!current) throw new UnauthenticatedError('unauthenticated', 'Sign in first');
      return store.refreshLocks ? store.refreshLocks.acquire(current.key, ttlMs) : NO_LOCK;
    },
  };
}

export function sessionOf(ctx: BffContext): SessionData {
  const session = ctx.state.session;
  if (!session) throw new Error('the signed-in step did not run');
  return session;
}
