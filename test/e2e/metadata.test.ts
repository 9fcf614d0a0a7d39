import axios from 'axios';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { snap } from './support/browser.js';
import { type PaneSession, startPaneSession, tableColumn, workbookSnapshot } from './support/pane.js';

/**
 * Issue #19 (field meanings and lineage) in a real browser against the product as `npm start` runs
 * it: the field picker says what each field means (Tableau's Metadata API on the demo site), the
 * inserted table carries the meanings as notes on its header cells (shown in the browser grid);
 * then, with the Metadata API switched off in the simulator (FEATURE_DISABLED), the pane says so in
 * one notice and a view still previews and inserts. Screenshots land in test-artifacts/metadata/.
 */
const SUITE = 'metadata';
const NOTICE = /Field descriptions and lineage are not available/;

describe('field meanings and lineage in the browser preview', () => {
  let session: PaneSession;
  let page: Page;

  beforeAll(async () => {
    session = await startPaneSession();
    ({ page } = session);
  });
  afterAll(async () => {
    await axios.patch(`${session.product.simUrl}/_sim/settings`, { metadataEnabled: true }).catch(() => undefined);
    await session?.close();
  });

  it('shows field descriptions in the picker and writes them as header notes', async () => {
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('tab', { name: 'Data sources' }).click();
    await page.getByRole('button', { name: /^Superstore Orders in/ }).click();
    const description = page.getByText('Revenue of the order line in USD, after discount. · number (decimal) · measure');
    await description.waitFor({ timeout: 30_000 });
    await expect(page.getByRole('checkbox', { name: 'Sales', exact: true }).getAttribute('aria-describedby')).resolves.toBeTruthy();
    await snap(page, SUITE, '01-field-picker');

    const addField = page.getByLabel('Add a field');
    await addField.selectOption({ label: 'Region' });
    await addField.selectOption({ label: 'Sales' });
    await page.getByRole('button', { name: 'Preview data', exact: true }).click();
    await page.getByLabel('Table name').fill('SalesByRegion');
    await page.getByRole('button', { name: 'Insert' }).click();
    await page.getByText(/What the fields mean is in notes on 2 header cells/).waitFor({ timeout: 60_000 });
    const noted = page.locator('[data-note]');
    // The preview grid draws a change on a later frame, up to 100 ms later while changes keep coming
    // (addin/workbook-grid/Grid.tsx), as Excel paints after a sync: wait for it to show the notes.
    await expect.poll(() => noted.count(), { timeout: 5_000 }).toBe(2);
    await expect(noted.nth(1).getAttribute('data-note')).resolves.toContain('Revenue of the order line');
    await snap(page, SUITE, '02-header-notes');
    expect(tableColumn(await workbookSnapshot(page), 'SalesByRegion', 'Region').length).toBe(4);
  });

  it('with the Metadata API off, says so once and a view still inserts', async () => {
    const off = await axios.patch(`${session.product.simUrl}/_sim/settings`, { metadataEnabled: false });
    expect(off.data).toEqual({ metadataEnabled: false });
    // Back from the preview and the query to the site's lists.
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('tab', { name: 'Workbooks' }).click();
    await page.getByRole('treeitem', { name: 'Samples' }).click();
    await page.getByRole('treeitem', { name: 'Sales', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Superstore', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Orders by Month', exact: true }).first().click();
    await page.getByText(NOTICE).waitFor({ timeout: 30_000 });
    await page.getByText("Not available: Tableau's Metadata API is turned off.").waitFor();
    await snap(page, SUITE, '03-metadata-off');

    await page.getByRole('button', { name: 'Preview data', exact: true }).click();
    await page.getByLabel('Table name').fill('ByMonth');
    await page.getByRole('button', { name: 'Insert' }).click();
    await page
      .getByText(/Inserted [\d,]+ rows into ByMonth/)
      .first()
      .waitFor({ timeout: 60_000 });
    // One notice for the whole pane, whatever asked for meanings (the view, its preview, its insert).
    await expect(page.getByText(NOTICE).count()).resolves.toBe(1);
    expect(tableColumn(await workbookSnapshot(page), 'ByMonth', 'Segment').length).toBeGreaterThan(0);
    await snap(page, SUITE, '04-inserted-without-metadata');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect(page.getByText(NOTICE).count()).resolves.toBe(0);
  });
});
