/**
 * axe-core (WCAG 2.1 A and AA, and axe's best practices) on every page of the shell, the sign-in
 * page included, for alice and bob, at desktop and phone width: once each page has settled
 * (plugins loaded, API and SSE data shown), and in the states on the way there (loading, failed).
 * Plugins render inside the shell's page, so their markup is checked with it. A failure lists
 * each rule with its impact, help URL and the selectors of the offending nodes.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, formatViolations } from './support/axe.js';
import { startBff, type RunningBff } from './support/bff.js';
import { launchChromium } from './support/browser.js';
import { openKitPage } from './support/kit-page.js';
import { SETTLED, TRANSIENT, openScenario, type Scenario } from './support/shell-pages.js';

const WIDTHS = [1280, 390] as const;

let bff: RunningBff;
let browser: Browser;

beforeAll(async () => {
  [bff, browser] = await Promise.all([startBff(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await bff?.stop();
});

async function expectAccessible(s: Scenario, width: number): Promise<void> {
  const opened = await openScenario(browser, bff.url, s, width);
  try {
    const violations = await axeViolations(opened.page);
    expect(violations, `axe on "${s.name}" at ${width} px:\n${formatViolations(violations)}`).toEqual([]);
  } finally {
    await opened.close();
  }
}

const cases = (scenarios: readonly Scenario[]) => WIDTHS.flatMap((width) => scenarios.map((s) => ({ width, s })));

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  for (const { s, width } of cases([...SETTLED, ...TRANSIENT])) {
    it(`${s.name} at ${width} px`, async () => {
      await expectAccessible(s, width);
    });
  }

  it('the public kit (x-*) and the shell chrome, in every tone on every surface', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      const page = await context.newPage();
      await openKitPage(page, bff.url);
      const violations = await axeViolations(page);
      expect(violations, `axe on the kit page:\n${formatViolations(violations)}`).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('reports a violation it is shown (the check is not vacuous)', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.setContent('<html><body><main><h1>t</h1><img src="data:,"><p style="color:#bbb;background:#fff">faint</p></main></body></html>');
      const ids = (await axeViolations(page)).map((v) => v.id).sort();
      expect(ids).toEqual(expect.arrayContaining(['color-contrast', 'html-has-lang', 'image-alt']));
      expect(formatViolations(await axeViolations(page))).toMatch(/image-alt \(critical\): .+ https:\/\/dequeuniversity\.com\/rules\/axe\/[\d.]+\/image-alt/);
    } finally {
      await context.close();
    }
  });
});
