/**
 * The built SDK and loader running in Chromium on the BFF's origin, against the real BFF: header
 * stamping, the typed errors with their fields, SSE delivery and denial, the PDP, telemetry, and
 * the loader's discovery and refusals.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness/sdk-harness.js';
import { startBff, type RunningBff } from './support/bff.js';
import { launchChromium, signIn, watchedPage, type Watched } from './support/browser.js';
import { openHarness } from './support/harness.js';

declare const harness: Harness;

let bff: RunningBff;
let browser: Browser;
let context: BrowserContext;
let w: Watched;
let page: Page;

beforeAll(async () => {
  [bff, browser] = await Promise.all([startBff(), launchChromium()]);
  context = await browser.newContext();
  await signIn(context, bff.url, 'alice', ['member', 'dashboard-user']);
  w = await watchedPage(context);
  page = w.page;
  await openHarness(page, bff.url);
});

afterAll(async () => {
  expect(w?.cspViolations ?? [], 'CSP violations in the harness').toEqual([]);
  await browser?.close();
  await bff?.stop();
});

describe('the built SDK in Chromium', () => {
  it('stamps X-Plugin-Id: the upstream sees the calling plugin', async () => {
    const seen = page.waitForRequest((r) => r.url().endsWith('/api/hello'));
    const body = await page.evaluate(async () => {
      const sdk = harness.sdk('hello');
      return sdk.api.json<{ plugin: string; message: string }>('/api/hello');
    });
    expect((await seen).headers()['x-plugin-id']).toBe('hello');
    expect(body).toMatchObject({ plugin: 'hello', message: 'Hello, alice!' });
  });

  it('throws typed errors with plugin id, method, URL, status and the violation flag', async () => {
    const errors = await page.evaluate(async () => {
      const sdk = harness.sdk('sneaky');
      const pick = (e: unknown) => {
        const x = e as Record<string, unknown>;
        return { name: x.name, code: x.code, pluginId: x.pluginId, method: x.method, url: x.url, status: x.status, allowlistViolation: x.allowlistViolation, message: x.message };
      };
      const violation = await sdk.api.fetch('/api/orders?limit=1').then(() => null, pick);
      const crossOrigin = await sdk.api.fetch('https://example.com/x', { method: 'POST' }).then(() => null, pick);
      return { violation, crossOrigin };
    });
    expect(errors.violation).toMatchObject({
      name: 'AllowlistViolationError', code: 'allowlist_violation', pluginId: 'sneaky', method: 'GET',
      url: '/api/orders?limit=1', status: 403, allowlistViolation: true,
    });
    expect(String(errors.violation?.message)).toMatch(/^\[sneaky\] GET \/api\/orders\?limit=1: HTTP 403 \(allow-list violation\)/);
    expect(errors.crossOrigin).toMatchObject({ name: 'CrossOriginRequestError', code: 'cross_origin', method: 'POST', url: 'https://example.com/x' });
  });

  it('delivers an allowed SSE event and reports a denied topic once, as TopicDeniedError', async () => {
    const result = await page.evaluate(async () => {
      const client = new harness.QueryClient();
      const orders = harness.sdk('orders', { queryClient: client });
      const sneaky = harness.sdk('sneaky', { queryClient: client });
      const denied = new Promise<Record<string, unknown>>((resolve) => {
        sneaky.sse.subscribe(['orders'], () => {}, {
          onError: (e, info) => resolve({ name: e.name, code: e.code, status: (e as { status?: number }).status, retrying: info.retrying, topics: (e as { topics?: string[] }).topics }),
        });
      });
      const event = new Promise<{ topic: string; id: string | undefined; data: unknown }>((resolve, reject) => {
        const sub = orders.sse.subscribe(['orders'], (m) => { sub.close(); resolve({ topic: m.topic, id: m.id, data: m.data }); });
        setTimeout(() => { sub.close(); reject(new Error('no orders event within 15 s')); }, 15_000);
      });
      return { denied: await denied, event: await event };
    });
    expect(result.denied).toEqual({ name: 'TopicDeniedError', code: 'topic_not_allowed', status: 403, retrying: false, topics: ['orders'] });
    expect(result.event.topic).toBe('orders.updated');
    expect(result.event.id).toMatch(/^\d+-\d+$/);
    expect(result.event.data).toMatchObject({ orderId: expect.any(String), status: expect.any(String) });
  });

  it('reconnects after the stream ends and resumes with Last-Event-ID', async () => {
    // A separate page whose /events/stream answers are scripted through Playwright routing (a
    // stand-in for the BFF, named so: the BFF gives no way to cut a stream on demand). Each answer
    // is a complete, finite SSE body, so the stream ends and the real SDK must reconnect.
    const scripted = await context.newPage();
    await openHarness(scripted, bff.url);
    const seen: Array<string | undefined> = [];
    await scripted.route('**/events/stream?*', async (route) => {
      seen.push(route.request().headers()['last-event-id']);
      const id = 7 + seen.length - 1;
      const frame = `retry: 50\n\nid: ${id}\nevent: message\ndata: ${JSON.stringify({ topic: 'orders.updated', data: { n: id }, ts: new Date().toISOString() })}\n\n`;
      await route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body: frame });
    });
    const received = await scripted.evaluate(async () => {
      const sdk = harness.sdk('orders');
      return new Promise<Array<{ id: string | undefined; data: unknown }>>((resolve, reject) => {
        const got: Array<{ id: string | undefined; data: unknown }> = [];
        const sub = sdk.sse.subscribe(['orders'], (m) => {
          got.push({ id: m.id, data: m.data });
          if (got.length === 3) { sub.close(); resolve(got); }
        });
        setTimeout(() => { sub.close(); reject(new Error(`only ${got.length} events within 10 s`)); }, 10_000);
      });
    });
    await scripted.close();
    expect(received).toEqual([
      { id: '7', data: { n: 7 } },
      { id: '8', data: { n: 8 } },
      { id: '9', data: { n: 9 } },
    ]);
    // The first request starts fresh; each reconnect names the last event it received.
    expect(seen.slice(0, 3)).toEqual([undefined, '7', '8']);
  });

  it("asks the PDP through authz.evaluate", async () => {
    const decisions = await page.evaluate(async () => {
      const sdk = harness.sdk('orders');
      return [await sdk.authz.evaluate('orders.widget', 'view'), await sdk.authz.evaluate('orders.admin', 'delete')];
    });
    expect(decisions).toEqual([{ allow: true, reason: 'granted' }, { allow: false, reason: 'not_granted' }]);
  });

  it('sends logs and telemetry tagged with the plugin id to /api/telemetry (204)', async () => {
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/telemetry'));
    await page.evaluate(async () => {
      const sink = harness.createBatchingSink({ fetch: fetch.bind(window) });
      const sdk = harness.sdk('orders', { sink });
      sdk.logger.info('hello from the e2e suite');
      await sdk.telemetry.time('orders.e2e', () => sdk.api.json('/api/orders'));
      await sink.flush();
    });
    const res = await posted;
    expect(res.status()).toBe(204);
    const events = (JSON.parse(res.request().postData() ?? '{}') as { events: Array<Record<string, unknown>> }).events;
    expect(events).toEqual([
      expect.objectContaining({ plugin: 'orders', kind: 'log', level: 'info', message: 'hello from the e2e suite' }),
      expect.objectContaining({ plugin: 'orders', kind: 'metric', name: 'orders.e2e', data: expect.objectContaining({ unit: 'ms', outcome: 'ok' }) }),
    ]);
  });
});

describe('the built loader in Chromium', () => {
  it('discovers, imports through the bundle route and resolves records; an unchanged manifest is revalidated by ETag', async () => {
    const conditional: Array<string | undefined> = [];
    page.on('request', (r) => { if (r.url().endsWith('/api/plugins/manifests')) conditional.push(r.headers()['if-none-match']); });
    const result = await page.evaluate(async () => {
      const loader = harness.createPluginLoader({ origin: location.origin, mode: 'production', hostVersion: '1.4.0' });
      const first = await loader.load('alice@localhost');
      const second = await loader.load('alice@localhost');
      return {
        same: first === second,
        routes: first.routes.map((r) => [r.pluginId, r.path, r.componentName, typeof r.component]),
        widgets: first.widgets.map((r) => [r.pluginId, r.componentName, typeof r.component]),
        problems: first.problems.map((p) => p.code),
      };
    });
    expect(result.same).toBe(true);
    // The second discovery revalidated with the first answer's ETag (and got the same result object).
    expect(conditional).toHaveLength(2);
    expect(conditional[0]).toBeUndefined();
    expect(conditional[1]).toMatch(/^(W\/)?"/);
    expect(result.routes).toEqual([
      ['crashy', '/crashy', 'CrashyPage', 'function'],
      ['hello', '/hello', 'Hello', 'function'],
      ['orders', '/orders', 'OrdersPage', 'function'],
      ['sneaky', '/sneaky', 'SneakyPage', 'function'],
    ]);
    expect(result.widgets).toEqual([['crashy', 'CrashyWidget', 'function'], ['hello', 'HelloWidget', 'function'], ['orders', 'OrdersWidget', 'function']]);
    expect(result.problems).toEqual([]);
  });

  it('refuses a dev URL outside development mode and an entry off the bundle route, importing nothing', async () => {
    const imported: string[] = [];
    page.on('request', (r) => { if (r.url().includes('evil') || r.url().includes(':5173')) imported.push(r.url()); });
    await page.route(`${bff.url}/api/plugins/manifests`, (route) => route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        revision: 'fake',
        plugins: [
          { id: 'hello', version: '1.0.0', entry: '/api/plugins/bundle?entry=hello%401.0.0&id=hello', devUrl: 'http://localhost:5173/src/index.tsx',
            contributions: { routes: [{ path: '/hello', component: 'Hello' }], widgets: [] } },
          { id: 'evil', version: '1.0.0', entry: 'https://evil.example/bundle.js', contributions: { routes: [], widgets: [] } },
        ],
      }),
    }));
    const problems = await page.evaluate(async () => {
      const loader = harness.createPluginLoader({ origin: location.origin, mode: 'production', hostVersion: '1.4.0' });
      const r = await loader.load('alice@localhost');
      return r.problems.map((p) => ({ code: p.code, pluginId: p.pluginId, message: p.message }));
    });
    await page.unroute(`${bff.url}/api/plugins/manifests`);
    expect(problems.map((p) => [p.code, p.pluginId])).toEqual([['dev_url_refused', 'hello'], ['entry_refused', 'evil']]);
    expect(problems[0]?.message).toContain('plugin "hello"');
    expect(problems[0]?.message).toContain('development mode');
    expect(imported).toEqual([]);
  });
});
