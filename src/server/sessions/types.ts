import type { ProviderTokens } from '../../identity/index.js';

/** Who the provider says the user is, for back-channel logout (OIDC `iss` + `sid` / `sub`). */
export interface ProviderLink {
  issuer: string;
  sub: string;
  /** The provider's session id (`sid` claim), when it sends one. */
  sid?: string;
}

/**
 * A session as the server keeps it. The browser holds only a random opaque id; the store is
 * keyed by a hash of that id, so the store's contents are no cookie an attacker could replay.
 */
export interface SessionRecord {
  /** Public id of the session: logs, stream caps, closing its streams. Never the cookie value. */
  sid: string;
  user: string;
  roles: string[];
  /** The tenant host the session was made on. */
  tenant: string;
  /** Seconds since the epoch. */
  createdAt: number;
  /** Absolute end, whatever the activity. */
  expiresAt: number;
  /** Last request seen (updated at most every few seconds: see createSessions). */
  lastSeenAt: number;
  provider?: ProviderLink;
  /** Access, refresh and ID token: server-side only, never in a response to the browser. */
  tokens?: ProviderTokens;
}

/** Finds the sessions one back-channel logout_token names: by the provider's `sid`, else all of `sub`. */
export interface ProviderQuery {
  tenant: string;
  issuer: string;
  sid?: string;
  sub?: string;
}

/** A lock one holder took; `release` frees it only while it is still this holder's. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * A session's token-refresh lock in a store shared by replicas: a refresh token is single-use
 * at providers that rotate it, so one replica at a time may spend it. Bounded by `ttlMs`, so a
 * replica that dies holding it does not block the session longer than that.
 */
export interface RefreshLocks {
  /** Takes the lock for the session stored under `key`; undefined when another holder has it. */
  acquire(key: string, ttlMs: number): Promise<HeldLock | undefined>;
}

/**
 * Where sessions live. Every method is async so a store shared by replicas (Redis) fits behind
 * it; such a store keeps the provider index (tenant + issuer + sid / sub -> keys) beside the
 * records and gives every record a TTL of its `expiresAt`.
 */
export interface SessionStore {
  get(key: string): Promise<SessionRecord | undefined>;
  /**
   * The same as `get`, answered at once: only a store in this process has it (the session step
   * then stays synchronous: no promise, no async frame on every signed-in request).
   */
  getNow?(key: string): SessionRecord | undefined;
  /** Creates or replaces. */
  set(key: string, record: SessionRecord): Promise<void>;
  /**
   * Replaces a record only while it exists: false, and nothing written, when it is gone (ended
   * by another replica meanwhile: a write after that must not bring the session back).
   */
  replace(key: string, record: SessionRecord): Promise<boolean>;
  /** Records activity (idle timeout); a no-op for a key that is gone. */
  touch(key: string, lastSeenAt: number): Promise<void>;
  /** Removes and returns the record (undefined when there was none). */
  delete(key: string): Promise<SessionRecord | undefined>;
  /** Keys of the sessions a logout_token names: with `sid`, that provider session; else every session of `sub`. */
  findByProvider(query: ProviderQuery): Promise<string[]>;
  /**
   * Only a store shared by replicas has them; without, the one process coordinates its own
   * refreshes (see auth/access-token.ts).
   */
  readonly refreshLocks?: RefreshLocks;
  close(): Promise<void>;
}
