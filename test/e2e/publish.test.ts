import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { axeViolations } from './support/axe.js';
import { snap } from './support/browser.js';
import { type PaneSession, startPaneSession, tableColumn, workbookSnapshot } from './support/pane.js';

/**
 * Issue #22 must-show, in the browser preview against `npm start`'s server and demo site (signed in
 * as its site administrator): a users table typed in the workbook → dry run → apply → the result
 * column filled; the same table run again plans every row unchanged.
 */
const SUITE = 'publish';
const TABLE = 'People';

/** The demo site has erin.explorer (Explorer) and vera.viewer (Viewer); nina and omar are new. */
const PEOPLE = [
  ['Username', 'Site role'],
  ['nina.new', 'Viewer'],
  ['vera.viewer', 'Explorer'],
  ['erin.explorer', 'Explorer'],
  ['omar.new', 'Creator'],
];

describe('publishing a users table to Tableau', () => {
  let session: PaneSession;
  let page: Page;

  beforeAll(async () => {
    session = await startPaneSession();
    ({ page } = session);
  });
  afterAll(async () => session?.close());

  it('dry-runs, applies on confirmation, writes each row’s result, and plans nothing the second time', async () => {
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('tab', { name: 'Browse', selected: true }).waitFor({ timeout: 30_000 });

    // The analyst's own list, made a table (Ctrl+T). The preview grid is read-only, so the test types
    // through the in-memory workbook (as test/e2e/refresh.test.ts does).
    await page.evaluate(
      ({ name, grid }) => {
        type Wb = {
          writeCells(s: string, r: { row: number; col: number; rows: number; cols: number }, g: unknown[][], k: 'values'): void;
          addTable(s: string, r: { row: number; col: number; rows: number; cols: number }, n: string): void;
          notify(): void;
        };
        const wb = (globalThis as unknown as { __previewWorkbook: Wb }).__previewWorkbook;
        const rect = { row: 0, col: 0, rows: grid.length, cols: grid[0].length };
        wb.writeCells('Sheet1', rect, grid, 'values');
        wb.addTable('Sheet1', rect, name);
        wb.notify();
      },
      { name: TABLE, grid: PEOPLE },
    );

    await page.getByRole('tab', { name: 'Tables' }).click();
    await page.getByRole('button', { name: 'Publish a table to Tableau' }).click();
    await page.getByRole('heading', { name: 'Publish to Tableau' }).waitFor();
    await page.getByRole('option', { name: `${TABLE} (Sheet1, 4 rows)` }).waitFor({ state: 'attached' });
    expect(await page.getByRole('combobox', { name: /^User name/ }).inputValue()).toBe('Username');
    expect(await page.getByRole('combobox', { name: /^Site role/ }).inputValue()).toBe('Site role');
    await snap(page, SUITE, '00-columns-guessed');

    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByText(`${TABLE}: 2 to create, 1 to update, 1 unchanged. Nothing has been sent to Tableau.`).waitFor({ timeout: 60_000 });
    await snap(page, SUITE, '01-dry-run');
    // Nothing was written before the confirmation.
    expect((await workbookSnapshot(page)).tables.find((t) => t.name === TABLE)?.headers).toEqual(['Username', 'Site role']);

    await page.getByRole('button', { name: /^Apply this plan/ }).click();
    await page.getByText(`${TABLE}: 3 done, 1 unchanged.`).waitFor({ timeout: 60_000 });
    await snap(page, SUITE, '02-applied');
    const results = tableColumn(await workbookSnapshot(page), TABLE, 'Tableau result').map((c) => c.value);
    expect(results).toEqual(['done', 'done', 'unchanged', 'done']);

    // The same table again: the site already matches it.
    await page.getByRole('button', { name: 'Dry run again' }).click();
    await page.getByText(`${TABLE}: 4 unchanged. Nothing has been sent to Tableau.`).waitFor({ timeout: 60_000 });
    await page.getByText('Nothing to change: the site already matches the table.').waitFor();
    expect(await page.getByRole('button', { name: /^Apply this plan/ }).count()).toBe(0);
    await snap(page, SUITE, '03-second-run-unchanged');

    const violations = await axeViolations(page);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  });
});
