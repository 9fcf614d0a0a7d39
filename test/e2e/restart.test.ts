import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import axios from 'axios';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, serveOfficeJsFromPackage, snap } from './support/browser.js';
import { insertOrdersByRegion, openPane, tableColumn, workbookSnapshot } from './support/pane.js';
import { type RunningProduct, startProduct } from './support/product.js';

/**
 * Issue #14 must-show: a table inserted from the demo site before a restart still refreshes after
 * it. The product runs as `npm start` does, twice, on the same data directory and the same ports
 * (the demo site's is fixed: DEMO_PORT); the pane stays open in the browser preview across the
 * restart (its workbook lives in the page) and the analyst presses Refresh. Along the way: the
 * server stops within 2 s, and the pane runs under the server's Content-Security-Policy without a
 * single violation.
 */
const SUITE = 'restart';
const TABLE = 'Regions';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('restarting the server', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let product: RunningProduct | undefined;
  let browser: Browser;
  let page: Page;
  const console: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tableau-excel-restart-'));
    env = { PORT: String(await freePort()), DEMO_PORT: String(await freePort()) };
    // The default level, as `npm start` runs (product.ts lowers it to warn for the other suites).
    product = await startProduct({ dataDir, env: { ...env, LOG_LEVEL: 'info' } });
    browser = await launchBrowser();
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    await serveOfficeJsFromPackage(context);
    page = await context.newPage();
    page.on('console', (m: ConsoleMessage) => console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
    await openPane(page, product.url);
  });

  afterAll(async () => {
    await browser?.close();
    await product?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the demo site at its address, and a table inserted before the restart refreshes after it', async () => {
    const demoUrl = product!.health.demo!.serverUrl;
    expect(demoUrl).toBe(`http://127.0.0.1:${env.DEMO_PORT}`);

    await insertOrdersByRegion(page, TABLE);
    const salesBefore = tableColumn(await workbookSnapshot(page), TABLE, 'Sales').map((c) => c.value as number);
    expect(salesBefore.length).toBeGreaterThan(0);
    await snap(page, SUITE, '01-inserted-before-restart');

    const stopping = Date.now();
    await product!.close();
    const stopMs = Date.now() - stopping;
    const output = product!.output();
    product = undefined;
    expect(stopMs, 'the server stops within 2 s of SIGTERM').toBeLessThanOrEqual(2_000);
    // Dozens of requests (pages, chunks, browsing, two pulls) and not one line about them at info.
    const logLines = output.split('\n').filter((l) => l.startsWith('{'));
    expect(
      logLines.filter((l) => /"(path|req|res)":|incoming request|request completed/.test(l)),
      output,
    ).toEqual([]);
    expect(logLines.length, output).toBeLessThan(15);

    product = await startProduct({ dataDir, env });
    expect(product.health.demo!.serverUrl).toBe(demoUrl);
    // Tableau's data changes after the restart, so the refreshed values can only come from the new run.
    const mutate = await axios.post(`${product.simUrl}/_sim/data/superstore-orders/mutate`, { salesFactor: 2 });
    expect(mutate.status).toBe(200);

    await page.getByRole('tab', { name: 'Tables' }).click();
    await snap(page, SUITE, '02-tables-after-restart');
    await page.getByRole('button', { name: `Refresh ${TABLE}` }).click();
    await expect
      .poll(async () => tableColumn(await workbookSnapshot(page), TABLE, 'Sales')[0].value, { timeout: 60_000, interval: 250 })
      .not.toBe(salesBefore[0]);
    const refreshButton = page.getByRole('button', { name: `Refresh ${TABLE}` });
    await expect.poll(() => refreshButton.isEnabled(), { timeout: 60_000 }).toBe(true);
    await snap(page, SUITE, '03-refreshed-after-restart');
    const salesAfter = tableColumn(await workbookSnapshot(page), TABLE, 'Sales').map((c) => c.value as number);
    expect(salesAfter).toHaveLength(salesBefore.length);
    salesAfter.forEach((v, i) => expect(v / salesBefore[i]).toBeGreaterThan(1.8));

    const violations = console.filter((line) => /Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(line));
    expect(violations, console.join('\n')).toEqual([]);
  });
});

describe('the demo port', () => {
  it('refuses to start, naming DEMO_PORT, when another program holds it', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const started = startProduct({ env: { DEMO_PORT: String(port) }, timeoutMs: 30_000 });
      await expect(started).rejects.toThrow(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}.*DEMO_PORT`));
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
