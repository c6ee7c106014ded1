/**
 * Tokens stay on the server. An upstream configured with `forwardAccessToken` gets the user's
 * access token (issued by oidc-provider) as Bearer, refreshed by the BFF before it expires;
 * no other upstream gets it, and the browser never sees it. A refresh the provider refuses ends
 * the session and closes its streams.
 */
import type { StoredToken } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from '../support/sse.js';
import { TestBrowser } from './browser.js';
import { signIn, startOidcSetup, type OidcSetup } from './support.js';

/** /api/orders goes to the recording upstream with the user's token; everything else to UPSTREAM_URL (the same server, without). */
const withTokenUpstream = (text: string, upstreamUrl: string) =>
  text.replace('upstreams:\n', `upstreams:\n  - { prefix: /api/orders, url: "${upstreamUrl}", forwardAccessToken: true }\n`);

const call = (setup: OidcSetup, path: string, cookie: string, plugin: string, headers: Record<string, string> = {}) =>
  fetch(`${setup.origin}${path}`, { headers: { cookie, 'x-plugin-id': plugin, ...headers } });

const bearerOf = (setup: OidcSetup, prefix: string) => {
  const seen = setup.bff.upstream.received.filter((r) => r.url.startsWith(prefix));
  return seen.at(-1)?.headers.authorization;
};

async function userinfo(setup: OidcSetup, authorization: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${setup.idp.issuer}/me`, { headers: { authorization } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('forwarding the access token', () => {
  let setup: OidcSetup;
  beforeAll(async () => {
    setup = await startOidcSetup({ plugins: withTokenUpstream });
  });
  afterAll(async () => {
    await setup?.close();
  });

  it('only the configured upstream gets Bearer <the user\'s token>; the client\'s own Authorization never passes', async () => {
    const { cookie } = await signIn(new TestBrowser(), setup.origin, 'alice');
    setup.bff.upstream.clear();
    const configured = await call(setup, '/api/orders/42', cookie, 'orders', { authorization: 'Bearer forged-by-the-client' });
    expect(configured.status).toBe(200);
    const bearer = bearerOf(setup, '/api/orders/42');
    expect(bearer).toMatch(/^Bearer [A-Za-z0-9_-]{20,}$/);
    expect(bearer).not.toContain('forged-by-the-client');
    // It is alice's real access token at the provider.
    expect(await userinfo(setup, bearer!)).toMatchObject({ sub: 'alice' });

    // The default upstream (UPSTREAM_URL, no forwardAccessToken) gets no token, not even the client's.
    const other = await call(setup, '/api/hello', cookie, 'hello', { authorization: 'Bearer forged-by-the-client' });
    expect(other.status).toBe(200);
    expect(bearerOf(setup, '/api/hello')).toBeUndefined();
  });

  it('the browser never sees a token: not in /auth/session, not in any response header or body', async () => {
    const { cookie, callback } = await signIn(new TestBrowser(), setup.origin, 'bob');
    setup.bff.upstream.clear();
    await call(setup, '/api/orders/1', cookie, 'orders');
    const token = bearerOf(setup, '/api/orders/1')!.slice('Bearer '.length);
    const seen: string[] = [callback.body, JSON.stringify([...callback.headers])];
    for (const path of ['/auth/session', '/api/plugins/manifests']) {
      const res = await fetch(`${setup.origin}${path}`, { headers: { cookie } });
      seen.push(await res.text(), JSON.stringify([...res.headers]));
    }
    const res = await call(setup, '/api/orders/1', cookie, 'orders');
    seen.push(await res.text(), JSON.stringify([...res.headers]));
    for (const text of seen) expect(text).not.toContain(token);
    expect(setup.bff.logText()).not.toContain(token);
  });

  it('a development-login session has no token: the call goes without one', async () => {
    const dev = await setup.bff.http().post('/auth/dev/login').set('Host', 'localhost').send({ user: 'carol', roles: ['member'] });
    const cookie = String(dev.headers['set-cookie']).split(';')[0]!;
    setup.bff.upstream.clear();
    expect((await call(setup, '/api/orders/7', cookie, 'orders')).status).toBe(200);
    expect(bearerOf(setup, '/api/orders/7')).toBeUndefined();
  });
});

describe('refresh', () => {
  let setup: OidcSetup;
  const refreshTokens: StoredToken[] = [];
  beforeAll(async () => {
    // 10 s access tokens: inside the BFF's 30 s refresh margin, so every forwarded call refreshes first.
    setup = await startOidcSetup({ accessTokenTtl: 10, plugins: withTokenUpstream });
    setup.idp.provider.on('refresh_token.saved', (token: StoredToken) => refreshTokens.push(token));
  });
  afterAll(async () => {
    await setup?.close();
  });

  it('refreshes an access token that is about to expire, and forwards the new one', async () => {
    const { cookie } = await signIn(new TestBrowser(), setup.origin, 'alice');
    setup.bff.upstream.clear();
    expect((await call(setup, '/api/orders/1', cookie, 'orders')).status).toBe(200);
    const first = bearerOf(setup, '/api/orders/1')!;
    expect((await call(setup, '/api/orders/2', cookie, 'orders')).status).toBe(200);
    const second = bearerOf(setup, '/api/orders/2')!;
    expect(second).not.toBe(first);
    expect(await userinfo(setup, second)).toMatchObject({ sub: 'alice' });
    const refreshed = setup.bff.logs().filter((l) => l['event'] === 'refresh' && l['outcome'] === 'ok');
    expect(refreshed.length).toBeGreaterThanOrEqual(2);
    // Calls at the same moment all get a valid token.
    const answers = await Promise.all([3, 4, 5, 6].map((n) => call(setup, `/api/orders/${n}`, cookie, 'orders')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
  });

  it('a refresh the provider refuses ends the session: 401 session_expired, its streams close, nothing forwarded', async () => {
    const { cookie } = await signIn(new TestBrowser(), setup.origin, 'bob');
    const stream = await openSse(`${setup.origin}/events/stream?topics=orders`, { cookie, 'x-plugin-id': 'orders' });
    expect(stream.status).toBe(200);
    // The provider revokes every refresh token it issued (as an admin or a password reset would).
    for (const token of refreshTokens.splice(0)) await token.destroy();
    setup.bff.upstream.clear();
    const res = await call(setup, '/api/orders/9', cookie, 'orders');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 'session_expired', message: expect.any(String) });
    expect(setup.bff.upstream.saw('/api/orders/9')).toBe(false);
    await stream.ended(5000);
    expect((await fetch(`${setup.origin}/auth/session`, { headers: { cookie } })).status).toBe(401);
    expect(setup.bff.logs().some((l) => l['event'] === 'refresh' && l['code'] === 'session_expired')).toBe(true);
  });
});
