/**
 * A page with every piece of the host's public kit (x-*) and the shell's own chrome in every tone
 * and on every surface it can sit on, styled by the built stylesheet and served on the BFF's
 * origin with the BFF's CSP. The demo plugins show only some combinations (a `processing` badge
 * in a selected row, muted text in an error alert...); plugins may use all of them.
 */
import type { Page } from 'playwright-core';

const INLINE = [
  '<span class="x-muted">muted text</span>',
  '<a href="#kit">a link</a>',
  '<span class="x-code">x-code</span>',
  '<strong>strong</strong>',
  '<span class="x-badge">badge</span>',
  '<span class="x-badge x-badge--ok">ok</span>',
  '<span class="x-badge x-badge--warn">warn</span>',
  '<span class="x-badge x-badge--error">error</span>',
  '<button type="button" class="x-btn">button</button>',
  '<button type="button" class="x-btn x-btn--primary">primary</button>',
].join(' ');

const SURFACES: Array<[string, (inner: string) => string]> = [
  ['page background', (i) => `<p>${i}</p>`],
  ['x-card', (i) => `<div class="x-card">${i}</div>`],
  ['x-alert', (i) => `<div class="x-alert">${i}</div>`],
  ['x-alert--ok', (i) => `<div class="x-alert x-alert--ok">${i}</div>`],
  ['x-alert--error', (i) => `<div class="x-alert x-alert--error">${i}</div>`],
  ['x-list item', (i) => `<ul class="x-list"><li>${i}</li></ul>`],
  ['x-table row', (i) => `<table class="x-table"><thead><tr><th>Heading</th></tr></thead><tbody><tr><td>${i}</td></tr></tbody></table>`],
  ['x-table selected row', (i) => `<table class="x-table"><thead><tr><th>Heading</th></tr></thead><tbody><tr class="is-selected"><td>${i}</td></tr></tbody></table>`],
  ['widget', (i) => `<article class="widget" aria-label="widget"><header class="widget__header"><h3 class="widget__title">Title</h3><span class="widget__source x-muted">source</span></header><div class="widget__body">${i}</div></article>`],
  ['error panel', (i) => `<section class="plugin-error"><h3 class="plugin-error__title">Title</h3><p class="plugin-error__text">${i}</p><details class="plugin-error__details" open><summary>Details</summary><pre>message</pre></details></section>`],
];

const CHROME = `
<div class="layout__side">
  <div class="brand">Experience</div>
  <nav class="nav" aria-label="Main">
    <a class="nav__link nav__link--active" href="#kit">Dashboard</a>
    <div class="nav__section">Plugins</div>
    <a class="nav__link" href="#kit">Orders</a>
    <a class="nav__link" href="#kit">Broken<span class="nav__warn"><span aria-hidden="true">!</span><span class="visually-hidden"> (could not be loaded)</span></span></a>
  </nav>
</div>
<header class="topbar"><span class="topbar__tenant x-muted">tenant</span><span class="topbar__user">user <span class="x-muted">(roles)</span></span></header>
<div class="signin__card"><h2 class="signin__title">Experience</h2><p class="x-muted">muted on the sign-in card</p></div>`;

function html(stylesheet: string): string {
  const sections = SURFACES.map(([name, wrap], i) => `<section aria-labelledby="s${i}"><h2 id="s${i}">${name}</h2>${wrap(INLINE)}</section>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Public kit</title>`
    + `<link rel="stylesheet" href="${stylesheet}"></head><body><main class="content" id="kit"><h1>Public kit</h1>`
    + `${sections}<section aria-labelledby="chrome"><h2 id="chrome">Shell chrome</h2>${CHROME}</section></main></body></html>`;
}

/** Opens <baseUrl>/__kit/ (served through Playwright routing) and waits for the stylesheet. */
export async function openKitPage(page: Page, baseUrl: string): Promise<void> {
  const index = await fetch(`${baseUrl}/`);
  const csp = index.headers.get('content-security-policy');
  const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(await index.text())?.[1];
  if (!csp || !stylesheet) throw new Error('the shell index.html has no stylesheet link or no CSP');
  await page.route(`${baseUrl}/__kit/`, (route) => route.fulfill({
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp },
    body: html(stylesheet),
  }));
  await page.goto(`${baseUrl}/__kit/`, { waitUntil: 'load' });
  const styled = await page.evaluate(() => getComputedStyle(document.querySelector('.x-card')!).borderRadius);
  if (styled === '0px') throw new Error('the kit page is unstyled: the stylesheet did not load');
}
