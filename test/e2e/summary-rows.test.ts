import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { snap } from './support/browser.js';
import { type PaneSession, startPaneSession, tableColumn, workbookSnapshot } from './support/pane.js';

/**
 * Issue #19 must-show, in a real browser against the server and demo site `npm start` runs:
 * a summary view → "Get the rows behind this view" → a row-level table with the same filter (more
 * rows than the summary, the filter holding in every row); a dashboard → its second sheet picked →
 * that sheet's data in the table, not the first sheet's. Screenshots land in test-artifacts/summary-rows/.
 */
const SUITE = 'summary-rows';

async function openSuperstoreView(page: Page, name: string): Promise<void> {
  // The tree remembers what is open: expand only what is not.
  for (const folder of ['Samples', 'Sales', 'Superstore']) {
    const item = page.getByRole('treeitem', { name: folder, exact: true });
    await item.waitFor({ timeout: 30_000 });
    if ((await item.getAttribute('aria-expanded')) !== 'true') await item.click();
  }
  await page.getByRole('treeitem', { name, exact: true }).first().click();
}

async function addFilter(page: Page, field: string, value: string): Promise<void> {
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByLabel('Field 1', { exact: true }).fill(field);
  await page.getByLabel('Value 1', { exact: true }).first().fill(value);
}

async function insertAs(page: Page, tableName: string): Promise<void> {
  await page.getByLabel('Table name').fill(tableName);
  await page.getByRole('button', { name: 'Insert' }).click();
  await page
    .getByText(new RegExp(`Inserted [\\d,]+ rows into ${tableName}`))
    .first()
    .waitFor({ timeout: 90_000 });
}

async function backHome(page: Page): Promise<void> {
  const back = page.getByRole('button', { name: 'Back', exact: true });
  while (await back.isVisible()) await back.click();
}

describe('the rows behind a summary view, and a dashboard sheet picked', () => {
  let session: PaneSession;
  let page: Page;

  beforeAll(async () => {
    session = await startPaneSession();
    ({ page } = session);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
  });
  afterAll(async () => session?.close());

  it('turns a filtered summary view into its row-level rows, the filter holding in every row', async () => {
    await openSuperstoreView(page, 'Orders by Region');
    await addFilter(page, 'Region', 'West');
    await page.getByRole('button', { name: 'Preview data' }).click();
    await insertAs(page, 'WestSummary');

    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await addFilter(page, 'Region', 'West');
    await page.getByRole('button', { name: 'Get the rows behind this view' }).click();
    // The prepared query opens in the query builder, with what to know about it.
    await page.getByText(/One row per row of the data source \(Row ID/).waitFor({ timeout: 60_000 });
    await snap(page, SUITE, '01-rows-behind-query');
    await page.getByRole('button', { name: 'Preview data' }).click();
    await page.getByLabel('Table name').waitFor({ timeout: 60_000 });
    await snap(page, SUITE, '02-rows-behind-preview');
    await insertAs(page, 'WestRows');
    await snap(page, SUITE, '03-rows-behind-inserted');

    const grid = await workbookSnapshot(page);
    const summaryRegions = tableColumn(grid, 'WestSummary', 'Region').map((c) => c.value);
    const rowRegions = tableColumn(grid, 'WestRows', 'Region').map((c) => c.value);
    const rowIds = tableColumn(grid, 'WestRows', 'Row ID').map((c) => c.value);
    expect(summaryRegions.length).toBeGreaterThan(0);
    expect(new Set(summaryRegions)).toEqual(new Set(['West']));
    expect(rowRegions.length).toBeGreaterThan(summaryRegions.length);
    expect(rowRegions.every((r) => r === 'West')).toBe(true);
    // Row level: every row its own, none collapsed.
    expect(new Set(rowIds).size).toBe(rowIds.length);
    const sales = (t: string) => tableColumn(grid, t, 'Sales').reduce((sum, c) => sum + Number(c.value), 0);
    expect(Math.abs(sales('WestRows') - sales('WestSummary'))).toBeLessThan(sales('WestSummary') * 0.001);
  });

  it("inserts the dashboard's second sheet's data when that sheet is picked", async () => {
    await backHome(page);
    await openSuperstoreView(page, 'Sales Overview');
    const second = page.getByRole('radio', { name: /^Orders by Month/ });
    await second.waitFor({ timeout: 60_000 });
    await second.check();
    await snap(page, SUITE, '04-dashboard-sheet-picked');
    await page.getByRole('button', { name: 'Preview Orders by Month' }).click();
    await insertAs(page, 'DashboardSecond');
    await snap(page, SUITE, '05-dashboard-second-inserted');

    const table = (await workbookSnapshot(page)).tables.find((t) => t.name === 'DashboardSecond');
    // Orders by Month's columns, not those of Orders by Region (what the dashboard's own export gives).
    expect(table?.headers).toEqual(['Month of Order Date', 'Segment', 'Sales']);
    expect(table?.rows).toBeGreaterThan(12);
  });
});
