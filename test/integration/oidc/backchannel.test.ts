/**
 * OpenID Connect Back-Channel Logout 1.0. First with oidc-provider as the real provider: a
 * logout at the provider (from the other tenant) ends the BFF sessions of that provider
 * session and closes their SSE streams at once. Then every way a logout_token must be refused,
 * with tokens from fake-token-endpoint (a correct provider never sends those).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISH_TOKEN, startBff, type TestBff } from '../support/bff.js';
import { openSse } from '../support/sse.js';
import { TestBrowser, formOf } from './browser.js';
import { startFakeTokenEndpoint, type FakeTokenEndpoint } from './fake-token-endpoint.js';
import { identityYaml, signIn, startOidcSetup, type OidcSetup } from './support.js';

describe('with oidc-provider: a logout at the provider', () => {
  let setup: OidcSetup;
  beforeAll(async () => {
    setup = await startOidcSetup({ acmeClient: true });
  });
  afterAll(async () => {
    await setup?.close();
  });

  it('ends the sessions of that provider session on the other tenant, and closes their streams at once', async () => {
    const browser = new TestBrowser();
    const home = await signIn(browser, setup.origin, 'alice');
    expect(home.callback.status).toBe(302);
    // A second BFF session on the same tenant, same provider session (single sign-on: no form).
    const second = new TestBrowser();
    for (const [host, jar] of browser.jar) if (host === '127.0.0.1') second.jar.set(host, new Map(jar));
    const again = await signIn(second, setup.origin, 'alice');
    expect(again.callback.status).toBe(302);
    expect(again.cookie).not.toBe(home.cookie);
    // An unrelated user's session must survive.
    const bob = await signIn(new TestBrowser(), setup.origin, 'bob');

    const stream = await openSse(`${setup.origin}/events/stream?topics=orders`, { cookie: home.cookie, 'x-plugin-id': 'orders' });
    expect(stream.status).toBe(200);

    // Alice signs in on acme.localhost too, then signs out there: the provider ends its session
    // and calls every client's back-channel logout URI, localhost's included.
    const acme = await signIn(browser, setup.acmeOrigin, 'alice');
    expect(acme.callback.status).toBe(302);
    const out = await browser.request(`${setup.acmeOrigin}/auth/logout`, { method: 'POST', headers: { 'x-experience-csrf': '1' }, accept: 'application/json' });
    expect(out.status).toBe(200);
    const { logoutUrl } = JSON.parse(out.body) as { logoutUrl: string };
    const confirm = await browser.request(logoutUrl);
    const form = formOf(confirm.body, confirm.url);
    const done = await browser.request(form.action, { form: { ...form.fields, logout: 'yes' } });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${setup.acmeOrigin}/`);

    await stream.ended(5000);
    for (const cookie of [home.cookie, again.cookie]) {
      expect((await fetch(`${setup.origin}/auth/session`, { headers: { cookie } })).status).toBe(401);
    }
    expect((await fetch(`${setup.origin}/auth/session`, { headers: { cookie: bob.cookie } })).status).toBe(200);
    const line = setup.bff.logs().find((l) => l['event'] === 'backchannel_logout' && l['tenant'] === 'localhost');
    expect(line).toMatchObject({ outcome: 'ok', ended: 2, by: 'sid' });
  });
});

describe('logout_token checks (fake-token-endpoint)', () => {
  let fake: FakeTokenEndpoint;
  let bff: TestBff;

  beforeAll(async () => {
    fake = await startFakeTokenEndpoint({ clientId: 'bff-fake' });
    fake.idToken = (r) => fake.sign(r, { sid: 'provider-session-1' });
    bff = await startBff({ FAKE_SECRET: fake.clientSecret }, {}, { identity: identityYaml({ tenant: 'localhost', issuer: fake.issuer, clientId: 'bff-fake', secretEnv: 'FAKE_SECRET' }) });
  });
  afterAll(async () => {
    await bff?.close();
    await fake?.close();
  });

  async function session(): Promise<string> {
    const browser = new TestBrowser();
    const start = await browser.request(`${bff.url}/auth/login`);
    const { stoppedAt } = await browser.follow(start.location!, (next) => next.includes('/auth/callback'));
    expect((await browser.request(stoppedAt!)).status).toBe(302);
    return browser.cookieHeader(bff.url);
  }

  const alive = async (cookie: string) => (await fetch(`${bff.url}/auth/session`, { headers: { cookie } })).status === 200;
  const post = (body: string, type = 'application/x-www-form-urlencoded', headers: Record<string, string> = {}) =>
    fetch(`${bff.url}/auth/backchannel-logout`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
  const form = (token: string) => new URLSearchParams({ logout_token: token }).toString();
  const now = () => Math.floor(Date.now() / 1000);
  const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

  const REFUSED: Array<[string, () => Promise<string>]> = [
    ['a wrong issuer', () => fake.logoutToken({ iss: 'https://evil.example' })],
    ['a wrong audience', () => fake.logoutToken({ aud: 'another-client' })],
    ['an iat ten minutes old', () => fake.logoutToken({ iat: now() - 600 })],
    ['an iat in the future', () => fake.logoutToken({ iat: now() + 600 })],
    ['no iat', () => fake.logoutToken({ iat: undefined })],
    ['no events claim', () => fake.logoutToken({ events: undefined })],
    ['events without the back-channel logout event', () => fake.logoutToken({ events: { 'http://schemas.openid.net/event/other': {} } })],
    ['the event as a string', () => fake.logoutToken({ events: { [EVENT]: 'yes' } })],
    ['a nonce (it would be an ID token)', () => fake.logoutToken({ nonce: 'n' })],
    ['neither sid nor sub', () => fake.logoutToken({ sid: undefined, sub: undefined })],
    ['no jti', () => fake.logoutToken({ jti: undefined })],
    ['typ JWT (an ID token, not a logout token)', () => fake.logoutToken({}, { typ: 'JWT' })],
    ['signed with a key that is not in the JWKS', () => fake.logoutToken({}, { key: 'unknown' })],
    ['unsigned (alg none)', async () => {
      const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return `${enc({ alg: 'none', typ: 'logout+jwt' })}.${enc({ iss: fake.issuer, aud: 'bff-fake', iat: now(), jti: 'x1', sid: 'provider-session-1', events: { [EVENT]: {} } })}.`;
    }],
    ['not a JWT at all', async () => 'not-a-jwt'],
  ];

  it.each(REFUSED)('refuses %s: 400 invalid_logout_token, the session stays', async (_what, make) => {
    const cookie = await session();
    const res = await post(form(await make()));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 'invalid_logout_token', message: expect.any(String) });
    expect(await alive(cookie)).toBe(true);
  });

  it('refuses a body that is not a form (415) or has no logout_token (400)', async () => {
    expect((await post(JSON.stringify({ logout_token: await fake.logoutToken() }), 'application/json')).status).toBe(415);
    expect((await post('other=1')).status).toBe(400);
  });

  it('a valid token by sid ends the session (no CSRF header needed: server-to-server); the same token again is refused (jti)', async () => {
    const cookie = await session();
    const token = await fake.logoutToken({ sub: undefined });
    const res = await post(form(token), undefined, { origin: 'https://idp.example', 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await alive(cookie)).toBe(false);
    const replay = await post(form(token));
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: 'invalid_logout_token' });
  });

  it('a token with sub only ends every session of that user; another user is untouched', async () => {
    const one = await session();
    const two = await session();
    fake.idToken = (r) => fake.sign(r, { sub: 'user-2', preferred_username: 'bob', sid: 'provider-session-9' });
    const other = await session();
    fake.idToken = (r) => fake.sign(r, { sid: 'provider-session-1' });
    const res = await post(form(await fake.logoutToken({ sid: undefined })));
    expect(res.status).toBe(200);
    expect([await alive(one), await alive(two), await alive(other)]).toEqual([false, false, true]);
  });

  it('a sid of another user does not end this user\'s sessions (sid and sub must agree)', async () => {
    const cookie = await session();
    const res = await post(form(await fake.logoutToken({ sub: 'user-2' })));
    expect(res.status).toBe(200);
    expect(await alive(cookie)).toBe(true);
  });

  it('the publish endpoint stays exempt from the CSRF rule too (bearer token, no browser)', async () => {
    const res = await fetch(`${bff.url}/events/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PUBLISH_TOKEN}`, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ tenant: 'localhost', topic: 'orders.updated', data: {} }),
    });
    expect(res.status).toBe(202);
  });
});
