/**
 * pane_*: the task pane as `npm start` serves it (the built add-in, scripts/ensure-build.ts).
 *  - initial JavaScript: the gzip size of every script and modulepreload of our own that
 *    taskpane.html names, i.e. the entry chunk and its static imports; lazy chunks are not counted.
 *    office.js is Microsoft's (their CDN, cached across add-ins) and reported separately.
 *  - cold: headless Chromium opens the pane from the companion server in static mode in a fresh
 *    browser context each time (empty HTTP cache); warm: the same context reloads the page (the
 *    browser revalidates taskpane.html, hashed chunks come from its cache). Each is measured from
 *    navigation start (performance.now() = 0) to the moment the Connect form's first input exists
 *    and is enabled (a MutationObserver installed before any page script runs).
 * The CDN is unreachable here, so office.js is answered from the packaged copy through the
 * DevTools protocol's Fetch domain, like a CDN on loopback. Not Playwright's page.route: routing
 * turns the browser's HTTP cache off (playwright.dev/docs/api/class-page#page-route), which would
 * make every "warm" open cold. The server is plain HTTP on 127.0.0.1: Chromium does not cache
 * responses from a host whose certificate it does not trust, as the dev certificate is here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { type BrowserContext, chromium, type Page } from 'playwright-core';

import { ensureAddinBuild } from '../scripts/ensure-build.js';
import { startChild } from './children.js';
import type { Figure } from './report.js';
import { median } from './report.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const FIRST_INPUT = 'form[aria-label="Connect to Tableau"] input';
const OFFICE_JS_CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/';
const OFFICE_JS_PACKAGE = join(ROOT, 'node_modules/@microsoft/office-js/dist');

/** Script and modulepreload URLs of the built HTML, in document order. */
export function initialScripts(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>|<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const src = m[1] ?? /\bhref="([^"]+)"/.exec(m[0])?.[1];
    if (src) out.push(src);
  }
  return out;
}

function gzipKb(path: string): number {
  return gzipSync(readFileSync(path)).length / 1024;
}

/**
 * Page script (a string: tsx would wrap named functions in a `__name` helper the page lacks) that
 * records performance.now() the first time `selector` matches an enabled input.
 */
function interactiveProbe(selector: string): string {
  return `(() => {
    const check = () => {
      const input = document.querySelector(${JSON.stringify(selector)});
      if (input && !input.disabled && window.__interactiveAt === undefined) window.__interactiveAt = performance.now();
      return window.__interactiveAt !== undefined;
    };
    new MutationObserver((_, observer) => { if (check()) observer.disconnect(); }).observe(document, { childList: true, subtree: true, attributes: true });
  })();`;
}

/** Answers the office.js CDN from the package, leaving the browser's cache on. */
async function officeJsFromPackage(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  cdp.on('Fetch.requestPaused', (event: { requestId: string; request: { url: string } }) => {
    const file = join(OFFICE_JS_PACKAGE, new URL(event.request.url).pathname.slice(new URL(OFFICE_JS_CDN).pathname.length));
    const found = file.startsWith(`${OFFICE_JS_PACKAGE}/`) && existsSync(file);
    void cdp.send('Fetch.fulfillRequest', {
      requestId: event.requestId,
      responseCode: found ? 200 : 404,
      responseHeaders: [
        { name: 'content-type', value: 'application/javascript; charset=utf-8' },
        { name: 'cache-control', value: 'public, max-age=86400' },
        // office.js fetches its file-mapping table in CORS mode; the CDN allows any origin.
        { name: 'access-control-allow-origin', value: '*' },
      ],
      body: found ? readFileSync(file).toString('base64') : '',
    });
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${OFFICE_JS_CDN}*`, requestStage: 'Request' }] });
}

async function openedAt(page: Page, open: () => Promise<unknown>): Promise<number> {
  await open();
  await page.waitForFunction(() => (window as unknown as { __interactiveAt?: number }).__interactiveAt !== undefined, undefined, {
    timeout: 30_000,
  });
  return page.evaluate(() => (window as unknown as { __interactiveAt: number }).__interactiveAt);
}

async function paneOpenTimes(url: string, runs: number): Promise<{ cold: number[]; warm: number[] }> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await officeJsFromPackage(context, page);
      await page.addInitScript(interactiveProbe(FIRST_INPUT));
      cold.push(await openedAt(page, () => page.goto(url)));
      warm.push(await openedAt(page, () => page.reload()));
      await context.close();
    }
    return { cold, warm };
  } finally {
    await browser.close();
  }
}

export async function benchPane(o: { runs?: number } = {}): Promise<Figure[]> {
  const runs = o.runs ?? 5;
  const { outDir } = await ensureAddinBuild();
  const html = readFileSync(join(outDir, 'taskpane.html'), 'utf8');
  const ours = initialScripts(html).filter((s) => s.startsWith('/'));
  if (ours.length === 0) throw new Error('pane bench: the built taskpane.html names no scripts of ours');
  const sizes = ours.map((s) => ({ s, kb: gzipKb(join(outDir, s)) }));
  const total = sizes.reduce((a, x) => a + x.kb, 0);

  const server = await startChild({ role: 'server', addin: 'static', distDir: outDir });
  let times: { cold: number[]; warm: number[] };
  try {
    times = await paneOpenTimes(`${server.url}/taskpane.html`, runs);
  } finally {
    await server.stop();
  }
  const list = (xs: number[]) => xs.map((t) => t.toFixed(0)).join(', ');
  return [
    {
      name: 'pane_initial_js_gzip_kb',
      value: total,
      target: 300,
      goal: 'max',
      unit: 'KB',
      note: `${sizes.map((x) => `${x.s.replace('/assets/', '')} ${x.kb.toFixed(0)} KB`).join(', ')} (gzip); office.js from Microsoft not counted (${gzipKb(join(OFFICE_JS_PACKAGE, 'office.js')).toFixed(0)} KB)`,
    },
    {
      name: 'pane_cold_ms',
      value: median(times.cold),
      target: 1000,
      goal: 'max',
      unit: 'ms',
      note: `headless Chromium, fresh context (empty cache), built add-in from the companion server, median of ${runs}: ${list(times.cold)} ms`,
    },
    {
      name: 'pane_warm_ms',
      value: median(times.warm),
      target: 300,
      goal: 'max',
      unit: 'ms',
      note: `reload in the same context (cached chunks, taskpane.html revalidated), median of ${runs}: ${list(times.warm)} ms`,
    },
  ];
}
