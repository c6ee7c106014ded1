import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../settings.js';
import { MemorySessionStore } from '../../sessions/memory-store.js';
import type { SessionStore } from '../../sessions/types.js';
import type { BffContext, BffState } from '../../state.js';
import { createSessions } from './index.js';

function app(options: { secure: boolean; cookie: string }) {
  const store = new MemorySessionStore({ max: 100 });
  const sessions = createSessions({ store, cookie: options.cookie, maxAgeSeconds: 3600, idleSeconds: 600, secure: options.secure });
  const koa = new Koa<BffState>();
  koa.use(async (ctx, next) => {
    ctx.state.tenant = ctx.get('x-tenant') || 'localhost';
    ctx.state.log = {};
    await next();
  });
  // The session step, run as the pipeline runs it.
  koa.use(async (ctx, next) => {
    await sessions.read.run(ctx);
    await next();
  });
  koa.use(async (ctx) => {
    if (ctx.path === '/issue') {
      const session = await sessions.issue(ctx, { user: 'alice', roles: ['member', 'member'], provider: { issuer: 'https://idp', sub: 'a1', sid: 'p1' }, tokens: { accessToken: 'at' } });
      ctx.body = session;
    } else if (ctx.path === '/end') {
      ctx.body = { ended: (await sessions.end(ctx))?.sid ?? null };
    } else {
      ctx.body = { session: ctx.state.session, foreign: ctx.state.foreignSession ?? false, tokens: sessions.recordOf(ctx)?.tokens ?? null };
    }
  });
  return { agent: request(koa.callback()), store };
}

const cookieOf = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0] ?? '';

describe('createSessions', () => {
  it('in production the cookie is __Host-: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, only an opaque id', async () => {
    const settings = loadSettings({ NODE_ENV: 'production', UPSTREAM_URL: 'http://127.0.0.1:9', SESSION_KEYS: 'k'.repeat(32) });
    expect(settings.sessionCookie).toBe('__Host-exp_session');
    expect(settings.loginCookie).toBe('__Host-exp_session_login');
    const { agent } = app({ secure: true, cookie: settings.sessionCookie });
    const res = await agent.get('/issue');
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^__Host-exp_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie.toLowerCase()).toContain('; path=/;');
    expect(cookie.toLowerCase()).toContain('; secure');
    expect(cookie.toLowerCase()).toContain('; httponly');
    expect(cookie.toLowerCase()).toContain('; samesite=lax');
    expect(cookie.toLowerCase()).not.toContain('domain=');
    expect(res.headers['set-cookie']).toHaveLength(1); // no .sig cookie
    expect(loadSettings({ NODE_ENV: 'development', UPSTREAM_URL: 'http://127.0.0.1:9' }).sessionCookie).toBe('exp_session');
  });

  it('loads the stored session (roles deduplicated, tokens server-side), refuses it on another tenant, ends it', async () => {
    const { agent, store } = app({ secure: false, cookie: 'exp_session' });
    const issued = await agent.get('/issue');
    const cookie = cookieOf(issued).split(';')[0]!;
    expect(issued.body).toMatchObject({ user: 'alice', roles: ['member'], tenant: 'localhost' });
    expect(JSON.stringify(issued.body)).not.toContain('"at"');
    const read = await agent.get('/').set('Cookie', cookie);
    expect(read.body).toMatchObject({ session: { user: 'alice' }, foreign: false, tokens: { accessToken: 'at' } });
    const foreign = await agent.get('/').set('Cookie', cookie).set('x-tenant', 'acme.localhost');
    expect(foreign.body).toMatchObject({ session: null, foreign: true });
    // The store is keyed by a hash of the id, never the id itself.
    const id = cookie.split('=')[1]!;
    expect(await store.get(id)).toBeUndefined();
    expect(await store.findByProvider({ tenant: 'localhost', issuer: 'https://idp', sid: 'p1' })).toHaveLength(1);
    const ended = await agent.get('/end').set('Cookie', cookie);
    expect(ended.body.ended).toBe(issued.body.sid);
    expect(cookieOf(ended)).toMatch(/^exp_session=;/);
    expect((await agent.get('/').set('Cookie', cookie)).body.session).toBeNull();
  });

  it('a new sign-in ends the session the browser had (no fixation) and issues another id', async () => {
    const { agent } = app({ secure: false, cookie: 'exp_session' });
    const first = cookieOf(await agent.get('/issue')).split(';')[0]!;
    const second = cookieOf(await agent.get('/issue').set('Cookie', first)).split(';')[0]!;
    expect(second).not.toBe(first);
    expect((await agent.get('/').set('Cookie', first)).body.session).toBeNull();
    expect((await agent.get('/').set('Cookie', second)).body.session).toMatchObject({ user: 'alice' });
  });

  it.each(['', 'short', 'A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}=`, `${'A'.repeat(42)}.`])('ignores a malformed id %j without a store lookup', async (value) => {
    const { agent, store } = app({ secure: false, cookie: 'exp_session' });
    let lookups = 0;
    const get = store.get.bind(store);
    const getNow = store.getNow.bind(store);
    store.get = (key) => {
      lookups += 1;
      return get(key);
    };
    store.getNow = (key) => {
      lookups += 1;
      return getNow(key);
    };
    const res = await agent.get('/').set('Cookie', `exp_session=${value}`);
    expect(res.body.session).toBeNull();
    expect(lookups).toBe(0);
  });

  describe('the session step, with a store that answers at once (getNow) and with one that only has get', () => {
    /** The memory store without getNow: what a shared store (Redis) looks like to the step. */
    function asyncOnly(store: MemorySessionStore): SessionStore {
      return {
        get: (key) => store.get(key),
        set: (key, record) => store.set(key, record),
        replace: (key, record) => store.replace(key, record),
        touch: (key, at) => store.touch(key, at),
        delete: (key) => store.delete(key),
        findByProvider: (query) => store.findByProvider(query),
        close: () => store.close(),
      };
    }

    function contextWith(cookie: string, tenant: string): BffContext {
      const req = new IncomingMessage(new Socket());
      req.headers = { cookie };
      const ctx = new Koa<BffState>().createContext(req, new ServerResponse(req)) as unknown as BffContext;
      ctx.state.tenant = tenant;
      ctx.state.log = {};
      return ctx;
    }

    const HOUR = 3600;
    const cases: Array<[string, { createdAgo: number; seenAgo: number; tenant: string; cookie?: string }, { user: string | null; foreign: boolean; kept: boolean }]> = [
      ['a valid session', { createdAgo: 10, seenAgo: 0, tenant: 'localhost' }, { user: 'alice', foreign: false, kept: true }],
      ['one due for an activity write', { createdAgo: 100, seenAgo: 50, tenant: 'localhost' }, { user: 'alice', foreign: false, kept: true }],
      ['one past its absolute end', { createdAgo: HOUR + 1, seenAgo: 0, tenant: 'localhost' }, { user: null, foreign: false, kept: false }],
      ['one idle too long', { createdAgo: 700, seenAgo: 601, tenant: 'localhost' }, { user: null, foreign: false, kept: false }],
      ["another tenant's", { createdAgo: 10, seenAgo: 0, tenant: 'acme.localhost' }, { user: null, foreign: true, kept: true }],
      ['an unknown id', { createdAgo: 10, seenAgo: 0, tenant: 'localhost', cookie: `exp_session=${'B'.repeat(43)}` }, { user: null, foreign: false, kept: true }],
    ];

    it.each(cases)('%s: the same outcome either way', async (_name, given, expected) => {
      for (const shared of [false, true]) {
        const memory = new MemorySessionStore({ max: 10 });
        const sessions = createSessions({ store: shared ? asyncOnly(memory) : memory, cookie: 'exp_session', maxAgeSeconds: HOUR, idleSeconds: 600, secure: false });
        const signIn = contextWith('', given.tenant);
        await sessions.issue(signIn, { user: 'alice', roles: ['member'] });
        const id = ([] as string[]).concat(signIn.res.getHeader('set-cookie') as string[])[0]!.split(';')[0]!;
        const now = Math.floor(Date.now() / 1000);
        const record = sessions.recordOf(signIn)!;
        record.createdAt = now - given.createdAgo;
        record.expiresAt = record.createdAt + HOUR;
        record.lastSeenAt = now - given.seenAgo;
        const ctx = contextWith(given.cookie ?? id, 'localhost');
        await sessions.read.run(ctx);
        expect({ user: ctx.state.session?.user ?? null, foreign: ctx.state.foreignSession ?? false, kept: memory.size === 1 }).toEqual(expected);
        expect(sessions.recordOf(ctx)?.user ?? null).toBe(expected.user);
      }
    });

    it('answers at once (no promise) for a valid session in the memory store, and for no cookie at all', async () => {
      const store = new MemorySessionStore({ max: 10 });
      const sessions = createSessions({ store, cookie: 'exp_session', maxAgeSeconds: HOUR, idleSeconds: 600, secure: false });
      const signIn = contextWith('', 'localhost');
      await sessions.issue(signIn, { user: 'alice', roles: ['member'] });
      const id = ([] as string[]).concat(signIn.res.getHeader('set-cookie') as string[])[0]!.split(';')[0]!;
      const ctx = contextWith(id, 'localhost');
      expect(sessions.read.run(ctx)).toBeUndefined();
      expect(ctx.state.session?.user).toBe('alice');
      expect(sessions.read.run(contextWith('', 'localhost'))).toBeUndefined();
      // With a store that only has get, the step waits for it.
      const shared = createSessions({ store: asyncOnly(store), cookie: 'exp_session', maxAgeSeconds: HOUR, idleSeconds: 600, secure: false });
      const waiting = contextWith(id, 'localhost');
      const pending = shared.read.run(waiting);
      expect(pending).toBeInstanceOf(Promise);
      await pending;
      expect(waiting.state.session?.user).toBe('alice');
    });
  });
});

describe('createSessions: every end is announced (streams close, on every replica)', () => {
  function announcing() {
    const store = new MemorySessionStore({ max: 100 });
    const ended: string[] = [];
    const sessions = createSessions({ store, cookie: 'exp_session', maxAgeSeconds: 3600, idleSeconds: 60, secure: false, onEnded: (r) => ended.push(r.sid) });
    const koa = new Koa<BffState>();
    koa.use(async (ctx, next) => {
      ctx.state.tenant = 'localhost';
      ctx.state.log = {};
      await next();
    });
    // The session step, run as the pipeline runs it.
    koa.use(async (ctx, next) => {
      await sessions.read.run(ctx);
      await next();
    });
    koa.use(async (ctx) => {
      if (ctx.path === '/issue') ctx.body = await sessions.issue(ctx, { user: 'alice', roles: [], provider: { issuer: 'https://idp', sub: 'a1', sid: 'p1' } });
      else if (ctx.path === '/end') ctx.body = { ended: (await sessions.end(ctx))?.sid ?? null };
      else ctx.body = { session: ctx.state.session };
    });
    return { agent: request(koa.callback()), store, sessions, ended };
  }

  const ENDS: Array<[string, (t: ReturnType<typeof announcing>, cookie: string) => Promise<unknown>]> = [
    ['logout', (t, cookie) => t.agent.get('/end').set('Cookie', cookie)],
    ['a new sign-in in the same browser', (t, cookie) => t.agent.get('/issue').set('Cookie', cookie)],
    ['the idle timeout, seen at the next request', async (t, cookie) => {
      const [key] = await t.store.findByProvider({ tenant: 'localhost', issuer: 'https://idp', sid: 'p1' });
      await t.store.touch(key!, Math.floor(Date.now() / 1000) - 3600);
      return t.agent.get('/').set('Cookie', cookie);
    }],
    ['revoke (back-channel logout)', async (t) => {
      const [key] = await t.store.findByProvider({ tenant: 'localhost', issuer: 'https://idp', sid: 'p1' });
      return t.sessions.revoke(key!);
    }],
  ];

  it.each(ENDS)('%s', async (_what, end) => {
    const t = announcing();
    const issued = await t.agent.get('/issue');
    const cookie = cookieOf(issued).split(';')[0]!;
    await end(t, cookie);
    expect(t.ended).toEqual([issued.body.sid]);
    expect((await t.agent.get('/').set('Cookie', cookie)).body.session).toBeNull();
    expect(t.ended).toHaveLength(1); // once
  });

  it('nothing is announced for a session that did not exist', async () => {
    const t = announcing();
    await t.agent.get('/end').set('Cookie', `exp_session=${'A'.repeat(43)}`);
    expect(await t.sessions.revoke('no-such-key')).toBeUndefined();
    expect(t.ended).toEqual([]);
  });
});
