import axios from 'axios';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSimulator, DEMO, type Simulator } from '../../server/sim/index.js';
import { axeViolations } from './support/axe.js';
import { snap } from './support/browser.js';
import { insertOrdersByRegion, type PaneSession, startPaneSession, tableColumn, workbookSnapshot } from './support/pane.js';
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
    await insertOrdersByRegion(page, TABLE);

    const before = await workbookSnapshot(page);
    const salesBefore = tableColumn(before, TABLE, 'Sales').map((c) => c.value as number);
    expect(salesBefore.every((v) => typeof v === 'number')).toBe(true);

    // The analyst types a header in the column to the right of the table and `=[@Sales]*2` under it:
    // the in-memory Excel grows the table by that column and fills the calculated column, as Excel's
    // AutoCorrect does (addin/workbook/memory/tables.ts). The preview grid is read-only, so the test
    // types through the in-memory workbook.
    await page.evaluate((name) => {
      type Wb = {
        findTable(n: string): { sheet: string; row: number; col: number; rows: number; cols: number };
        writeValue(s: string, r: number, c: number, v: unknown): void;
        writeFormula(s: string, r: number, c: number, f: string): void;
        notify(): void;
      };
      const wb = (globalThis as unknown as { __previewWorkbook: Wb }).__previewWorkbook;
      const t = wb.findTable(name);
      const col = t.col + t.cols;
      wb.writeValue(t.sheet, t.row, col, 'Double Sales');
      wb.writeFormula(t.sheet, t.row + 1, col, '=[@Sales]*2');
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

  // Issue #14: the table's Tableau site moved (here: a second demo site on another port). Edit →
  // "Server and site" moves the table there; it refreshes from the new site in place.
  it('moves a table to another server and site with Edit, and refreshes it from there', async () => {
    let moved: Simulator | undefined;
    try {
      moved = await createSimulator();
      // The new site's data differs from the old one's (which the test above doubled): sales tripled.
      await axios.post(`${moved.url}/_sim/data/superstore-orders/mutate`, { salesFactor: 3 });
      const salesBefore = tableColumn(await workbookSnapshot(page), TABLE, 'Sales').map((c) => c.value as number);

      await page.getByRole('tab', { name: 'Connect' }).click();
      await page.getByLabel('Server URL').fill(moved.url);
      await page.getByLabel('Site ID').fill(DEMO.siteContentUrl);
      await page.getByLabel('Token name').fill(DEMO.patName);
      await page.getByLabel('Token secret').fill(DEMO.patSecret);
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.getByRole('tab', { name: 'Browse', selected: true }).waitFor({ timeout: 30_000 });

      await page.getByRole('tab', { name: 'Tables' }).click();
      await page.getByRole('button', { name: `Edit the source of ${TABLE}` }).click();
      const newSite = `${DEMO.siteContentUrl} on ${moved.url} (${DEMO.patName})`;
      await page.getByLabel('Server and site').selectOption({ label: newSite });
      await page
        .getByRole('button', { name: /^View: Orders by Region/ })
        .first()
        .click();
      await snap(page, SUITE, '03-edit-moves-site');
      await page.getByRole('button', { name: 'Save and refresh' }).click();

      await expect
        .poll(async () => tableColumn(await workbookSnapshot(page), TABLE, 'Sales')[0].value, { timeout: 60_000, interval: 250 })
        .not.toBe(salesBefore[0]);
      const salesAfter = tableColumn(await workbookSnapshot(page), TABLE, 'Sales').map((c) => c.value as number);
      expect(salesAfter).toHaveLength(salesBefore.length);
      // ×3 at the new site against ×2 at the old one.
      salesAfter.forEach((v, i) => expect(v / salesBefore[i]).toBeGreaterThan(1.3));
      salesAfter.forEach((v, i) => expect(v / salesBefore[i]).toBeLessThan(1.7));
      await page.getByRole('button', { name: `Provenance of ${TABLE}` }).click();
      await page.getByText(`Tableau site: ${DEMO.siteContentUrl} on ${moved.url}`).waitFor();
      await snap(page, SUITE, '04-moved-and-refreshed');
      const violations = await axeViolations(page);
      expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
    } finally {
      await moved?.close();
    }
  });
});
