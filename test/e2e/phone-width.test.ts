/**
 * At phone width nothing scrolls sideways and no element sticks out of the screen, on every page
 * of the shell for alice and bob and in the states on the way there. 390 px is a current phone;
 * 320 px is the width WCAG 2.1's reflow criterion (1.4.10) asks content to fit.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBff, type RunningBff } from './support/bff.js';
import { launchChromium } from './support/browser.js';
import { measureFit } from './support/fit.js';
import { SETTLED, TRANSIENT, openScenario, type Scenario } from './support/shell-pages.js';

let bff: RunningBff;
let browser: Browser;

beforeAll(async () => {
  [bff, browser] = await Promise.all([startBff(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await bff?.stop();
});

async function expectFits(s: Scenario, width: number): Promise<void> {
  const opened = await openScenario(browser, bff.url, s, width);
  try {
    const fit = await measureFit(opened.page);
    const where = `"${s.name}" at ${width} px`;
    expect.soft(fit.scrollWidth, `${where}: the document is ${fit.scrollWidth} px wide`).toBeLessThanOrEqual(width);
    expect.soft(fit.outside, `${where}: elements outside 0..${width} px`).toEqual([]);
  } finally {
    await opened.close();
  }
}

describe('phone width', () => {
  const cases = [
    ...SETTLED.flatMap((s) => [{ s, width: 390 }, { s, width: 320 }]),
    ...TRANSIENT.map((s) => ({ s, width: 390 })),
  ];
  for (const { s, width } of cases) {
    it(`${s.name} fits ${width} px`, async () => {
      await expectFits(s, width);
    });
  }

  it('finds what sticks out (the check is not vacuous)', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      await page.setContent('<html><body style="margin:0"><div id="wide" style="width:500px">wide</div></body></html>');
      const fit = await measureFit(page);
      expect(fit.scrollWidth).toBe(500);
      expect(fit.outside).toEqual(['div#wide 0..500']);
    } finally {
      await context.close();
    }
  });
});
