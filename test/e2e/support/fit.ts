/** Whether a page fits its viewport's width: nothing scrolls sideways, no element sticks out. */
import type { Page } from 'playwright-core';

export interface Fit {
  viewport: number;
  scrollWidth: number;
  /** Elements whose box reaches past either edge, as `tag#id.class[data-testid] left..right`. */
  outside: string[];
}

export async function measureFit(page: Page): Promise<Fit> {
  const viewport = page.viewportSize()?.width;
  if (!viewport) throw new Error('the page has no viewport size');
  const measured = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const outside: string[] = [];
    for (const el of document.querySelectorAll('body, body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not laid out (display: none, empty inline)
      if (r.left >= -0.5 && r.right <= width + 0.5) continue;
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const testid = el.getAttribute('data-testid') ? `[data-testid="${el.getAttribute('data-testid')}"]` : '';
      outside.push(`${el.tagName.toLowerCase()}${id}${cls}${testid} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, outside };
  });
  return { viewport, ...measured };
}
