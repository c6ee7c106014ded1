/**
 * The Experience shell in Chromium against the BFF as `make run` starts it: sign-in, the
 * dashboard's widget slot per user, the hello route, isolation of a crashing plugin, the second
 * tenant, and a page that logs no CSP violation and no uncaught error.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBff, type RunningBff } from './support/bff.js';
import { expectClean, launchChromium, resultPath, signIn, watchedPage, type Watched } from './support/browser.js';

let bff: RunningBff;
let browser: Browser;

beforeAll(async () => {
  [bff, browser] = await Promise.all([startBff(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await bff?.stop();
});

function newContext(): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 860 } });
}

async function asUser(user: string, roles: string[], path = '/'): Promise<Watched> {
  const context = await newContext();
  await signIn(context, bff.url, user, roles);
  const w = await watchedPage(context);
  await w.page.goto(bff.url + path);
  return w;
}

const widgets = (w: Watched) => w.page.locator('[data-testid="slot-dashboard.main"] [data-testid="widget"]');

describe('the Experience shell', () => {
  it('serves index.html with the strict CSP and nothing inline', async () => {
    const res = await fetch(`${bff.url}/hello`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-(inline|eval)/);
    expect(html).not.toMatch(/<style|style=|<script(?![^>]*\bsrc=)/);
    expect(html).toMatch(/<script type="module" src="\/assets\/app\/main-[A-Z0-9]+\.js"><\/script>/);
  });

  it('signs in through the development provider and lands on the dashboard', async () => {
    const context = await newContext();
    const w = await watchedPage(context);
    await w.page.goto(`${bff.url}/hello`);
    await w.page.waitForURL(`${bff.url}/signin`);
    await w.page.getByTestId('signin-alice').click();
    await w.page.waitForURL(`${bff.url}/hello`);
    await expect.poll(() => w.page.getByTestId('user').textContent()).toContain('alice');
    await w.page.getByTestId('hello-page').waitFor();
    // And out again: the session is gone, the shell is back at the sign-in page.
    await w.page.getByTestId('signout').click();
    await w.page.waitForURL(`${bff.url}/signin`);
    expect((await context.request.get(`${bff.url}/auth/session`)).status()).toBe(401);
    expectClean(w);
  });

  it("shows alice the widgets in dashboard.main and the routes she may see; saves a screenshot", async () => {
    const w = await asUser('alice', ['member', 'dashboard-user']);
    await w.page.getByTestId('hello-widget').waitFor();
    await w.page.getByTestId('orders-widget').waitFor();
    await w.page.locator('[data-testid="widget"][data-plugin="crashy"] [data-testid="plugin-error"]').waitFor();
    await expect.poll(() => w.page.getByTestId('orders-open').textContent()).toMatch(/^\d+$/);
    expect(await widgets(w).evaluateAll((els) => els.map((e) => e.getAttribute('data-component')))).toEqual(
      ['CrashyWidget', 'HelloWidget', 'OrdersWidget'],
    );
    const nav = await w.page.getByTestId('nav-plugin').evaluateAll((els) => els.map((e) => e.getAttribute('data-plugin')));
    expect(nav).toEqual(['crashy', 'hello', 'orders', 'sneaky']); // legacy is incompatible: never listed
    await w.page.screenshot({ path: resultPath('dashboard.png'), fullPage: true });
    expectClean(w);
  });

  it('shows bob (no dashboard-user role) the routes but no widget', async () => {
    const w = await asUser('bob', ['member']);
    await w.page.getByTestId('slot-empty').waitFor();
    await expect.poll(() => w.page.getByTestId('slot-empty').textContent()).toContain('Nothing to show here yet: your account has no dashboard widgets.');
    expect(await widgets(w).count()).toBe(0);
    expect(await w.page.getByTestId('hello-widget').count()).toBe(0);
    expect(await w.page.getByTestId('nav-plugin').count()).toBe(4);
    expectClean(w);
  });

  it('renders the hello plugin at /hello, with data from its allowed API', async () => {
    const w = await asUser('alice', ['member', 'dashboard-user'], '/hello');
    await w.page.getByTestId('hello-page').waitFor();
    await expect.poll(() => w.page.getByTestId('hello-greeting').textContent()).toContain('Hello, alice!');
    expectClean(w);
  });

  it('isolates a plugin that throws: its route shows an error panel, reported through telemetry; the shell keeps working', async () => {
    const w = await asUser('alice', ['member', 'dashboard-user'], '/');
    await w.page.getByTestId('hello-widget').waitFor();
    const telemetry = w.page.waitForRequest((r) => r.url().endsWith('/api/telemetry') && (r.postData() ?? '').includes('plugin.render_failed'));
    await w.page.locator('[data-testid="nav-plugin"][data-plugin="crashy"]').click();
    const panel = w.page.locator('[data-testid="plugin-page"][data-plugin="crashy"] [data-testid="plugin-error"]');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('crashy');
    const sent = JSON.parse((await telemetry).postData() ?? '{}') as { events: Array<{ plugin: string; name: string }> };
    expect(sent.events).toContainEqual(expect.objectContaining({ plugin: 'crashy', name: 'plugin.render_failed' }));
    // The rest keeps working: client-side navigation to another plugin.
    await w.page.locator('[data-testid="nav-plugin"][data-plugin="hello"]').click();
    await expect.poll(() => w.page.getByTestId('hello-greeting').textContent()).toContain('Hello, alice!');
    expectClean(w);
  });

  it('isolates a bundle that fails to load and a component the bundle lacks; the other plugins keep working', async () => {
    const context = await newContext();
    await signIn(context, bff.url, 'alice', ['member', 'dashboard-user']);
    // The orders bundle fails (503); the manifest names a hello widget the bundle does not export.
    await context.route('**/api/plugins/bundle?entry=orders*', (route) => route.fulfill({ status: 503, body: 'down' }));
    await context.route('**/api/plugins/manifests', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { plugins: Array<{ id: string; contributions: { widgets: Array<{ component: string }> } }> };
      for (const p of body.plugins) if (p.id === 'hello') for (const wd of p.contributions.widgets) wd.component = 'NoSuchWidget';
      await route.fulfill({ response: res, json: body, headers: { ...res.headers(), etag: '"e2e-modified"' } });
    });
    const w = await watchedPage(context);
    await w.page.goto(`${bff.url}/`);
    const errorIn = (plugin: string) => w.page.locator(`[data-testid="widget"][data-plugin="${plugin}"] [data-testid="plugin-error"]`);
    await errorIn('hello').waitFor();
    await errorIn('orders').waitFor();
    expect(await errorIn('hello').textContent()).toContain('does not export a component "NoSuchWidget"');
    expect(await errorIn('orders').textContent()).toContain('bundle_load_failed');
    // The orders route shows the same error panel; the hello route (its component exists) still renders.
    await w.page.locator('[data-testid="nav-plugin"][data-plugin="orders"]').click();
    await w.page.locator('[data-testid="plugin-page"][data-plugin="orders"] [data-testid="plugin-error"]').waitFor();
    await w.page.locator('[data-testid="nav-plugin"][data-plugin="hello"]').click();
    await expect.poll(() => w.page.getByTestId('hello-greeting').textContent()).toContain('Hello, alice!');
    expectClean(w);
  });

  it('gives the second tenant (acme.localhost) only its hello plugin', async () => {
    // Chromium resolves *.localhost to loopback (Node does not), so this sign-in goes through the page.
    const base = bff.url.replace('localhost', 'acme.localhost');
    const w = await watchedPage(await newContext());
    await w.page.goto(`${base}/signin`);
    await w.page.getByTestId('signin-bob').click();
    await w.page.getByTestId('nav').waitFor();
    await expect.poll(() => w.page.getByTestId('user').textContent()).toContain('bob');
    await expect.poll(() => w.page.getByTestId('nav-plugin').evaluateAll((els) => els.map((e) => e.getAttribute('data-plugin')))).toEqual(['hello']);
    expect(await w.page.locator('.topbar__tenant').textContent()).toBe('acme.localhost');
    expectClean(w);
  });

  it('leaves the BFF prefixes to the BFF: an unknown /api/ path is the BFF answering, not the shell', async () => {
    const res = await fetch(`${bff.url}/api/nothing-here`);
    expect(res.headers.get('content-type') ?? '').toMatch(/json/);
    const page = await fetch(`${bff.url}/no-such-page`);
    expect(await page.text()).toContain('<div id="root">');
  });
});
