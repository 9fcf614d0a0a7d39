import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { axeViolations } from './support/axe.js';
import { snap } from './support/browser.js';
import { type PaneSession, startPaneSession, tableColumn, workbookSnapshot } from './support/pane.js';

/**
 * Issue #5 must-show: in a real browser, against the server and demo site `npm start` runs, an
 * analyst connects, browses to a view, inserts it and finds a typed table; the same for a data
 * source query. Every screen of the pane passes axe-core; screenshots land in test-artifacts/pane/.
 */
const SUITE = 'pane';

describe('task pane in the browser preview', () => {
  let session: PaneSession;
  let page: Page;

  beforeAll(async () => {
    session = await startPaneSession();
    ({ page } = session);
  });
  afterAll(async () => session?.close());

  async function expectAccessible(step: string) {
    await snap(page, SUITE, step);
    const violations = await axeViolations(page);
    expect(violations, `${step}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  }

  it('connects to the demo site', async () => {
    await expectAccessible('01-connect');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('tree', { name: 'Projects and workbooks' }).waitFor({ timeout: 30_000 });
    await page.getByRole('treeitem', { name: 'Samples' }).waitFor();
    await expectAccessible('02-browse');
  });

  it('browses to a view, previews it and inserts a typed table', async () => {
    await page.getByRole('treeitem', { name: 'Samples' }).click();
    await page.getByRole('treeitem', { name: 'Sales', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Superstore', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Customers', exact: true }).first().click();
    await page.getByRole('button', { name: 'Preview data' }).waitFor();
    await expectAccessible('03-view');

    await page.getByRole('button', { name: 'Preview data' }).click();
    await page.getByRole('button', { name: 'Insert' }).waitFor({ timeout: 30_000 });
    await expectAccessible('04-preview');

    await page.getByLabel('Table name').fill('Customers');
    await page.getByRole('button', { name: 'Insert' }).click();
    await page
      .getByText(/Inserted [\d,]+ rows into Customers/)
      .first()
      .waitFor({ timeout: 60_000 });
    await snap(page, SUITE, '05-inserted-view');

    const wb = await workbookSnapshot(page);
    const table = wb.tables.find((t) => t.name === 'Customers')!;
    expect(table.headers).toEqual(expect.arrayContaining(['Customer ID', 'Postal Code', 'Sales', 'Orders', 'First Order', 'Is Returning']));
    expect(table.rows).toBeGreaterThan(10);
    const sales = tableColumn(wb, 'Customers', 'Sales');
    expect(sales.every((c) => typeof c.value === 'number')).toBe(true);
    expect(sales[0].format).toMatch(/\$/);
    const firstOrder = tableColumn(wb, 'Customers', 'First Order');
    expect(firstOrder.every((c) => typeof c.value === 'number' && c.value > 40_000)).toBe(true); // Excel serials (2009+)
    expect(firstOrder[0].format).toMatch(/[dmy]/);
    const ids = tableColumn(wb, 'Customers', 'Customer ID');
    expect(ids[0].value).toMatch(/^0\d+$/); // leading zeros kept: text, not a number
    expect(ids[0].format).toBe('@');
    expect(tableColumn(wb, 'Customers', 'Is Returning').every((c) => typeof c.value === 'boolean')).toBe(true);
    const notes = tableColumn(wb, 'Customers', 'Notes').filter((c) => typeof c.value === 'string' && /^[=+\-@]/.test(c.value));
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((c) => !c.formula)).toBe(true); // "=..." stays text, never a formula
  });

  it('queries a published data source and inserts the typed result', async () => {
    await page.getByRole('tab', { name: 'Browse' }).click();
    const back = page.getByRole('button', { name: 'Back' });
    while (await back.isVisible()) await back.click();
    await page.getByRole('tab', { name: 'Data sources' }).click();
    await page.getByRole('button', { name: /^Superstore Orders in/ }).click();
    const addField = page.getByLabel('Add a field');
    await addField.waitFor({ timeout: 30_000 });
    await addField.selectOption({ label: 'Region' });
    await addField.selectOption({ label: 'Order Date' });
    await addField.selectOption({ label: 'Sales' });
    await addField.selectOption({ label: 'Quantity' });
    await expectAccessible('06-query');

    await page.getByRole('button', { name: 'Preview data' }).click();
    await page.getByRole('button', { name: 'Insert' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Table name').fill('RegionSales');
    await page.getByRole('button', { name: 'Insert' }).click();
    await page
      .getByText(/Inserted [\d,]+ rows into RegionSales/)
      .first()
      .waitFor({ timeout: 60_000 });
    await snap(page, SUITE, '07-inserted-query');

    const wb = await workbookSnapshot(page);
    const table = wb.tables.find((t) => t.name === 'RegionSales')!;
    expect(table.rows).toBeGreaterThan(3);
    const sales = tableColumn(
      wb,
      'RegionSales',
      table.headers.find((h) => /Sales/.test(h))!,
    );
    expect(sales.every((c) => typeof c.value === 'number')).toBe(true);
    const dates = tableColumn(
      wb,
      'RegionSales',
      table.headers.find((h) => /Order Date/.test(h))!,
    );
    expect(dates.every((c) => c.value === null || typeof c.value === 'number')).toBe(true);
    expect(dates.find((c) => c.value !== null)!.format).toMatch(/[dmy]/);
    expect(tableColumn(wb, 'RegionSales', 'Region').every((c) => typeof c.value === 'string')).toBe(true);
  });

  it('keeps the inventory and tables screens accessible', async () => {
    await page.getByRole('tab', { name: 'Inventory' }).click();
    await page.waitForTimeout(500);
    await expectAccessible('08-inventory');
    await page.getByRole('tab', { name: 'Tables' }).click();
    await page.waitForTimeout(500);
    await expectAccessible('09-tables');
  });
});
