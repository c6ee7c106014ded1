/**
 * Production sign-in in Chromium, against the BFF as `make run` starts it (with its demo OpenID
 * provider): alice and bob sign in through the provider's own login form, see the widgets each
 * may see, and sign out (the provider's logout page included). An ended session leads back
 * through sign-in to the page the user was on. Every request the browser makes must stay on
 * loopback: anything else is aborted and fails the test.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBff, type RunningBff } from './support/bff.js';
import { expectClean, launchChromium, resultPath, watchedPage, type Watched } from './support/browser.js';

let bff: RunningBff;
let browser: Browser;

beforeAll(async () => {
  [bff, browser] = await Promise.all([startBff(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await bff?.stop();
});

interface Guarded {
  context: BrowserContext;
  offLoopback: string[];
}

async function guardedContext(): Promise<Guarded> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const offLoopback: string[] = [];
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === 'localhost' || hostname === '127.0.0.1' || hostname.endsWith('.localhost')) return route.continue();
    offLoopback.push(route.request().url());
    return route.abort();
  });
  return { context, offLoopback };
}

const widgets = (w: Watched) => w.page.locator('[data-testid="slot-dashboard.main"] [data-testid="widget"]');

/** From the shell's sign-in page through the provider's login form, back to the shell. */
async function signInAtProvider(w: Watched, user: string): Promise<void> {
  await w.page.getByTestId('signin-provider').click();
  await w.page.waitForURL((url) => url.origin === bff.issuer);
  await w.page.getByLabel('User name').fill(user);
  await w.page.getByLabel('Password').fill(user);
  await w.page.getByRole('button', { name: 'Sign in' }).click();
  await w.page.waitForURL((url) => url.origin === bff.url);
}

describe('sign-in through the OpenID provider', () => {
  it('alice: the provider login form, back to the page she asked for, every widget; then sign-out at the provider', async () => {
    const { context, offLoopback } = await guardedContext();
    const w = await watchedPage(context);
    await w.page.goto(`${bff.url}/hello`);
    await w.page.waitForURL(`${bff.url}/signin`);
    expect(await w.page.getByTestId('signin-tenant').textContent()).toContain('localhost');
    expect(await w.page.getByTestId('signin-provider').textContent()).toBe('Sign in with Experience demo ID');
    await w.page.screenshot({ path: resultPath('oidc-signin.png') });
    await signInAtProvider(w, 'alice');
    await w.page.waitForURL(`${bff.url}/hello`);
    await w.page.getByTestId('hello-page').waitFor();
    await expect.poll(() => w.page.getByTestId('user').textContent()).toContain('alice');
    expect(await w.page.getByTestId('user').textContent()).toContain('member, dashboard-user');
    // The session cookie is an opaque id, HttpOnly; the page's script cannot see any token.
    expect(await w.page.evaluate(() => document.cookie)).toBe('');
    const cookies = await context.cookies(bff.url);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['exp_session', true, 'Lax']]);
    expect(cookies[0]!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await w.page.goto(`${bff.url}/`);
    await w.page.getByTestId('hello-widget').waitFor();
    await w.page.getByTestId('orders-widget').waitFor();
    expect(await widgets(w).evaluateAll((els) => els.map((e) => e.getAttribute('data-component')))).toEqual(['CrashyWidget', 'HelloWidget', 'OrdersWidget']);
    await w.page.screenshot({ path: resultPath('oidc-alice-dashboard.png'), fullPage: true });

    // Sign out: the BFF session ends, the provider asks to confirm, then the browser is back.
    await w.page.getByTestId('signout').click();
    await w.page.waitForURL((url) => url.origin === bff.issuer);
    await w.page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await w.page.waitForURL(`${bff.url}/signin`);
    expect((await context.request.get(`${bff.url}/auth/session`)).status()).toBe(401);
    // Signed out at the provider too: signing in again shows its login form.
    await w.page.getByTestId('signin-provider').click();
    await w.page.waitForURL((url) => url.origin === bff.issuer);
    await w.page.getByLabel('User name').waitFor();
    expect(offLoopback).toEqual([]);
    expectClean(w);
  });

  it('bob: member only, so the routes but no widget', async () => {
    const { context, offLoopback } = await guardedContext();
    const w = await watchedPage(context);
    await w.page.goto(`${bff.url}/`);
    await w.page.waitForURL(`${bff.url}/signin`);
    await signInAtProvider(w, 'bob');
    await w.page.waitForURL(`${bff.url}/`);
    await expect.poll(() => w.page.getByTestId('user').textContent()).toContain('bob');
    await w.page.getByTestId('slot-empty').waitFor();
    await expect.poll(() => w.page.getByTestId('nav-plugin').count()).toBe(4);
    expect(await widgets(w).count()).toBe(0);
    expect(offLoopback).toEqual([]);
    expectClean(w);
  });

  it('an ended session leads back through sign-in to the page the user was on', async () => {
    const { context, offLoopback } = await guardedContext();
    const w = await watchedPage(context);
    await w.page.goto(`${bff.url}/signin`);
    await signInAtProvider(w, 'alice');
    await w.page.getByTestId('nav').waitFor();
    await w.page.locator('[data-testid="nav-plugin"][data-plugin="hello"]').click();
    await w.page.getByTestId('hello-page').waitFor();
    // The session ends behind the page's back (as an expiry or a back-channel logout would).
    await context.clearCookies({ name: 'exp_session' });
    // A load of /orders, not a click on its nav link: the open page's own calls may meet the 401
    // first and take the shell to sign-in from /hello, detaching the link (a race, 1 run in 5).
    await w.page.goto(`${bff.url}/orders`);
    await w.page.waitForURL(`${bff.url}/signin`);
    // Still signed in at the provider: single sign-on, no form, straight back to /orders.
    await w.page.getByTestId('signin-provider').click();
    await w.page.waitForURL(`${bff.url}/orders`);
    await expect.poll(() => w.page.getByTestId('user').textContent()).toContain('alice');
    expect(offLoopback).toEqual([]);
    expectClean(w);
  });

  it('the development sign-in stays available beside it (development mode)', async () => {
    const { context } = await guardedContext();
    const w = await watchedPage(context);
    await w.page.goto(`${bff.url}/signin`);
    await w.page.getByTestId('signin-provider').waitFor();
    await w.page.getByTestId('signin-bob').click();
    await expect.poll(() => w.page.getByTestId('user').textContent()).toContain('bob');
    expectClean(w);
  });
});
