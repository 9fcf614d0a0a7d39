import axios from 'axios';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.js';
import { snap } from './support/browser.js';
import { startPaneSession, tableColumn, workbookSnapshot, type PaneSession } from './support/pane.js';
import type { RunningProduct } from './support/product.js';

/**
 * Issue #6 must-show, in the browser preview against `npm start`'s server and demo site: insert a
 * table, add a formula column next to it, change the data in Tableau (the simulator), Refresh — the
 * table shows the new data and the formula column is still there and filled.
 */
const SUITE = 'refresh';
const TABLE = 'Regions';

describe('refreshing an inserted table', () => {
  let session: PaneSession;
  let product: RunningProduct;
  let page: Page;

  beforeAll(async () => {
    session = await startPaneSession();
    ({ product, page } = session);
  });
  afterAll(async () => session?.close());

  it('shows the new data after Refresh and keeps the formula column filled', async () => {
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Samples' }).click();
    await page.getByRole('treeitem', { name: 'Sales', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Superstore', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Orders by Region', exact: true }).first().click();
    await page.getByRole('button', { name: 'Preview data' }).click();
    await page.getByLabel('Table name').fill(TABLE);
    await page.getByRole('button', { name: 'Insert' }).click();
    await page.getByText(new RegExp(`Inserted [\\d,]+ rows into ${TABLE}`)).first().waitFor({ timeout: 60_000 });

    const before = await workbookSnapshot(page);
    const salesBefore = tableColumn(before, TABLE, 'Sales').map((c) => c.value as number);
    expect(salesBefore.every((v) => typeof v === 'number')).toBe(true);

    // What Excel ends up with when the analyst types a header and `=[@Sales]*2` in the column to
    // the right of the table: the table grows by that column and the formula becomes a calculated
    // column. (The preview grid is read-only, so the test types through the in-memory workbook.)
    await page.evaluate((name) => {
      type Wb = {
        findTable(n: string): { sheet: string; row: number; col: number; rows: number; cols: number };
        writeValue(s: string, r: number, c: number, v: unknown): void;
        writeFormula(s: string, r: number, c: number, f: string): void;
        resizeTable(n: string, rect: { row: number; col: number; rows: number; cols: number }): void;
        notify(): void;
      };
      const wb = (globalThis as unknown as { __previewWorkbook: Wb }).__previewWorkbook;
      const t = wb.findTable(name);
      const col = t.col + t.cols;
      wb.writeValue(t.sheet, t.row, col, 'Double Sales');
      for (let r = 1; r <= t.rows; r++) wb.writeFormula(t.sheet, t.row + r, col, '=[@Sales]*2');
      wb.resizeTable(name, { row: t.row, col: t.col, rows: t.rows + 1, cols: t.cols + 1 });
      wb.notify();
    }, TABLE);
    const withFormula = await workbookSnapshot(page);
    expect(tableColumn(withFormula, TABLE, 'Double Sales').map((c) => c.value)).toEqual(salesBefore.map((v) => v * 2));
    await snap(page, SUITE, '01-formula-column');

    // Tableau's data changes: every order's sales double.
    const mutate = await axios.post(`${product.simUrl}/_sim/data/superstore-orders/mutate`, { salesFactor: 2 });
    expect(mutate.status).toBe(200);

    await page.getByRole('tab', { name: 'Tables' }).click();
    await page.getByRole('button', { name: `Refresh ${TABLE}` }).click();
    await expect
      .poll(async () => tableColumn(await workbookSnapshot(page), TABLE, 'Sales')[0].value, { timeout: 60_000, interval: 250 })
      .not.toBe(salesBefore[0]);
    await snap(page, SUITE, '02-refreshed');

    const after = await workbookSnapshot(page);
    const table = after.tables.find((t) => t.name === TABLE)!;
    expect(table.headers.at(-1)).toBe('Double Sales');
    expect(table.rows).toBe(salesBefore.length);
    const salesAfter = tableColumn(after, TABLE, 'Sales').map((c) => c.value as number);
    // Sales doubled at the source (the simulator also re-draws its data version, so sums move a little more).
    salesAfter.forEach((v, i) => expect(v / salesBefore[i]).toBeGreaterThan(1.8));
    salesAfter.forEach((v, i) => expect(v / salesBefore[i]).toBeLessThan(2.2));
    const doubled = tableColumn(after, TABLE, 'Double Sales');
    expect(doubled.every((c) => c.formula === '=[@Sales]*2')).toBe(true);
    expect(doubled.map((c) => c.value)).toEqual(salesAfter.map((v) => v * 2));

    await expect.poll(async () => (await page.getByText(/Refreshed|rows/).count()) > 0).toBe(true);
    const violations = await axeViolations(page);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  });
});
