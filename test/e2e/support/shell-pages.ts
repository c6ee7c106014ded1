/**
 * Every page of the shell a person can see, settled (plugins loaded, API and SSE data shown), and
 * the states on the way there (loading, failed), for the demo users. Shared by the accessibility
 * and the phone-width tests, so both look at the same pages.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { signIn } from './browser.js';

export interface Persona {
  user: string;
  roles: string[];
}

export const ALICE: Persona = { user: 'alice', roles: ['member', 'dashboard-user'] };
export const BOB: Persona = { user: 'bob', roles: ['member'] };

export interface Scenario {
  /** `alice /orders`, `alice /orders while the orders API is pending`, ... */
  name: string;
  /** Null: signed out. */
  who: Persona | null;
  path: string;
  /** Routes installed on the context before the page opens: requests held open, or answered with a failure. */
  prepare?: (context: BrowserContext) => Promise<void>;
  /** Resolves once the page shows what this scenario is about (throws when it never does). */
  settle: (page: Page, who: Persona | null) => Promise<void>;
}

const SETTLE_MS = 15_000;

type UrlMatch = (url: URL) => boolean;
const path = (p: string): UrlMatch => (url) => url.pathname === p;
const under = (p: string): UrlMatch => (url) => url.pathname === p || url.pathname.startsWith(`${p}/`);
const bundleOf = (id: string): UrlMatch => (url) => url.pathname === '/api/plugins/bundle' && url.searchParams.get('id') === id;

/** Requests that never get an answer while the scenario runs: the page stays in its loading state. */
function hold(...matches: UrlMatch[]) {
  return async (context: BrowserContext) => {
    for (const m of matches) await context.route(m, () => new Promise<void>(() => {}));
  };
}

/** Requests answered with `status` and a JSON error body, as the BFF would. */
function fail(status: number, code: string, ...matches: UrlMatch[]) {
  return async (context: BrowserContext) => {
    for (const m of matches) {
      await context.route(m, (route) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify({ code, message: `${code} (e2e)` }) }));
    }
  };
}

const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent({ timeout: SETTLE_MS });
const visible = (page: Page, selector: string) => page.locator(selector).first().waitFor({ timeout: SETTLE_MS });
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: SETTLE_MS });

async function dashboard(page: Page, who: Persona | null): Promise<void> {
  if (who === BOB) {
    await poll(() => text(page, 'slot-empty')).toContain('Nothing to show here yet');
    return;
  }
  await visible(page, '[data-testid="widget"][data-plugin="crashy"] [data-testid="plugin-error"]');
  await visible(page, '[data-testid="hello-widget"]');
  await poll(() => text(page, 'orders-open')).toMatch(/^\d+$/);
  await poll(() => text(page, 'orders-widget-live')).toMatch(/^Order \d+ is now \w+/); // an SSE event arrived
}

async function orders(page: Page): Promise<void> {
  await poll(() => page.getByTestId('order-row').count()).toBeGreaterThan(0);
  await visible(page, '[data-testid="orders-live-event"]');
  await visible(page, '[data-testid="orders-catalog"] .x-badge');
  await poll(() => text(page, 'orders-authz')).toMatch(/^You (do not )?see the orders widget/);
}

async function sneaky(page: Page): Promise<void> {
  await poll(() => page.locator('[data-testid="sneaky-page"] [data-state]').count()).toBe(6);
  await poll(() => page.locator('[data-testid="sneaky-page"] [data-state="pending"]').count()).toBe(0);
}

function settledPages(who: Persona): Scenario[] {
  const n = who.user;
  return [
    { name: `${n} dashboard`, who, path: '/', settle: dashboard },
    { name: `${n} /hello`, who, path: '/hello', settle: async (page) => { await poll(() => text(page, 'hello-greeting')).toContain(`Hello, ${n}!`); } },
    { name: `${n} /orders`, who, path: '/orders', settle: orders },
    {
      name: `${n} /orders with an order open`, who, path: '/orders',
      settle: async (page) => {
        await orders(page);
        await page.getByTestId('order-row').first().getByRole('button').click();
        await visible(page, '[data-testid="order-notes"]');
      },
    },
    { name: `${n} /sneaky`, who, path: '/sneaky', settle: sneaky },
    { name: `${n} /crashy`, who, path: '/crashy', settle: (page) => visible(page, '[data-testid="plugin-page"][data-plugin="crashy"] [data-testid="plugin-error"]') },
    { name: `${n} not found`, who, path: '/no-such-page', settle: (page) => visible(page, '[data-testid="not-found"]') },
  ];
}

/** The sign-in page and every page each demo user can reach, once everything on it has arrived. */
export const SETTLED: readonly Scenario[] = [
  { name: 'signed out: sign-in', who: null, path: '/signin', settle: (page) => visible(page, '[data-testid="signin-alice"]') },
  ...settledPages(ALICE),
  ...settledPages(BOB),
];

/** What a person sees before a page has settled, or when a part of it failed. */
export const TRANSIENT: readonly Scenario[] = [
  {
    name: 'signed out: sign-in refused', who: null, path: '/signin',
    prepare: fail(500, 'internal', path('/auth/dev/login')),
    settle: async (page) => {
      await page.getByTestId('signin-alice').click();
      await visible(page, '.signin [role="alert"]');
    },
  },
  {
    name: 'alice while the session is pending', who: ALICE, path: '/',
    prepare: hold(path('/auth/session')),
    settle: async (page) => { await poll(() => text(page, 'pending')).toBe('Loading Experience…'); },
  },
  {
    name: 'alice when the session cannot be read', who: ALICE, path: '/',
    prepare: fail(503, 'unavailable', path('/auth/session')),
    settle: (page) => visible(page, 'h1:text("Experience is unavailable")'),
  },
  {
    name: 'alice dashboard while the plugins load', who: ALICE, path: '/',
    prepare: hold(path('/api/plugins/manifests')),
    settle: async (page) => { await poll(() => text(page, 'slot-empty')).toBe('Loading your widgets…'); },
  },
  {
    name: 'alice /hello while the plugins load', who: ALICE, path: '/hello',
    prepare: hold(path('/api/plugins/manifests')),
    settle: async (page) => { await poll(() => text(page, 'pending')).toBe('Loading the page…'); },
  },
  {
    name: 'alice dashboard when discovery fails', who: ALICE, path: '/',
    prepare: fail(503, 'unavailable', path('/api/plugins/manifests')),
    settle: async (page) => {
      await visible(page, '[data-testid="discovery-error"]');
      await poll(() => text(page, 'slot-empty')).toContain('cannot be shown right now');
    },
  },
  {
    name: 'alice dashboard while the widgets wait for their APIs and streams', who: ALICE, path: '/',
    prepare: hold(under('/api/orders'), path('/events/stream')),
    settle: async (page) => {
      await visible(page, '[data-testid="hello-widget"]');
      await poll(() => text(page, 'orders-widget-live')).toBe('Live: connecting');
    },
  },
  {
    name: 'alice /hello while its API is pending', who: ALICE, path: '/hello',
    prepare: hold(path('/api/hello')),
    settle: async (page) => { await poll(() => text(page, 'hello-greeting')).toBe('Asking the API…'); },
  },
  {
    name: 'alice /orders while its APIs and stream are pending', who: ALICE, path: '/orders',
    prepare: hold(under('/api/orders'), path('/api/catalog'), path('/api/authz/evaluate'), path('/events/stream')),
    settle: async (page) => {
      await visible(page, 'text=Loading orders…');
      await poll(() => text(page, 'orders-live-state')).toBe('connecting…');
      await poll(() => text(page, 'orders-authz')).toMatch(/^Checking/);
    },
  },
  {
    name: 'alice /orders when its stream is refused', who: ALICE, path: '/orders',
    prepare: fail(403, 'topic_not_allowed', path('/events/stream')),
    settle: async (page) => {
      await poll(() => text(page, 'orders-live-state')).toBe('refused');
      await visible(page, '[data-testid="orders-live"] .x-alert--error');
    },
  },
  {
    name: 'alice /orders while its stream reconnects', who: ALICE, path: '/orders',
    prepare: fail(503, 'unavailable', path('/events/stream')),
    settle: async (page) => { await poll(() => text(page, 'orders-live-state')).toBe('reconnecting…'); },
  },
  {
    name: 'alice /orders when its API fails', who: ALICE, path: '/orders',
    prepare: fail(502, 'upstream_unavailable', under('/api/orders'), path('/api/catalog')),
    settle: (page) => visible(page, '[data-testid="orders-page"] .x-alert--error'),
  },
  {
    name: 'alice /sneaky while its attempts are pending', who: ALICE, path: '/sneaky',
    prepare: hold(path('/api/sneaky/status'), under('/api/orders'), path('/events/stream')),
    settle: async (page) => { await poll(() => page.locator('[data-testid="sneaky-page"] [data-state="pending"]').count()).toBe(5); },
  },
  {
    name: 'alice dashboard when a bundle fails to load', who: ALICE, path: '/',
    prepare: fail(503, 'unavailable', bundleOf('hello')),
    settle: (page) => visible(page, '[data-testid="widget"][data-plugin="hello"] [data-testid="plugin-error"]'),
  },
  {
    name: 'alice /hello when its bundle fails to load', who: ALICE, path: '/hello',
    prepare: fail(503, 'unavailable', bundleOf('hello')),
    settle: (page) => visible(page, '[data-testid="plugin-page"][data-plugin="hello"] [data-testid="plugin-error"]'),
  },
];

export interface Opened {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh context at `width` px, signed in as the scenario's user, on its page once it has settled. */
export async function openScenario(browser: Browser, baseUrl: string, s: Scenario, width: number): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width, height: 844 } });
  const close = async () => {
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  };
  try {
    if (s.who) await signIn(context, baseUrl, s.who.user, s.who.roles);
    await s.prepare?.(context);
    const page = await context.newPage();
    await page.goto(baseUrl + s.path);
    await s.settle(page, s.who);
    await page.evaluate(() => document.fonts.ready);
    return { context, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}
