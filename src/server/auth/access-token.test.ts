/**
 * The access-token refresh against a model: one shared session record with a refresh lock (as
 * the Redis store keeps them), replicas that each have their own createAccessTokens, requests
 * that each loaded the record when they started, and a provider that rotates refresh tokens
 * (a used one is refused and, reused, revokes the grant, as oidc-provider does).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderTokens, RelyingParty } from '../../identity/index.js';
import type { AppDeps } from '../deps.js';
import { IdentityProviderError, SignInError, StoreUnavailableError, UnauthenticatedError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { HeldLock, SessionRecord } from '../sessions/types.js';
import type { BffContext } from '../state.js';
import { createAccessTokens, REFRESH_MARGIN_S } from './access-token.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowS = () => Math.floor(Date.now() / 1000);
const NO_LOCK: HeldLock = { release: async () => undefined };

/** A provider that rotates: one valid refresh token at a time; a used one refused, and reused it revokes the grant. */
class RotatingProvider {
  valid: string | undefined = 'rt-0';
  refreshes = 0;
  revoked = false;
  latencyMs = 5;
  /** Runs before each refresh is answered (a test's injected fault or another replica's move). */
  before: (() => Promise<void> | void) | undefined;
  readonly timeoutMs = 100;
  #n = 0;

  async refresh(refreshToken: string): Promise<ProviderTokens> {
    await this.before?.();
    await sleep(this.latencyMs);
    if (refreshToken !== this.valid) {
      this.revoked = true;
      this.valid = undefined;
      throw new SignInError('refresh_rejected', 'The identity provider refused the refresh (invalid_grant)');
    }
    this.refreshes += 1;
    this.#n += 1;
    this.valid = `rt-${this.#n}`;
    return { accessToken: `at-${this.#n}`, refreshToken: this.valid, accessTokenExpiresAt: nowS() + 600 };
  }
}

/** The shared store: one record and its refresh lock (with a TTL), and a switch to make it fail. */
class SharedStore {
  record: SessionRecord | undefined;
  lock: { until: number } | undefined;
  down = false;
  ended = 0;

  constructor(readonly locks: boolean) {
    this.record = {
      sid: 's1', user: 'alice', roles: ['member'], tenant: 't', createdAt: nowS(), expiresAt: nowS() + 3600, lastSeenAt: nowS(),
      provider: { issuer: 'https://idp', sub: 'alice' },
      tokens: { accessToken: 'at-0', refreshToken: 'rt-0', accessTokenExpiresAt: nowS() + REFRESH_MARGIN_S - 5 },
    };
  }

  check(): void {
    if (this.down) throw new StoreUnavailableError('session_store_unavailable', 'Sessions cannot be checked right now: try again shortly');
  }

  setTokens(tokens: ProviderTokens): void {
    if (this.record) this.record = { ...this.record, tokens };
  }

  /** Another replica's lock, never released: it died holding it. */
  holdForeign(ms: number): void {
    this.lock = { until: Date.now() + ms };
  }
}

interface Replica {
  accessTokenFor: (ctx: BffContext) => Promise<string | undefined>;
  /** A request on this replica: the record as the session step loaded it now. */
  request(): BffContext;
  outcomes: string[];
}

function replicaOn(shared: SharedStore, rp: RotatingProvider): Replica {
  const loaded = new WeakMap<BffContext, SessionRecord>();
  const outcomes: string[] = [];
  const sessions = {
    recordOf: (ctx: BffContext) => loaded.get(ctx),
    async reread(ctx: BffContext) {
      await sleep(0);
      shared.check();
      if (shared.record) loaded.set(ctx, shared.record);
      return shared.record;
    },
    async updateTokens(ctx: BffContext, tokens: ProviderTokens) {
      await sleep(0);
      shared.check();
      if (!shared.record) return false; // as the stores' replace: a session that is gone stays gone
      shared.setTokens(tokens);
      loaded.set(ctx, { ...loaded.get(ctx)!, tokens });
      return true;
    },
    async lockRefresh(_ctx: BffContext, ttlMs: number): Promise<HeldLock | undefined> {
      await sleep(0);
      shared.check();
      if (!shared.locks) return NO_LOCK;
      if (shared.lock && shared.lock.until > Date.now()) return undefined;
      const mine = { until: Date.now() + ttlMs };
      shared.lock = mine;
      return {
        release: async () => {
          shared.check();
          if (shared.lock === mine) shared.lock = undefined;
        },
      };
    },
    async end() {
      shared.check();
      if (shared.record) shared.ended += 1;
      shared.record = undefined;
      return undefined;
    },
  };
  const metrics = { authEvents: { inc: (labels: { outcome: string }) => outcomes.push(labels.outcome) } };
  const deps = { sessions, metrics, streams: {}, logger: createLogger({ level: 'silent' }) } as unknown as Pick<AppDeps, 'sessions' | 'streams' | 'metrics' | 'logger'>;
  const providers = new Map([['t', rp as unknown as RelyingParty]]);
  return {
    accessTokenFor: createAccessTokens(deps, { pollMs: 5, lockMarginMs: 50 }),
    outcomes,
    request() {
      const ctx = { state: { requestId: 'r', tenant: 't', snapshot: { identity: { providers } } } } as unknown as BffContext;
      if (shared.record) loaded.set(ctx, shared.record);
      return ctx;
    },
  };
}

const settle = <T>(promise: Promise<T>) => promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

describe('access token refresh: one refresh per session, across replicas', () => {
  it('property: any number of calls at expiry on 1-3 replicas, in any order: one refresh, every call gets its token, the session stays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ replica: fc.nat(2), startMs: fc.integer({ min: 0, max: 25 }), loadedEarly: fc.boolean() }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 15 }),
        async (count, calls, latencyMs) => {
          const rp = new RotatingProvider();
          rp.latencyMs = latencyMs;
          const shared = new SharedStore(true);
          const replicas = Array.from({ length: count }, () => replicaOn(shared, rp));
          // A call loaded early read the record before any refresh: the stale-record case.
          const early = calls.map((c) => (c.loadedEarly ? replicas[c.replica % count]!.request() : undefined));
          const results = await Promise.all(
            calls.map(async (c, i) => {
              await sleep(c.startMs);
              const replica = replicas[c.replica % count]!;
              return settle(replica.accessTokenFor(early[i] ?? replica.request()));
            }),
          );
          expect(results.filter((r) => !r.ok)).toEqual([]);
          expect(new Set(results.map((r) => (r.ok ? r.value : undefined)))).toEqual(new Set(['at-1']));
          expect({ refreshes: rp.refreshes, revoked: rp.revoked, ended: shared.ended }).toEqual({ refreshes: 1, revoked: false, ended: 0 });
          expect(shared.record?.tokens?.refreshToken).toBe('rt-1');
          expect(shared.lock).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the model can fail: without the lock, two replicas spend the same refresh token and the provider revokes the grant', async () => {
    const rp = new RotatingProvider();
    const shared = new SharedStore(false);
    const [a, b] = [replicaOn(shared, rp), replicaOn(shared, rp)];
    await Promise.all([settle(a.accessTokenFor(a.request())), settle(b.accessTokenFor(b.request()))]);
    expect(rp.revoked).toBe(true);
  });

  it('a fresh token is used as it is: no lock, no refresh', async () => {
    const rp = new RotatingProvider();
    const shared = new SharedStore(true);
    shared.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0', accessTokenExpiresAt: nowS() + REFRESH_MARGIN_S + 60 });
    shared.down = true; // it would fail if the store were asked
    const replica = replicaOn(shared, rp);
    expect(await replica.accessTokenFor(replica.request())).toBe('at-0');
    expect(rp.refreshes).toBe(0);
  });

  it('a record read before another replica stored new tokens: the stored ones, no refresh (outcome joined)', async () => {
    const rp = new RotatingProvider();
    const shared = new SharedStore(true);
    const replica = replicaOn(shared, rp);
    const ctx = replica.request();
    shared.setTokens({ accessToken: 'at-9', refreshToken: 'rt-9', accessTokenExpiresAt: nowS() + 600 });
    rp.valid = 'rt-9';
    expect(await replica.accessTokenFor(ctx)).toBe('at-9');
    expect(rp.refreshes).toBe(0);
    expect(replica.outcomes).toEqual(['joined']);
  });

  it('a replica that died holding the lock blocks the session only until the lock expires: then this one refreshes', async () => {
    const rp = new RotatingProvider();
    const shared = new SharedStore(true);
    shared.holdForeign(60);
    const replica = replicaOn(shared, rp);
    expect(await replica.accessTokenFor(replica.request())).toBe('at-1');
    expect(rp.refreshes).toBe(1);
    expect(replica.outcomes).toEqual(['ok']);
  });

  it('a lock held past the wait, tokens unchanged: 502, the refresh token is not spent, the session stays', async () => {
    const rp = new RotatingProvider();
    const shared = new SharedStore(true);
    shared.holdForeign(10_000);
    const replica = replicaOn(shared, rp);
    const result = await settle(replica.accessTokenFor(replica.request()));
    expect(result.ok ? undefined : result.error).toBeInstanceOf(IdentityProviderError);
    expect((result as { error: IdentityProviderError }).error.code).toBe('identity_provider_unavailable');
    expect({ refreshes: rp.refreshes, revoked: rp.revoked, ended: shared.ended, valid: rp.valid }).toEqual({ refreshes: 0, revoked: false, ended: 0, valid: 'rt-0' });
  });

  it('a refusal after another replica rotated the token (its lock expired meanwhile): the stored tokens, the session stays', async () => {
    const rp = new RotatingProvider();
    const shared = new SharedStore(true);
    rp.before = () => {
      // The other replica spent rt-0 and stored its tokens before this refresh reaches the provider.
      rp.before = undefined;
      rp.valid = 'rt-5';
      shared.setTokens({ accessToken: 'at-5', refreshToken: 'rt-5', accessTokenExpiresAt: nowS() + 600 });
    };
    const replica = replicaOn(shared, rp);
    expect(await replica.accessTokenFor(replica.request())).toBe('at-5');
    expect(shared.ended).toBe(0);
    expect(replica.outcomes).toEqual(['joined']);
  });

  it.each([
    ['the provider refuses the refresh', (rp: RotatingProvider) => (rp.valid = 'rt-other')],
    ['the session was ended while waiting (a logout on another replica)', (_rp: RotatingProvider, shared: SharedStore) => {
      shared.holdForeign(10_000);
      setTimeout(() => (shared.record = undefined), 20);
    }],
    ['the session was ended during the provider call: the new tokens do not bring it back', (rp: RotatingProvider, shared: SharedStore) => {
      rp.before = () => void (shared.record = undefined);
    }],
  ])('%s: 401 session_expired', async (_name, arrange) => {
    const rp = new RotatingProvider();
    const shared = new SharedStore(true);
    const replica = replicaOn(shared, rp);
    const ctx = replica.request();
    arrange(rp, shared);
    const result = await settle(replica.accessTokenFor(ctx));
    expect(result.ok ? undefined : result.error).toBeInstanceOf(UnauthenticatedError);
    expect((result as { error: UnauthenticatedError }).error.code).toBe('session_expired');
    expect(shared.record).toBeUndefined();
    expect(replica.outcomes).toEqual(['session_expired']);
  });

  it.each([
    ['the store is down before the lock (503)', (_rp: RotatingProvider, shared: SharedStore) => (shared.down = true), StoreUnavailableError, 0],
    ['the store goes down during the refresh, the write fails (503)', (rp: RotatingProvider, shared: SharedStore) => (rp.before = () => void (shared.down = true)), StoreUnavailableError, 1],
    ['the provider cannot be reached (502)', (rp: RotatingProvider) => (rp.before = () => Promise.reject(new IdentityProviderError('identity_provider_unavailable', 'x'))), IdentityProviderError, 0],
  ])('%s: fails closed, the session stays and is not ended', async (_name, arrange, type, refreshes) => {
    const rp = new RotatingProvider();
    const shared = new SharedStore(true);
    const replica = replicaOn(shared, rp);
    const ctx = replica.request();
    arrange(rp, shared);
    const result = await settle(replica.accessTokenFor(ctx));
    expect(result.ok ? undefined : result.error).toBeInstanceOf(type);
    expect({ refreshes: rp.refreshes, ended: shared.ended, session: shared.record !== undefined }).toEqual({ refreshes, ended: 0, session: true });
    expect(replica.outcomes).toEqual([]);
    if (!shared.down) expect(shared.lock).toBeUndefined(); // released, the next call may refresh
  });
});
