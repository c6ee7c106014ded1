/**
 * Debian's Chromium through playwright-core (never `playwright install`), and pages that record
 * what must not happen: CSP violations (`securitypolicyviolation`), uncaught errors, console errors.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from './bff.js';

export const RESULTS = path.join(ROOT, 'test-results');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface Watched {
  page: Page;
  cspViolations: string[];
  pageErrors: string[];
  /** Console errors, minus the browser's own "Failed to load resource" lines (the refusals under test). */
  consoleErrors: string[];
}

/** A page whose CSP violations, uncaught errors and console errors are collected across navigations. */
export async function watchedPage(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage();
  const w: Watched = { page, cspViolations: [], pageErrors: [], consoleErrors: [] };
  await page.exposeFunction('__e2eReportCsp', (v: string) => { w.cspViolations.push(v); });
  // Injected by the browser driver, not by the page, so it does not need a CSP exception.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __e2eReportCsp(v: string): void }).__e2eReportCsp(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('pageerror', (e) => w.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/Content.Security.Policy/i.test(m.text())) w.cspViolations.push(m.text());
    else if (!/^Failed to load resource: the server responded with a status of \d{3}/.test(m.text())) w.consoleErrors.push(m.text());
  });
  return w;
}

/** Nothing that must not happen did: no CSP violation, no uncaught error, no console error. */
export function expectClean(w: Watched): void {
  expect(w.cspViolations, 'CSP violations').toEqual([]);
  expect(w.pageErrors, 'uncaught errors').toEqual([]);
  expect(w.consoleErrors, 'console errors').toEqual([]);
}

/** Signs in through the BFF's development provider; the cookie lands in the browser context. */
export async function signIn(context: BrowserContext, baseUrl: string, user: string, roles: string[]): Promise<void> {
  const res = await context.request.post(`${baseUrl}/auth/dev/login`, { data: { user, roles }, headers: { 'X-Experience-Csrf': '1' } });
  if (res.status() !== 204) throw new Error(`dev login for ${user} answered ${res.status()}: ${await res.text()}`);
}

export function resultPath(name: string): string {
  mkdirSync(RESULTS, { recursive: true });
  return path.join(RESULTS, name);
}
