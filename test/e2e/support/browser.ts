import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Debian's Chromium, driven by playwright-core (which never downloads a browser).
 * The flags keep Chromium from reaching out to Google's hosts: this machine has no network but
 * loopback, and without them Chromium fills the log with refused connections (env notes).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
export function artifactDir(suite: string): string {
  const dir = path.resolve('test-artifacts', suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function snap(page: Page, suite: string, step: string): Promise<string> {
  const file = path.join(artifactDir(suite), `${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
