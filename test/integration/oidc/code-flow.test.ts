/**
 * The authorization code flow against oidc-provider as a real provider on loopback: the whole
 * flow, then each way a sign-in must fail (state, nonce, PKCE verifier, replayed code, provider
 * down), open redirects in returnTo, session fixation, logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from './browser.js';
import { loginAtProvider, signIn, startOidcSetup, type OidcSetup } from './support.js';

let setup: OidcSetup;

beforeAll(async () => {
  setup = await startOidcSetup();
});
afterAll(async () => {
  await setup?.close();
});

const api = (path: string) => `${setup.origin}${path}`;

describe('the code flow', () => {
  it('signs alice in through the provider and lands on returnTo with a fresh session', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(api('/auth/login?returnTo=%2Forders%3Ftab%3Dopen'));
    expect(start.status).toBe(302);
    const authorize = new URL(start.location!);
    expect(authorize.origin).toBe(setup.idp.issuer);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(authorize.searchParams.get('redirect_uri')).toBe(api('/auth/callback'));
    expect(authorize.searchParams.get('scope')).toBe('openid profile groups');
    // state, nonce and verifier are sealed in a cookie, not readable, not in the URL.
    const sealed = browser.cookie(setup.origin, 'exp_session_login');
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/); // JWE compact, dir: empty key part
    expect(sealed).not.toContain(authorize.searchParams.get('state'));

    const callbackUrl = await loginAtProvider(browser, start.location!, 'alice');
    const callback = await browser.request(callbackUrl);
    expect(callback.status).toBe(302);
    expect(callback.location).toBe(api('/orders?tab=open'));
    expect(callback.headers.get('cache-control')).toBe('no-store');
    expect(browser.cookie(setup.origin, 'exp_session_login')).toBeUndefined();

    const session = await fetch(api('/auth/session'), { headers: { cookie: browser.cookieHeader(setup.origin) } });
    expect(await session.json()).toMatchObject({ user: 'alice', roles: ['member', 'dashboard-user'], tenant: 'localhost', provider: 'Demo ID', logoutUrl: '/auth/logout' });
    const manifests = await fetch(api('/api/plugins/manifests'), { headers: { cookie: browser.cookieHeader(setup.origin) } });
    expect(manifests.status).toBe(200);
  });

  it('gives bob (group staff only) the member role', async () => {
    const browser = new TestBrowser();
    const { callback, cookie } = await signIn(browser, setup.origin, 'bob');
    expect(callback.status).toBe(302);
    const session = await fetch(api('/auth/session'), { headers: { cookie } });
    expect(await session.json()).toMatchObject({ user: 'bob', roles: ['member'] });
  });

  it('logs every attempt with its outcome and never a token, code or state', async () => {
    const browser = new TestBrowser();
    const { callbackUrl } = await signIn(browser, setup.origin, 'alice');
    const query = new URL(callbackUrl).searchParams;
    const lines = setup.bff.logs().filter((l) => l['source'] === 'auth');
    expect(lines.some((l) => l['event'] === 'callback' && l['outcome'] === 'ok' && l['user'] === 'alice')).toBe(true);
    const text = setup.bff.logText();
    for (const secret of [query.get('code')!, query.get('state')!, browser.cookie(setup.origin, 'exp_session')!]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/); // no JWT (ID or access token) anywhere
  });
});

describe('a sign-in that must fail', () => {
  async function authorizationFor(browser: TestBrowser, edit?: (url: URL) => void): Promise<string> {
    const start = await browser.request(api('/auth/login'));
    const url = new URL(start.location!);
    edit?.(url);
    return loginAtProvider(browser, url.href, 'alice');
  }

  it('a state that is not the one this browser started: 400 login_state_mismatch, no session', async () => {
    const browser = new TestBrowser();
    const callbackUrl = new URL(await authorizationFor(browser));
    callbackUrl.searchParams.set('state', 'x'.repeat(43));
    const res = await browser.request(callbackUrl.href, { accept: 'application/json' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 'login_state_mismatch', message: expect.any(String) });
    expect(browser.cookie(setup.origin, 'exp_session')).toBeUndefined();
  });

  it('a nonce in the ID token that is not ours (authorization request altered): 400 invalid_id_token', async () => {
    const browser = new TestBrowser();
    const callbackUrl = await authorizationFor(browser, (url) => url.searchParams.set('nonce', 'attacker-chosen-nonce-0123456789'));
    const res = await browser.request(callbackUrl, { accept: 'application/json' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'invalid_id_token' });
    expect(browser.cookie(setup.origin, 'exp_session')).toBeUndefined();
  });

  it('a PKCE challenge the BFF did not make (so its verifier does not match): 400 login_code_rejected', async () => {
    const browser = new TestBrowser();
    const callbackUrl = await authorizationFor(browser, (url) => url.searchParams.set('code_challenge', 'A'.repeat(43)));
    const res = await browser.request(callbackUrl, { accept: 'application/json' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'login_code_rejected' });
  });

  it('a callback replayed with its login cookie: 400 login_state_missing (one use per sign-in)', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(api('/auth/login'));
    const sealed = browser.cookie(setup.origin, 'exp_session_login')!;
    const callbackUrl = await loginAtProvider(browser, start.location!, 'alice');
    expect((await browser.request(callbackUrl)).status).toBe(302);
    const attacker = new TestBrowser();
    attacker.setCookie(setup.origin, 'exp_session_login', sealed);
    const replay = await attacker.request(callbackUrl, { accept: 'application/json' });
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.body)).toMatchObject({ code: 'login_state_missing' });
    expect(attacker.cookie(setup.origin, 'exp_session')).toBeUndefined();
  });

  it('a callback without the login cookie (another browser, or cookies blocked): 400 login_state_missing as a page', async () => {
    const browser = new TestBrowser();
    const callbackUrl = await authorizationFor(browser);
    const other = new TestBrowser();
    const res = await other.request(callbackUrl);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.body).toContain('data-code="login_state_missing"');
    expect(res.body).not.toMatch(/<script|style=/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });

  it('an error answer from the provider (the user refused): 400 login_refused', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(api('/auth/login'));
    const state = new URL(start.location!).searchParams.get('state')!;
    const res = await browser.request(api(`/auth/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(setup.idp.issuer)}`), { accept: 'application/json' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'login_refused' });
  });
});

describe('a replayed authorization code', () => {
  it('is refused by the provider when a second replica (which never saw the state) gets it: 400 login_code_rejected', async () => {
    const two = await startOidcSetup({ replica: true });
    try {
      const browser = new TestBrowser();
      const start = await browser.request(`${two.origin}/auth/login`);
      const sealed = browser.cookie(two.origin, 'exp_session_login')!;
      const callbackUrl = await loginAtProvider(browser, start.location!, 'alice');
      expect((await browser.request(callbackUrl)).status).toBe(302);
      // The attacker has the whole request (cookie and code) and sends it to the other replica.
      const attacker = new TestBrowser();
      attacker.setCookie(two.replica!.origin, 'exp_session_login', sealed);
      const replayed = callbackUrl.replace(two.origin, two.replica!.origin);
      const res = await attacker.request(replayed, { accept: 'application/json' });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'login_code_rejected' });
      expect(attacker.cookie(two.replica!.origin, 'exp_session')).toBeUndefined();
    } finally {
      await two.close();
    }
  });
});

describe('returnTo', () => {
  it.each([
    '//evil.example', '/\\evil.example', 'https://evil.example/', '%2F%2Fevil.example', '/%2F%2Fevil.example', '/%5Cevil.example',
    '/%252F%252Fevil.example', '/.//evil.example', '/%09/evil.example', 'javascript:alert(1)', '/auth/logout', '/%0d%0aSet-Cookie:x=1',
  ])('refuses %j before anything is sent to the provider', async (returnTo) => {
    const browser = new TestBrowser();
    const res = await browser.request(api(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`), { accept: 'application/json' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'invalid_return_to' });
    expect(res.location).toBeUndefined();
    expect(browser.cookie(setup.origin, 'exp_session_login')).toBeUndefined();
  });

  it('a raw //host in the query (not encoded) is refused too', async () => {
    const res = await fetch(api('/auth/login?returnTo=//evil.example'), { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
  });
});

describe('sessions', () => {
  it('a session id planted before sign-in is not the one after it (no fixation), and it stays worthless', async () => {
    // The attacker signs in (dev login) and plants their own session id in the victim's browser.
    const planted = await setup.bff.http().post('/auth/dev/login').set('Host', 'localhost').send({ user: 'mallory', roles: ['member'] });
    const plantedId = /exp_session=([^;]+)/.exec(String(planted.headers['set-cookie']))![1]!;
    const victim = new TestBrowser();
    victim.setCookie(setup.origin, 'exp_session', plantedId);
    const { callback } = await signIn(victim, setup.origin, 'alice');
    expect(callback.status).toBe(302);
    const fresh = victim.cookie(setup.origin, 'exp_session')!;
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(plantedId);
    // The planted id did not become alice's session, and it was ended.
    const asPlanted = await fetch(api('/auth/session'), { headers: { cookie: `exp_session=${plantedId}` } });
    expect(asPlanted.status).toBe(401);
    const asVictim = await fetch(api('/auth/session'), { headers: { cookie: `exp_session=${fresh}` } });
    expect((await asVictim.json()).user).toBe('alice');
  });

  it('logout ends the session and answers the provider logout URL (RP-initiated logout)', async () => {
    const browser = new TestBrowser();
    const { cookie } = await signIn(browser, setup.origin, 'alice');
    const out = await fetch(api('/auth/logout'), { method: 'POST', headers: { cookie, 'x-experience-csrf': '1' } });
    expect(out.status).toBe(200);
    const { logoutUrl } = (await out.json()) as { logoutUrl: string };
    const url = new URL(logoutUrl);
    expect(url.origin).toBe(setup.idp.issuer);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(api('/'));
    expect(url.searchParams.get('client_id')).toBe('bff-localhost');
    expect(url.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    expect(String(out.headers.get('set-cookie'))).toMatch(/exp_session=;/);
    expect((await fetch(api('/auth/session'), { headers: { cookie } })).status).toBe(401);
    // The provider accepts it: its logout page, then back to the BFF.
    const page = await browser.request(logoutUrl);
    expect(page.status).toBe(200);
    expect(page.body).toContain('op.logoutForm');
  });
});

describe('the provider down at sign-in', () => {
  it('down since start-up: /auth/login is a clear 502 page; the rest of the BFF works', async () => {
    const down = await startOidcSetup({ startDown: true });
    try {
      const browser = new TestBrowser();
      const res = await browser.request(`${down.origin}/auth/login?returnTo=%2Forders`);
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.body).toContain('data-code="identity_provider_unavailable"');
      expect(res.body).not.toContain(down.idp.issuer); // no internals on the page
      const json = await browser.request(`${down.origin}/auth/login`, { accept: 'application/json' });
      expect(JSON.parse(json.body)).toEqual({ code: 'identity_provider_unavailable', message: expect.any(String) });
      // Nothing else is affected: health, readiness, the development login, manifests.
      expect((await down.bff.http().get('/healthz')).status).toBe(200);
      expect((await down.bff.http().get('/readyz')).status).toBe(200);
      const dev = await down.bff.http().post('/auth/dev/login').set('Host', 'localhost').send({ user: 'carol', roles: ['member'] });
      expect(dev.status).toBe(204);
      const cookie = String(dev.headers['set-cookie']).split(';')[0]!;
      expect((await down.bff.http().get('/api/plugins/manifests').set('Host', 'localhost').set('Cookie', cookie)).status).toBe(200);
    } finally {
      await down.bff.close();
    }
  });

  it('gone between the login form and the code exchange: the callback is a clear 502 page, no session', async () => {
    const gone = await startOidcSetup();
    try {
      const browser = new TestBrowser();
      const start = await browser.request(`${gone.origin}/auth/login`);
      const callbackUrl = await loginAtProvider(browser, start.location!, 'alice');
      await gone.idp.close();
      const res = await browser.request(callbackUrl);
      expect(res.status).toBe(502);
      expect(res.body).toContain('data-code="identity_provider_unavailable"');
      expect(browser.cookie(gone.origin, 'exp_session')).toBeUndefined();
      expect((await gone.bff.http().get('/healthz')).status).toBe(200);
    } finally {
      await gone.bff.close();
    }
  });
});
