import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { IdentityState, LoginTransaction, RelyingParty } from '../../identity/index.js';
import { EMPTY_IDENTITY } from '../../identity/index.js';
import type { AppDeps } from '../deps.js';
import { createSessions } from '../middleware/session/index.js';
import { MemorySessionStore } from '../sessions/memory-store.js';
import { MemoryReplayGuard } from '../sessions/replay.js';
import { testContext, testSnapshot, type RequestSpec } from '../testing/context.js';
import { createOidcRoutes } from './oidc.js';

const TRANSACTION: LoginTransaction = { state: 'st-1', nonce: 'n-1', codeVerifier: 'v-1', redirectUri: 'http://localhost/auth/callback' };

/** A relying party that answers as a provider would, and records what the routes asked. */
function fakeRelyingParty(fingerprint = 'fp-1') {
  const asked: string[] = [];
  const rp = {
    tenant: 'localhost',
    provider: { issuer: 'https://idp.test' },
    fingerprint,
    async beginSignIn(redirectUri: string) {
      asked.push(`begin ${redirectUri}`);
      return { url: new URL('https://idp.test/authorize?state=st-1'), transaction: TRANSACTION };
    },
    async completeSignIn(query: URLSearchParams, transaction: LoginTransaction) {
      asked.push(`complete ${query.get('code')} ${transaction.state}`);
      return { user: 'alice', roles: ['member'], sub: 'sub-alice', providerSid: 'idp-sid-1', tokens: { accessToken: 'at' } };
    },
    async verifyLogoutToken(token: string) {
      asked.push(`logout ${token}`);
      return { issuer: 'https://idp.test', jti: `jti-${token}`, sid: 'idp-sid-1' };
    },
  };
  return { rp: rp as unknown as RelyingParty, asked };
}

function setup(rp?: RelyingParty) {
  const store = new MemorySessionStore({ max: 10 });
  const closed: string[] = [];
  const deps = {
    settings: { mode: 'test', loginCookie: 'xp_login', sessionKeys: ['unit-test-login-key-0123456789abcdef'], secureCookies: false },
    // As createApp wires it: every end the session layer makes closes the session's streams.
    sessions: createSessions({ store, cookie: 'xp_session', maxAgeSeconds: 60, idleSeconds: 30, secure: false, onEnded: (record) => closed.push(record.sid) }),
    replay: new MemoryReplayGuard(),
    metrics: { authEvents: { inc: () => undefined } },
    logger: pino({ enabled: false }),
  } as unknown as AppDeps;
  const identity: IdentityState = rp ? { ...EMPTY_IDENTITY, providers: new Map([['localhost', rp]]) } : EMPTY_IDENTITY;
  const context = (spec: RequestSpec) => {
    const ctx = testContext(spec);
    ctx.state.tenant = 'localhost';
    ctx.state.snapshot = { ...testSnapshot(), identity };
    return ctx;
  };
  return { routes: createOidcRoutes(deps), context, store, closed };
}

const next = async () => undefined;

function cookieHeader(setCookie: unknown): string {
  return (Array.isArray(setCookie) ? setCookie : [String(setCookie)]).map((c: string) => c.split(';')[0]).join('; ');
}

describe('createOidcRoutes: login', () => {
  it('redirects to the provider with a sealed sign-in cookie, no-store', async () => {
    const { rp, asked } = fakeRelyingParty();
    const { routes, context } = setup(rp);
    const ctx = context({ url: '/auth/login?returnTo=/orders' });
    await routes.login(ctx, next);
    expect(ctx.status).toBe(302);
    expect(ctx.response.get('Location')).toBe('https://idp.test/authorize?state=st-1');
    expect(ctx.response.get('Cache-Control')).toBe('no-store');
    expect(String(ctx.res.getHeader('set-cookie'))).toMatch(/xp_login=.*httponly/i);
    expect(asked).toEqual(['begin http://localhost/auth/callback']);
    expect(ctx.state.errorPage).toBe(true);
  });

  it.each(['https://evil.test/', '//evil.test/', 'orders', '/\\evil.test'])('refuses returnTo %s before asking the provider', async (returnTo) => {
    const { rp, asked } = fakeRelyingParty();
    const { routes, context } = setup(rp);
    const ctx = context({ url: `/auth/login?returnTo=${encodeURIComponent(returnTo)}` });
    await expect(routes.login(ctx, next)).rejects.toMatchObject({ code: 'invalid_return_to' });
    expect(asked).toEqual([]);
    expect(ctx.res.getHeader('set-cookie')).toBeUndefined();
  });

  it('is a 404 no_identity_provider on a tenant without a provider', async () => {
    const { routes, context } = setup();
    await expect(routes.login(context({ url: '/auth/login' }), next)).rejects.toMatchObject({ code: 'no_identity_provider' });
  });
});

describe('createOidcRoutes: callback', () => {
  async function begin(rp: RelyingParty) {
    const app = setup(rp);
    const login = app.context({ url: '/auth/login?returnTo=/orders' });
    await app.routes.login(login, next);
    return { ...app, cookie: cookieHeader(login.res.getHeader('set-cookie')) };
  }

  it('completes the sign-in once: a new session, 302 to returnTo', async () => {
    const { rp, asked } = fakeRelyingParty();
    const { routes, context, cookie, store } = await begin(rp);
    const ctx = context({ url: '/auth/callback?code=c-1&state=st-1', headers: { cookie } });
    await routes.callback(ctx, next);
    expect(ctx.status).toBe(302);
    expect(ctx.response.get('Location')).toBe('/orders');
    expect(asked).toContain('complete c-1 st-1');
    expect(ctx.state.session).toMatchObject({ user: 'alice', roles: ['member'], tenant: 'localhost' });
    expect(await store.findByProvider({ tenant: 'localhost', issuer: 'https://idp.test', sid: 'idp-sid-1' })).toHaveLength(1);

    const replay = context({ url: '/auth/callback?code=c-1&state=st-1', headers: { cookie } });
    await expect(routes.callback(replay, next)).rejects.toMatchObject({ code: 'login_state_missing' });
  });

  it('refuses a callback without the sign-in cookie, and one whose provider changed meanwhile', async () => {
    const { rp } = fakeRelyingParty('fp-1');
    const { routes, context } = setup(rp);
    await expect(routes.callback(context({ url: '/auth/callback?code=c&state=st-1' }), next)).rejects.toMatchObject({ code: 'login_state_missing' });

    const started = await begin(rp);
    const { rp: changed } = fakeRelyingParty('fp-2');
    const after = setup(changed);
    // Same keys, so the cookie opens; the relying party it was started with is gone.
    const ctx = after.context({ url: '/auth/callback?code=c&state=st-1', headers: { cookie: started.cookie } });
    await expect(after.routes.callback(ctx, next)).rejects.toMatchObject({ code: 'login_state_missing' });
  });
});

describe('createOidcRoutes: back-channel logout', () => {
  function form(body: string): RequestSpec {
    return { method: 'POST', url: '/auth/backchannel-logout', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } };
  }

  function post(app: ReturnType<typeof setup>, body: string) {
    const ctx = app.context(form(body));
    ctx.req.push(Buffer.from(body));
    ctx.req.push(null);
    return ctx;
  }

  it('ends the sessions the token names, closes their streams, and acts on a jti once', async () => {
    const { rp, asked } = fakeRelyingParty();
    const app = setup(rp);
    const login = app.context({ url: '/auth/login' });
    await app.routes.login(login, next);
    const callback = app.context({ url: '/auth/callback?code=c&state=st-1', headers: { cookie: cookieHeader(login.res.getHeader('set-cookie')) } });
    await app.routes.callback(callback, next);
    const sid = callback.state.session?.sid;

    const ctx = post(app, 'logout_token=t1');
    await app.routes.backchannelLogout(ctx, next);
    expect(ctx.status).toBe(200);
    expect(asked).toContain('logout t1');
    expect(app.closed).toEqual([sid]);
    expect(await app.store.findByProvider({ tenant: 'localhost', issuer: 'https://idp.test', sid: 'idp-sid-1' })).toEqual([]);

    await expect(app.routes.backchannelLogout(post(app, 'logout_token=t1'), next)).rejects.toMatchObject({ code: 'invalid_logout_token' });
  });

  it('refuses a form without logout_token', async () => {
    const { rp, asked } = fakeRelyingParty();
    const app = setup(rp);
    await expect(app.routes.backchannelLogout(post(app, 'other=1'), next)).rejects.toMatchObject({ code: 'invalid_logout_token' });
    expect(asked).toEqual([]);
  });
});
