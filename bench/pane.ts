/**
 * pane_*: the task pane as it ships.
 *  - initial JavaScript: `vite build` (into a temporary directory, so a colleague's dist/addin is
 *    left alone), then the gzip size of every script and modulepreload taskpane.html names, i.e. the
 *    entry chunk and its static imports; lazy chunks are not counted. /office-js/office.js is
 *    Microsoft's (from their CDN in production, cached across add-ins) and reported separately.
 *  - time to interactive: headless Chromium opens the pane from the companion server in static
 *    mode; measured from navigation start (performance.now() = 0) to the moment the Connect form's
 *    first input exists and is enabled (a MutationObserver installed before any page script runs).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startChild } from './children.js';
import type { Figure } from './report.js';
import { median } from './report.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHROMIUM_ARGS = ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const FIRST_INPUT = 'form[aria-label="Connect to Tableau"] input';

/** Script and modulepreload URLs of the built HTML, in document order. */
export function initialScripts(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>|<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const src = m[1] ?? /\bhref="([^"]+)"/.exec(m[0])?.[1];
    if (src) out.push(src);
  }
  return out;
}

export async function buildPane(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true, sourcemap: false } });
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

async function timeToInteractive(url: string, runs: number): Promise<number[]> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(interactiveProbe(FIRST_INPUT));
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { __interactiveAt?: number }).__interactiveAt !== undefined, undefined, { timeout: 30_000 });
      times.push(await page.evaluate(() => (window as unknown as { __interactiveAt: number }).__interactiveAt));
      await context.close();
    }
    return times;
  } finally {
    await browser.close();
  }
}

export async function benchPane(o: { runs?: number } = {}): Promise<Figure[]> {
  const runs = o.runs ?? 3;
  const outDir = mkdtempSync(join(tmpdir(), 'bench-pane-'));
  try {
    await buildPane(outDir);
    const html = readFileSync(join(outDir, 'taskpane.html'), 'utf8');
    const scripts = initialScripts(html);
    const ours = scripts.filter((s) => !s.startsWith('/office-js/'));
    if (ours.length === 0) throw new Error('pane bench: the built taskpane.html names no scripts');
    const sizes = ours.map((s) => ({ s, kb: gzipKb(join(outDir, s)) }));
    const total = sizes.reduce((a, x) => a + x.kb, 0);
    const officeJs = join(ROOT, 'node_modules/@microsoft/office-js/dist/office.js');

    const server = await startChild({ role: 'server', addin: 'static', distDir: outDir });
    let times: number[];
    try {
      times = await timeToInteractive(`${server.url}/taskpane.html`, runs);
    } finally {
      await server.stop();
    }
    return [
      {
        name: 'pane_initial_js_gzip_kb',
        value: total,
        target: 300,
        goal: 'max',
        unit: 'KB',
        note: `${sizes.map((x) => `${x.s.replace('/assets/', '')} ${x.kb.toFixed(0)} KB`).join(', ')} (gzip); office.js from Microsoft not counted (${gzipKb(officeJs).toFixed(0)} KB)`,
      },
      {
        name: 'pane_interactive_ms',
        value: median(times),
        target: null,
        goal: 'none',
        unit: 'ms',
        note: `headless Chromium, companion server in static mode, median of ${runs}: ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
      },
    ];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
