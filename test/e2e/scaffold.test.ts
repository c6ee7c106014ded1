/**
 * A plugin from `experience-plugins new`, configured with the entries it printed, renders in
 * the shell under `make dev` in Chromium: its widget on alice's dashboard, its page with the SDK
 * at work (the button's telemetry goes through the BFF), an edit shown on the next reload, and
 * Ctrl-C stops every process. No CSP violation, uncaught error or console error on the way.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portClosed, startDevRunner, type DevRunner } from '../support/dev-runner.js';
import { scaffoldInTemp, type Scaffolded } from '../support/scaffold.js';
import { ensureBuilt } from './support/bff.js';
import { expectClean, launchChromium, signIn, watchedPage } from './support/browser.js';

let s: Scaffolded;
let dev: DevRunner;
let browser: Browser;

beforeAll(async () => {
  // The other plugins of the default config keep their pinned release bundles (make web).
  ensureBuilt();
  s = await scaffoldInTemp('my-plugin');
  [dev, browser] = await Promise.all([
    startDevRunner({ PLUGINS_CONFIG: s.pluginsFile, GRANTS_CONFIG: s.grantsFile, DEV_PLUGINS_DIR: s.pluginsDir, DEV_DIR: path.join(s.dir, 'dev') }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  dev?.kill();
  await s?.remove();
});

describe('a scaffolded plugin under make dev', () => {
  it('renders its widget on the dashboard and its page, where the SDK works', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await signIn(context, dev.url, 'alice', ['member', 'dashboard-user']);
    const w = await watchedPage(context);
    await w.page.goto(`${dev.url}/`);
    const widget = w.page.locator('[data-testid="widget"][data-plugin="my-plugin"] [data-testid="my-plugin-widget"]');
    await widget.waitFor();
    expect(await widget.textContent()).toContain('my-plugin in dashboard.main');
    await w.page.locator('[data-testid="nav-plugin"][data-plugin="my-plugin"]').click();
    await w.page.waitForURL(`${dev.url}/my-plugin`);
    await w.page.getByTestId('my-plugin-page').waitFor();
    expect(await w.page.locator('h1').allTextContents()).toEqual(['My plugin']);
    const telemetry = w.page.waitForRequest((r) => r.url() === `${dev.url}/api/telemetry` && r.method() === 'POST', { timeout: 20_000 });
    await w.page.getByTestId('my-plugin-greet').click();
    await expect.poll(() => w.page.getByTestId('my-plugin-hellos').textContent()).toBe('1 hello');
    expect((await telemetry).postData()).toContain('my-plugin.greeted');
    expectClean(w);
    await context.close();
  });

  it('shows a saved edit on the next reload', async () => {
    const context = await browser.newContext();
    await signIn(context, dev.url, 'alice', ['member', 'dashboard-user']);
    const w = await watchedPage(context);
    await w.page.goto(`${dev.url}/my-plugin`);
    await w.page.getByTestId('my-plugin-page').waitFor();
    const file = path.join(s.pluginsDir, 'my-plugin/src/index.tsx');
    await writeFile(file, (await readFile(file, 'utf8')).replace('<h1>My plugin</h1>', '<h1>My plugin, edited</h1>'));
    await expect
      .poll(
        async () => {
          await w.page.reload();
          await w.page.getByTestId('my-plugin-page').waitFor();
          return w.page.locator('h1').textContent();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('My plugin, edited');
    expectClean(w);
    await context.close();
  });

  it('stops every process on Ctrl-C, exit 0', async () => {
    const server = Number(new URL(dev.pluginUrl('my-plugin') as string).port);
    expect(await dev.stop('ctrl-c')).toBe(0);
    expect(dev.output()).toContain('[dev] stopped');
    expect(await portClosed(dev.port)).toBe(true);
    expect(await portClosed(server)).toBe(true);
  });
});
