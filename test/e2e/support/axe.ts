/**
 * axe-core in Chromium. The page's CSP (`script-src 'self'`) refuses an inline <script>, so the
 * engine is evaluated through the driver (not subject to the page's CSP), from node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * WCAG 2.1 A and AA, plus axe's best practices: heading order and a page's level-one heading are
 * best-practice rules in axe, not WCAG-tagged ones, and the shell must pass them too.
 */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const;

export interface AxeNode {
  target: string[];
  summary: string;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  tags: string[];
  nodes: AxeNode[];
}

/** Runs axe on the whole document and returns its violations (empty when the page passes). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    type Result = { violations: Array<{ id: string; impact?: string | null; help: string; helpUrl: string; tags: string[];
      nodes: Array<{ target: unknown[]; failureSummary?: string }> }> };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<Result> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact ?? null, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
    }));
  }, [...AXE_TAGS]);
}

/** One block per violation: rule, impact, help URL, then each offending node's selector and why. */
export function formatViolations(violations: readonly AxeViolation[]): string {
  return violations.map((v) => [
    `${v.id} (${v.impact ?? 'no impact'}): ${v.help}  ${v.helpUrl}`,
    ...v.nodes.map((n) => `    ${n.target.join(' ')}  ${n.summary}`),
  ].join('\n')).join('\n');
}
