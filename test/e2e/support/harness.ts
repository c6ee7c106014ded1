/**
 * Serves test/e2e/harness/sdk-harness.ts, built like the shell (same esbuild options, React from
 * the BFF's /shared/ modules), at <bff>/__harness/ through Playwright routing, with the BFF's own
 * CSP header: the built SDK and loader run in Chromium on the real origin against the real BFF.
 */
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { baseOptions } from '../../../scripts/web/options.mjs';
import { sharedExternals } from '../../../scripts/web/shared.mjs';
import { ROOT } from './bff.js';

let built: string | null = null;

export async function harnessScript(): Promise<string> {
  if (built !== null) return built;
  const result = await esbuild.build({
    ...baseOptions(ROOT),
    write: false,
    minify: false,
    entryPoints: ['test/e2e/harness/sdk-harness.ts'],
    outfile: 'harness.js',
    conditions: ['production'],
    plugins: [sharedExternals()],
  });
  built = result.outputFiles?.[0]?.text ?? '';
  return built;
}

const HTML = '<!doctype html><html><head><meta charset="utf-8"><title>SDK harness</title>'
  + '<script type="module" src="/__harness/harness.js"></script></head><body></body></html>';

/** Opens <baseUrl>/__harness/ and waits until `window.harness` exists. */
export async function openHarness(page: Page, baseUrl: string): Promise<void> {
  const csp = (await fetch(`${baseUrl}/favicon.svg`)).headers.get('content-security-policy');
  if (!csp) throw new Error('the BFF sent no Content-Security-Policy');
  const js = await harnessScript();
  await page.route(`${baseUrl}/__harness/**`, (route) => {
    const isScript = route.request().url().endsWith('/harness.js');
    return route.fulfill({
      status: 200,
      headers: { 'Content-Type': isScript ? 'text/javascript' : 'text/html', 'Content-Security-Policy': csp },
      body: isScript ? js : HTML,
    });
  });
  await page.goto(`${baseUrl}/__harness/`);
  await page.waitForFunction(() => 'harness' in window);
}
