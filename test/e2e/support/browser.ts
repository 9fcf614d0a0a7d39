import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (which never downloads a browser).
 * The flags keep Chromium from reaching out to Google's hosts: this machine has no network but
 * loopback, and without them Chromium fills the log with refused connections (env notes).
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (see .ci/run).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Screenshots of each step are kept as test artefacts in test-artifacts/<suite>/. */
function artifactDir(suite: string): string {
  const dir = path.resolve('test-artifacts', suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function snap(page: Page, suite: string, step: string): Promise<string> {
  const file = path.join(artifactDir(suite), `${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Where the pages load office.js from (addin/taskpane.html). */
export const OFFICE_JS_CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/';
const OFFICE_JS_PACKAGE = path.resolve('node_modules/@microsoft/office-js/dist');

/**
 * Answers Microsoft's office.js CDN from the packaged copy (@microsoft/office-js, the same files):
 * this machine reaches no CDN. A path that is not in the package answers 404, as the CDN would.
 */
export async function serveOfficeJsFromPackage(context: BrowserContext): Promise<void> {
  await context.route(`${OFFICE_JS_CDN}**`, async (route) => {
    const rest = decodeURIComponent(new URL(route.request().url()).pathname.slice(new URL(OFFICE_JS_CDN).pathname.length));
    const file = path.join(OFFICE_JS_PACKAGE, rest);
    if (!file.startsWith(`${OFFICE_JS_PACKAGE}${path.sep}`) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    await route.fulfill({ status: 200, contentType: 'application/javascript; charset=utf-8', body: readFileSync(file) });
  });
}
