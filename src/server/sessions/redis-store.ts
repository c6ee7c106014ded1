import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { ProviderTokens } from '../../identity/index.js';
import { StoreUnavailableError } from '../errors.js';
import { RedisUnavailableError, runScript, type RedisClient, type RedisConnection } from '../redis/index.js';
import { RedisRefreshLocks } from './redis-locks.js';
import { DELETE, FIND, SET, TOUCH } from './redis-scripts.js';
import { createSealer, type Sealer } from './seal.js';
import type { ProviderQuery, RefreshLocks, SessionRecord, SessionStore } from './types.js';

const RECORD = 'xp:s:';
const INDEX = 'xp:si:';
/** Where ended sessions are announced (see ended.ts). */
export const ENDED_CHANNEL = 'xp:session-ended';
export const ENDED_LOG = 'xp:session-ended-log';
/** Ended sessions kept for a replica that was away: a day, at most this many. */
const ENDED_RETENTION_MS = 24 * 3600 * 1000;
const ENDED_MAX = 100_000;

export interface RedisSessionStoreOptions {
  redis: RedisConnection;
  /** SESSION_KEYS: seal the provider tokens at rest. */
  keys: readonly string[];
  /** SESSION_IDLE_S: a record's TTL is its idle or absolute end, whichever comes first. */
  idleSeconds: number;
  logger: Logger;
}

type Stored = Omit<SessionRecord, 'lastSeenAt' | 'tokens'>;

/** What Redis answered for a record, and the record made from it. */
interface Parsed {
  r: string;
  t: string;
  seen: string;
  record: SessionRecord;
}

function indexName(tenant: string, issuer: string, kind: 'sid' | 'sub', value: string): string {
  // Hashed: unambiguous whatever the provider puts in sid or sub, and of bounded length.
  return INDEX + createHash('sha256').update(JSON.stringify([tenant, issuer, kind, value])).digest('base64url');
}

function indexNames(record: SessionRecord): string[] {
  const p = record.provider;
  if (!p) return [];
  return [indexName(record.tenant, p.issuer, 'sub', p.sub), ...(p.sid ? [indexName(record.tenant, p.issuer, 'sid', p.sid)] : [])];
}

/**
 * Sessions in the Redis the replicas share: what one replica writes, ends or touches, every
 * replica sees at its next request. Each method is one round trip (a command or a script).
 * Fails closed: when Redis is down, slow or failing, every method rejects with 503
 * `session_store_unavailable` and no request is served as if it had no session or another one.
 * Provider tokens are sealed (seal.ts); a record whose tokens do not open is no session.
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: RedisConnection;
  readonly #sealer: Sealer;
  readonly #idle: string;
  readonly #log: Logger;
  // Parsing (and opening tokens) once per version of a record, not per request: the same bytes
  // from Redis give the same record object. Never a cache: Redis is asked every time.
  readonly #parsed = new LRUCache<string, Parsed>({ max: 10_000 });
  #loggedAt = 0;
  /** One replica at a time refreshes a session's tokens (see redis-locks.ts). */
  readonly refreshLocks: RefreshLocks = new RedisRefreshLocks((call) => this.#run(call));

  constructor(options: RedisSessionStoreOptions) {
    this.#redis = options.redis;
    this.#sealer = createSealer(options.keys);
    this.#idle = String(options.idleSeconds);
    this.#log = options.logger.child({ source: 'sessions' });
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    // The hot path (every plugin call): the plain command, without node-redis's typed wrapper.
    const reply = (await this.#run((c) => c.sendCommand(['HMGET', RECORD + key, 'r', 't', 'seen']))) as Array<string | null>;
    const [r, t, seen] = reply;
    if (!r) {
      this.#parsed.delete(key);
      return undefined;
    }
    const known = this.#parsed.get(key);
    if (known && known.r === r && known.t === (t ?? '') && known.seen === seen) return known.record;
    const record = this.#revive(key, r, t ?? '', Number(seen));
    if (record) this.#parsed.set(key, { r, t: t ?? '', seen: seen ?? '', record });
    else this.#parsed.delete(key);
    return record;
  }

  async set(key: string, record: SessionRecord): Promise<void> {
    await this.#write(key, record, false);
  }

  async replace(key: string, record: SessionRecord): Promise<boolean> {
    return this.#write(key, record, true);
  }

  async #write(key: string, record: SessionRecord, onlyIfPresent: boolean): Promise<boolean> {
    const { lastSeenAt, tokens, ...stored } = record;
    const sealed = tokens ? this.#sealer.seal(JSON.stringify(tokens), key) : '';
    const names = indexNames(record);
    const args = [JSON.stringify(stored satisfies Stored), sealed, String(lastSeenAt), String(record.expiresAt), record.sid, record.provider?.sub ?? '', JSON.stringify(names), key, this.#idle, onlyIfPresent ? '1' : '0'];
    this.#parsed.delete(key);
    return (await this.#run((c) => runScript(c, SET, [RECORD + key, ...names], args))) === 1;
  }

  async touch(key: string, lastSeenAt: number): Promise<void> {
    await this.#run((c) => runScript(c, TOUCH, [RECORD + key], [String(lastSeenAt), this.#idle]));
  }

  async delete(key: string): Promise<SessionRecord | undefined> {
    this.#parsed.delete(key);
    const reply = await this.#run((c) => runScript(c, DELETE, [RECORD + key, ENDED_LOG], [key, ENDED_CHANNEL, String(ENDED_RETENTION_MS), String(ENDED_MAX)]));
    if (!Array.isArray(reply)) return undefined;
    const [r, t, seen] = reply.map(String);
    return r ? this.#revive(key, r, t ?? '', Number(seen)) : undefined;
  }

  async findByProvider(query: ProviderQuery): Promise<string[]> {
    const kind = query.sid ? 'sid' : query.sub ? 'sub' : undefined;
    if (!kind) return [];
    const name = indexName(query.tenant, query.issuer, kind, (kind === 'sid' ? query.sid : query.sub) as string);
    // With both, the provider session must also be this subject's (a sid never crosses users).
    const sub = query.sid && query.sub ? query.sub : '';
    const reply = await this.#run((c) => runScript(c, FIND, [name], [RECORD, sub]));
    return Array.isArray(reply) ? reply.map(String) : [];
  }

  /** The connection belongs to whoever opened it (start.ts). */
  async close(): Promise<void> {}

  #revive(key: string, r: string, t: string, seen: number): SessionRecord | undefined {
    const stored = JSON.parse(r) as Stored;
    if (!t) return { ...stored, lastSeenAt: seen };
    const tokens = this.#sealer.open(t, key);
    if (tokens === undefined) {
      // Sealed with a key no longer in SESSION_KEYS (or altered): the user signs in again.
      this.#log.warn({ session: stored.sid }, 'session tokens cannot be opened with SESSION_KEYS: the session is ignored');
      return undefined;
    }
    return { ...stored, lastSeenAt: seen, tokens: JSON.parse(tokens) as ProviderTokens };
  }

  async #run<T>(call: (client: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await this.#redis.run(call);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError)) throw error;
      // Down and timeouts are logged once by the connection; a failing call while it is up is
      // news (at most one line per 10 s: a Redis out of memory fails every write).
      if (error.reason === 'error' && Date.now() - this.#loggedAt > 10_000) {
        this.#loggedAt = Date.now();
        this.#log.error({ err: error.cause ?? error }, 'session store call failed');
      }
      throw new StoreUnavailableError('session_store_unavailable', 'Sessions cannot be checked right now: try again shortly');
    }
  }
}
