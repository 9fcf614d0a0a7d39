import type { Browser, Page } from 'playwright-core';

import { launchBrowser, serveOfficeJsFromPackage } from './browser.js';
import { type RunningProduct, startProduct } from './product.js';

/** Reading the browser preview's in-memory workbook (exposed by addin/main.tsx for these tests). */
export interface GridCell {
  value: string | number | boolean | null;
  formula?: string;
  format?: string;
}
export interface GridSnapshot {
  sheets: Record<string, Record<string, GridCell>>;
  tables: { name: string; sheet: string; address: string; headers: string[]; rows: number }[];
}

export async function workbookSnapshot(page: Page): Promise<GridSnapshot> {
  return page.evaluate(() => {
    const wb = (globalThis as unknown as { __previewWorkbook: { snapshot(): unknown } }).__previewWorkbook;
    return wb.snapshot() as GridSnapshot;
  });
}

/** The cells of one table column (data rows only), by header name. */
export function tableColumn(snapshot: GridSnapshot, tableName: string, header: string): GridCell[] {
  const table = snapshot.tables.find((t) => t.name === tableName);
  if (!table) throw new Error(`No table ${tableName}; tables: ${snapshot.tables.map((t) => t.name).join(', ')}`);
  const [start] = table.address.replace(/^.*!/, '').split(':');
  const m = /^([A-Z]+)(\d+)$/.exec(start.replace(/\$/g, ''));
  if (!m) throw new Error(`Unexpected table address ${table.address}`);
  const firstCol = letterToIndex(m[1]);
  const headerRow = Number(m[2]);
  const index = table.headers.indexOf(header);
  if (index < 0) throw new Error(`No column ${header} in ${tableName}: ${table.headers.join(', ')}`);
  const letter = indexToLetter(firstCol + index);
  const cells = snapshot.sheets[table.sheet];
  const out: GridCell[] = [];
  for (let r = 1; r <= table.rows; r++) out.push(cells[`${letter}${headerRow + r}`] ?? { value: null });
  return out;
}

function letterToIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function indexToLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Opens the pane in the browser preview, ready to use. */
export async function openPane(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/taskpane.html`, { timeout: 30_000, waitUntil: 'domcontentloaded' });
  await page.getByRole('button', { name: 'Connect', exact: true }).waitFor({ timeout: 30_000 });
}

/** The product as `npm start` runs it, a browser, and the pane open in it: shared by the flow suites. */
export interface PaneSession {
  product: RunningProduct;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** `viewport`: the browser window (default 1280×800; the keyboard flow uses a 320 px wide one, the pane's width). */
export async function startPaneSession(opts: { viewport?: { width: number; height: number } } = {}): Promise<PaneSession> {
  const product = await startProduct();
  const browser = await launchBrowser().catch(async (error: unknown) => {
    await product.close();
    throw error;
  });
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: opts.viewport ?? { width: 1280, height: 800 } });
  await serveOfficeJsFromPackage(context);
  const page = await context.newPage();
  const close = async () => {
    await browser.close();
    await product.close();
  };
  try {
    await openPane(page, product.url);
  } catch (error) {
    await close();
    throw error;
  }
  return { product, browser, page, close };
}

/**
 * The analyst's first insert: Connect (prefilled demo site), browse Samples › Sales › Superstore ›
 * Orders by Region, preview, insert as `tableName`, and wait for the success message.
 */
export async function insertOrdersByRegion(page: Page, tableName: string): Promise<void> {
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('treeitem', { name: 'Samples' }).click();
  await page.getByRole('treeitem', { name: 'Sales', exact: true }).click();
  await page.getByRole('treeitem', { name: 'Superstore', exact: true }).click();
  await page.getByRole('treeitem', { name: 'Orders by Region', exact: true }).first().click();
  await page.getByRole('button', { name: 'Preview data' }).click();
  await page.getByLabel('Table name').fill(tableName);
  await page.getByRole('button', { name: 'Insert' }).click();
  await page
    .getByText(new RegExp(`Inserted [\\d,]+ rows into ${tableName}`))
    .first()
    .waitFor({ timeout: 60_000 });
}
