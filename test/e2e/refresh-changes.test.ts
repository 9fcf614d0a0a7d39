import axios from 'axios';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CHANGE_MARK } from '../../addin/workbook/excel/mark-changes.js';
import { axeViolations } from './support/axe.js';
import { snap } from './support/browser.js';
import { insertOrdersByRegion, type PaneSession, startPaneSession, tableColumn, workbookSnapshot } from './support/pane.js';

/**
 * Issue #20 must-show, in the browser preview against `npm start`'s server and demo site: rows of
 * the view change in Tableau (the simulator's POST /_sim/data/:key/rows) — 3 changed, 2 added,
 * 1 removed — and Refresh says exactly that and highlights exactly those cells.
 */
const SUITE = 'refresh-changes';
const TABLE = 'RegionChanges';
const STATUS = '3 changed, 2 added, 1 removed since the last refresh (by "Region" + "Category").';

interface Mark {
  rect: { row: number; col: number; rows: number; cols: number };
  formula: string;
  fill: string | null;
}

/** The conditional formats of a sheet of the preview's in-memory workbook (addin/main.tsx exposes it). */
async function marksOn(page: Page, sheet: string): Promise<Mark[]> {
  return page.evaluate((name) => {
    type Wb = { findSheet(n: string): { conditionalFormats: Mark[] } | undefined };
    const wb = (globalThis as unknown as { __previewWorkbook: Wb }).__previewWorkbook;
    return (wb.findSheet(name)?.conditionalFormats ?? []).map((f) => ({ rect: { ...f.rect }, formula: f.formula, fill: f.fill }));
  }, sheet);
}

describe('what changed since the last refresh', () => {
  let session: PaneSession;
  let page: Page;
  /** Rows of the simulator's Superstore Orders after the first test's edits (the edit route says it). */
  let ordersRows = 10_000;

  beforeAll(async () => {
    session = await startPaneSession();
    page = session.page;
  });
  afterAll(async () => session?.close());

  it('says "3 changed, 2 added, 1 removed" after a refresh and highlights exactly those rows and cells', async () => {
    await insertOrdersByRegion(page, TABLE);

    // Properties: rows are matched by Region + Category (no single column of this view is unique), highlight on.
    await page.getByRole('tab', { name: 'Tables' }).click();
    await page.getByRole('button', { name: `Properties of ${TABLE}` }).click();
    await page.getByRole('checkbox', { name: 'Region', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Category', exact: true }).check();
    await page.getByRole('checkbox', { name: /^Highlight added rows and changed cells/ }).check();
    await page.getByRole('button', { name: 'Save properties' }).click();

    const before = await workbookSnapshot(page);
    const keysBefore = tableColumn(before, TABLE, 'Region').map((r, i) => `${r.value}|${tableColumn(before, TABLE, 'Category')[i].value}`);
    expect(keysBefore).toHaveLength(12);

    // In Tableau: every order of three (Region, Category) pairs now has quantity 1 (their Quantity sums
    // change, nothing else), all West Technology orders are gone, and two orders of a new region arrive.
    const changed = ['East|Furniture', 'East|Office Supplies', 'South|Technology'];
    const order = (id: number, category: string) => ({
      'Row ID': id,
      Region: 'North',
      Category: category,
      Sales: 500,
      Profit: 50,
      Quantity: 2,
      Discount: 0,
    });
    const edit = await axios.post(`${session.product.simUrl}/_sim/data/superstore-orders/rows`, {
      update: changed.map((k) => ({ where: { Region: k.split('|')[0], Category: k.split('|')[1] }, set: { Quantity: 1 } })),
      remove: [{ where: { Region: 'West', Category: 'Technology' } }],
      add: [order(20_001, 'Furniture'), order(20_002, 'Technology')],
    });
    expect(edit.status).toBe(200);
    ordersRows = (edit.data as { rowCount: number }).rowCount;

    await page.getByRole('button', { name: `Refresh ${TABLE}` }).click();
    await page.getByText(STATUS).first().waitFor({ timeout: 30_000 });

    const after = await workbookSnapshot(page);
    const table = after.tables.find((t) => t.name === TABLE)!;
    const regions = tableColumn(after, TABLE, 'Region').map((c) => c.value);
    const keys = regions.map((r, i) => `${r}|${tableColumn(after, TABLE, 'Category')[i].value}`);
    expect(keys).toHaveLength(13);
    expect(keys).not.toContain('West|Technology');

    // The highlight: the added rows across all columns and the Quantity cell of each changed row, nothing else.
    const [, col0, headerRow] = /^(?:.*!)?\$?([A-Z]+)\$?(\d+)/.exec(table.address)!;
    const firstCol = col0.charCodeAt(0) - 65;
    const quantity = table.headers.indexOf('Quantity');
    const expected = new Set<string>();
    keys.forEach((k, i) => {
      const row = Number(headerRow) + i; // 0-based sheet row of data row i (the header is 1-based headerRow)
      if (k.startsWith('North|')) table.headers.forEach((_, c) => expected.add(`${row},${firstCol + c}`));
      if (changed.includes(k)) expected.add(`${row},${firstCol + quantity}`);
    });
    const marks = (await marksOn(page, table.sheet)).filter((m) => m.formula === CHANGE_MARK);
    const marked = new Set<string>();
    for (const { rect } of marks)
      for (let r = rect.row; r < rect.row + rect.rows; r++) for (let c = rect.col; c < rect.col + rect.cols; c++) marked.add(`${r},${c}`);
    expect([...marked].sort()).toEqual([...expected].sort());
    expect(marks.every((m) => m.fill === '#FFF2CC')).toBe(true);

    // The preview grid draws them: the same number of cells, with the highlight's fill.
    await expect.poll(async () => page.locator('[data-fill="#FFF2CC"]').count(), { timeout: 10_000 }).toBe(expected.size);
    const png = await snap(page, SUITE, '01-changes-highlighted');
    expect(png).toMatch(/\.png$/);

    const violations = await axeViolations(page);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  });

  // Issue #20 must-show: the preview shows the total row count (the demo site is Tableau 2026.1: VDS counts it up front).
  it('previews a data source query with the number of rows in all', async () => {
    await page.getByRole('tab', { name: 'Browse' }).click();
    const back = page.getByRole('button', { name: 'Back' });
    while (await back.isVisible()) await back.click();
    await page.getByRole('tab', { name: 'Data sources' }).click();
    await page.getByRole('button', { name: /^Superstore Orders in/ }).click();
    const addField = page.getByLabel('Add a field');
    await addField.waitFor({ timeout: 30_000 });
    // Row ID is unique: one result row per order line.
    await addField.selectOption({ label: 'Row ID' });
    await addField.selectOption({ label: 'Region' });
    await page.getByRole('button', { name: 'Preview data' }).click();
    const total = ordersRows.toLocaleString('en-US');
    await page
      .getByText(new RegExp(`^First 100 of ${total} rows`))
      .first()
      .waitFor({ timeout: 30_000 });
    await snap(page, SUITE, '02-preview-total');
  });
});
