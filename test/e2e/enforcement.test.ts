/**
 * BFF enforcement as the browser sees it: a request without X-Plugin-Id is refused, the orders
 * plugin gets live SSE events on its declared topic, and the sneaky plugin's violations are 403
 * while its own features and the rest of the page keep working.
 */
import type { Browser, BrowserContext, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBff, type RunningBff } from './support/bff.js';
import { expectClean, launchChromium, resultPath, signIn, watchedPage } from './support/browser.js';

let bff: RunningBff;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [bff, browser] = await Promise.all([startBff(), launchChromium()]);
  context = await browser.newContext();
  await signIn(context, bff.url, 'alice', ['member', 'dashboard-user']);
});

afterAll(async () => {
  await browser?.close();
  await bff?.stop();
});

describe('BFF enforcement seen from the browser', () => {
  it('refuses a plugin API request without X-Plugin-Id (403), allows it with', async () => {
    const w = await watchedPage(context);
    await w.page.goto(`${bff.url}/`);
    const result = await w.page.evaluate(async () => {
      const without = await fetch('/api/hello');
      const withId = await fetch('/api/hello', { headers: { 'X-Plugin-Id': 'hello' } });
      return { without: without.status, body: await without.json(), withId: withId.status, greeting: await withId.json() };
    });
    expect(result.without).toBe(403);
    expect(result.body).toMatchObject({ code: 'missing_plugin_id' });
    expect(result.withId).toBe(200);
    expect(result.greeting).toMatchObject({ message: 'Hello, alice!', plugin: 'hello' });
  });

  it('the orders plugin lists orders from its API and receives an allowed SSE event', async () => {
    const w = await watchedPage(context);
    const stream = w.page.waitForRequest((r) => r.url().includes('/events/stream?topics=orders'));
    await w.page.goto(`${bff.url}/orders`);
    expect((await stream).headers()['x-plugin-id']).toBe('orders');
    await expect.poll(() => w.page.getByTestId('order-row').count()).toBeGreaterThan(0);
    await w.page.getByTestId('orders-live-event').first().waitFor({ timeout: 15_000 });
    expect(await w.page.getByTestId('orders-live-event').first().textContent()).toMatch(/orders\.updated order \d+ is now \w+/);
    expect(await w.page.getByTestId('orders-live-state').textContent()).toBe('live');
    expect(await w.page.getByTestId('orders-authz').textContent()).toContain('You see the orders widget on your dashboard');
    // An allowed POST (adding a note) works too.
    await w.page.getByTestId('order-row').first().getByRole('button').click();
    await w.page.getByLabel('Note').fill('called the customer');
    await w.page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => w.page.getByTestId('order-notes').textContent()).toContain('alice: called the customer');
    await w.page.screenshot({ path: resultPath('orders.png'), fullPage: true });
    expectClean(w);
  });

  it('refuses an undeclared topic before any stream byte (403 topic_not_allowed)', async () => {
    const w = await watchedPage(context);
    await w.page.goto(`${bff.url}/`);
    const refused = await w.page.evaluate(async () => {
      const res = await fetch('/events/stream?topics=orders', { headers: { 'X-Plugin-Id': 'sneaky' } });
      return { status: res.status, body: await res.json() };
    });
    expect(refused).toEqual({ status: 403, body: expect.objectContaining({ code: 'topic_not_allowed' }) });
  });

  it("shows the sneaky plugin's violations refused with 403 while its own features and the page keep working", async () => {
    const w = await watchedPage(context);
    const refusals: Response[] = [];
    w.page.on('response', (r) => { if (r.status() === 403) refusals.push(r); });
    await w.page.goto(`${bff.url}/sneaky`);
    const box = (id: string) => w.page.getByTestId(id);
    const settled = async (id: string) => {
      await expect.poll(() => box(id).getAttribute('data-state')).not.toBe('pending');
      return { state: await box(id).getAttribute('data-state'), status: await box(id).getAttribute('data-status'), text: await box(id).textContent() };
    };

    expect(await settled('sneaky-foreign-api')).toMatchObject({ state: 'refused', status: '403' });
    expect((await settled('sneaky-foreign-api')).text).toContain('allowlist_violation');
    expect(await settled('sneaky-impersonation')).toMatchObject({ state: 'refused', status: '403' });
    expect(await settled('sneaky-foreign-topic')).toMatchObject({ state: 'refused', status: '403' });
    expect((await settled('sneaky-foreign-topic')).text).toContain('topic_not_allowed');
    expect(await settled('sneaky-cross-origin')).toMatchObject({ state: 'refused' });
    expect((await settled('sneaky-cross-origin')).text).toContain('cross_origin');
    expect(await settled('sneaky-own-api')).toMatchObject({ state: 'allowed' });
    expect(await box('sneaky-own-api').textContent()).toContain('status: ok');
    expect(await settled('sneaky-own-topic')).toMatchObject({ state: 'allowed' });

    await w.page.screenshot({ path: resultPath('sneaky.png'), fullPage: true });

    // The 403s really came from the BFF, marked as allow-list violations where they were.
    const apiRefusals = refusals.filter((r) => new URL(r.url()).pathname === '/api/orders');
    expect(apiRefusals.length).toBeGreaterThanOrEqual(2);
    for (const r of apiRefusals) {
      expect(r.request().headers()['x-plugin-id']).toBe('sneaky');
      expect(r.headers()['x-allowlist-violation']).toBe('1');
    }
    expect(refusals.some((r) => r.url().includes('/events/stream?topics=orders'))).toBe(true);
    // Nothing was sent to the other origin.
    expect(refusals.some((r) => r.url().startsWith('https://example.com'))).toBe(false);

    // The page keeps working: the shell navigates on to another plugin.
    await w.page.locator('[data-testid="nav-plugin"][data-plugin="hello"]').click();
    await expect.poll(() => w.page.getByTestId('hello-greeting').textContent()).toContain('Hello, alice!');
    expectClean(w);
  });
});
