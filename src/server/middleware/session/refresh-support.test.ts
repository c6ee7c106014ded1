/**
 * What the token refresh needs of the session layer: the stored record read again (another
 * replica may have changed it), and the store's refresh lock on this request's session.
 */
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../sessions/memory-store.js';
import type { HeldLock, RefreshLocks, SessionStore } from '../../sessions/types.js';
import { testContext } from '../../testing/context.js';
import { createSessions } from './index.js';

/** A store with refresh locks (as the Redis one has), records in memory. */
class LockingStore extends MemorySessionStore {
  constructor(readonly refreshLocks: RefreshLocks) {
    super({ max: 10 });
  }
}

function setup(locks?: RefreshLocks) {
  const store: SessionStore = locks ? new LockingStore(locks) : new MemorySessionStore({ max: 10 });
  const sessions = createSessions({ store, cookie: 'exp_session', maxAgeSeconds: 3600, idleSeconds: 600, secure: false });
  async function signedIn() {
    const first = testContext();
    first.state.tenant = 'localhost';
    await sessions.issue(first, { user: 'alice', roles: ['member'], provider: { issuer: 'https://idp', sub: 'a1' }, tokens: { accessToken: 'at-0', refreshToken: 'rt-0' } });
    const cookie = String(first.response.get('set-cookie')).split(';')[0]!;
    const ctx = testContext({ headers: { cookie } });
    ctx.state.tenant = 'localhost';
    await sessions.read.run(ctx);
    const [key] = await store.findByProvider({ tenant: 'localhost', issuer: 'https://idp', sub: 'a1' });
    return { ctx, key: key! };
  }
  return { store, sessions, signedIn };
}

describe('createSessions: reread and lockRefresh', () => {
  it('reread answers the record the store holds now (recordOf follows), and undefined once it is gone', async () => {
    const { store, sessions, signedIn } = setup();
    const { ctx, key } = await signedIn();
    const loaded = sessions.recordOf(ctx)!;
    await store.set(key, { ...loaded, tokens: { accessToken: 'at-1', refreshToken: 'rt-1' } });
    expect(sessions.recordOf(ctx)?.tokens?.accessToken).toBe('at-0');
    expect((await sessions.reread(ctx))?.tokens).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(sessions.recordOf(ctx)?.tokens?.accessToken).toBe('at-1');
    await store.delete(key);
    expect(await sessions.reread(ctx)).toBeUndefined();
  });

  it('a store of one process has no refresh lock: a lock that guards nothing, every time', async () => {
    const { sessions, signedIn } = setup();
    const { ctx } = await signedIn();
    const [a, b] = [await sessions.lockRefresh(ctx, 1000), await sessions.lockRefresh(ctx, 1000)];
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    await a!.release();
  });

  it("a shared store's lock is taken for this request's session key, with the TTL asked; its answer is passed on", async () => {
    const asked: Array<[string, number]> = [];
    let free = true;
    const held: HeldLock = { release: async () => undefined };
    const { sessions, signedIn } = setup({
      acquire: async (key, ttlMs) => {
        asked.push([key, ttlMs]);
        return free ? held : undefined;
      },
    });
    const { ctx, key } = await signedIn();
    expect(await sessions.lockRefresh(ctx, 1234)).toBe(held);
    free = false;
    expect(await sessions.lockRefresh(ctx, 1234)).toBeUndefined();
    expect(asked).toEqual([[key, 1234], [key, 1234]]);
  });

  it('without a loaded session there is nothing to lock: unauthenticated', async () => {
    const { sessions } = setup();
    const ctx = testContext();
    ctx.state.tenant = 'localhost';
    await sessions.read.run(ctx);
    await expect(sessions.lockRefresh(ctx, 1000)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(await sessions.reread(ctx)).toBeUndefined();
  });
});
