import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { axeViolations } from './support/axe.js';
import { snap } from './support/browser.js';
import { type PaneSession, startPaneSession, tableColumn, workbookSnapshot } from './support/pane.js';

/**
 * Issue #20 must-show: in a real browser, against the server and demo site `npm start` runs, a SET
 * filter value typed in the wrong case ("east") is warned with the right one ("East") before
 * anything is pulled; one click fixes it and the inserted table holds both regions.
 * Screenshots land in test-artifacts/filter-values/.
 */
const SUITE = 'filter-values';

describe('filter values in the browser preview', () => {
  let session: PaneSession;
  let page: Page;

  beforeAll(async () => {
    session = await startPaneSession();
    ({ page } = session);
  });
  afterAll(async () => session?.close());

  it('warns about "east" with "East" before the pull, and inserts the fixed filter', async () => {
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('tab', { name: 'Data sources' }).click();
    await page.getByRole('button', { name: /^Superstore Orders in/ }).click();
    const addField = page.getByLabel('Add a field');
    await addField.waitFor({ timeout: 30_000 });
    await addField.selectOption({ label: 'Region' });
    await addField.selectOption({ label: 'Sales' });
    await page.getByLabel('Filter field').selectOption({ label: 'Region' });
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByText('4 values').waitFor({ timeout: 30_000 });
    await page.getByLabel('Values of Region', { exact: true }).fill('West, east');

    const warning = page.getByText('"east" matches no value of Region: values are case-sensitive. Did you mean "East"?');
    await warning.waitFor({ timeout: 10_000 });
    await snap(page, SUITE, '01-warned');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Preview data' }).click();
    await page.getByText('These filter values match no value in Tableau').waitFor();
    await page.getByRole('button', { name: 'Use “East”' }).click();
    await warning.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Preview data', exact: true }).click();

    await page.getByRole('button', { name: 'Insert' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Table name').fill('WestEast');
    await page.getByRole('button', { name: 'Insert' }).click();
    await page
      .getByText(/Inserted [\d,]+ rows into WestEast/)
      .first()
      .waitFor({ timeout: 60_000 });
    await snap(page, SUITE, '02-inserted');
    const regions = new Set(tableColumn(await workbookSnapshot(page), 'WestEast', 'Region').map((c) => c.value));
    expect(regions).toEqual(new Set(['West', 'East']));
  });
});
