import { createHash } from 'node:crypto';

import axios from 'axios';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { snap } from './support/browser.js';
import { type PaneSession, startPaneSession, tableColumn, workbookSnapshot } from './support/pane.js';

/**
 * Issue #19 must-show, in the browser preview against `npm start`'s server and demo site: a view
 * inserted with its picture (Query View Image) beside its table; the view's rows change in Tableau
 * (the simulator's POST /_sim/data/:key/rows) and a refresh gives a new table AND a new picture, in
 * the same place at the same size, covering no cell of the table. Then "Picture only": the picture
 * alone, saved for refresh like a table, refreshed from the Tables list after another data change.
 */
const SUITE = 'view-picture';
const TABLE = 'RegionPicture';
const PICTURE = `Picture_${TABLE}`;
/** The in-memory Excel's uniform grid (addin/workbook/memory/api/range.ts): 48 pt columns, 15 pt rows. */
const COL_PT = 48;
const ROW_PT = 15;

interface Shape {
  name: string;
  type: string;
  left: number;
  top: number;
  width: number;
  height: number;
  hash: string;
}

/** The image shapes of a sheet of the preview's in-memory workbook (addin/main.tsx exposes it), image bytes hashed. */
async function shapesOn(page: Page, sheet: string): Promise<Shape[]> {
  const raw = await page.evaluate((name) => {
    type S = { name: string; type: string; left: number; top: number; width: number; height: number; image?: string };
    const wb = (globalThis as unknown as { __previewWorkbook: { findSheet(n: string): { shapes: S[] } | undefined } }).__previewWorkbook;
    return (wb.findSheet(name)?.shapes ?? []).map((s) => ({ ...s }));
  }, sheet);
  return raw.map(({ image, ...s }) => ({
    ...s,
    hash: createHash('sha256')
      .update(image ?? '')
      .digest('hex'),
  }));
}

/** The sheet holding the named picture, searched across the preview workbook's sheets. */
async function sheetOfPicture(page: Page, name: string): Promise<string | undefined> {
  return page.evaluate((wanted) => {
    type W = { sheets: Array<{ name: string; shapes: Array<{ name: string }> }> };
    const wb = (globalThis as unknown as { __previewWorkbook: W }).__previewWorkbook;
    return wb.sheets.find((s) => s.shapes.some((p) => p.name === wanted))?.name;
  }, name);
}

/** The table's rectangle in points, from its address ("A1:F13"). */
function tableBox(address: string) {
  const [a, b] = address.replace(/^.*!/, '').replace(/\$/g, '').split(':');
  const cell = (ref: string) => {
    const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
    let col = 0;
    for (const ch of m[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
    return { col: col - 1, row: Number(m[2]) - 1 };
  };
  const start = cell(a);
  const end = cell(b);
  return {
    left: start.col * COL_PT,
    top: start.row * ROW_PT,
    width: (end.col - start.col + 1) * COL_PT,
    height: (end.row - start.row + 1) * ROW_PT,
  };
}

const overlaps = (a: Omit<Shape, 'name' | 'type' | 'hash'>, b: typeof a) =>
  a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

describe('a view with its picture, refreshed', () => {
  let session: PaneSession;
  let page: Page;

  beforeAll(async () => {
    // Wide enough for the table and the whole picture beside it in the preview grid (100 px columns).
    session = await startPaneSession({ viewport: { width: 2200, height: 900 } });
    page = session.page;
  });
  afterAll(async () => session?.close());

  it('inserts the picture beside the table, and a refresh after a data change replaces both in place', async () => {
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Samples' }).click();
    await page.getByRole('treeitem', { name: 'Sales', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Superstore', exact: true }).click();
    await page.getByRole('treeitem', { name: 'Orders by Region', exact: true }).first().click();
    await page.getByRole('button', { name: 'Preview data' }).click();
    await page.getByRole('radio', { name: 'Table and its picture beside it' }).check();
    await page.getByLabel('Table name').fill(TABLE);
    await page.getByRole('button', { name: 'Insert' }).click();
    await page.getByText(/Its picture is beside it and refreshes with it/).waitFor({ timeout: 60_000 });

    const before = await workbookSnapshot(page);
    const table = before.tables.find((t) => t.name === TABLE)!;
    const [picture, ...others] = await shapesOn(page, table.sheet);
    expect(others).toEqual([]);
    expect(picture).toMatchObject({ name: PICTURE, type: 'Image', width: 480, height: 360 });
    const box = tableBox(table.address);
    // Right of the table, one empty column between, level with the header row; over no cell of the table.
    expect(picture.left).toBe(box.left + box.width + COL_PT);
    expect(picture.top).toBe(box.top);
    expect(overlaps(picture, box)).toBe(false);
    await expect.poll(() => page.locator(`img[data-picture="${PICTURE}"]`).count(), { timeout: 10_000 }).toBe(1);
    await snap(page, SUITE, '01-inserted-with-picture');

    // In Tableau: every South order now sells for 1,000,000 — its Sales and its bar change.
    const southSalesBefore = tableColumn(before, TABLE, 'Sales').filter(
      (_, i) => tableColumn(before, TABLE, 'Region')[i].value === 'South',
    );
    const edit = await axios.post(`${session.product.simUrl}/_sim/data/superstore-orders/rows`, {
      update: [{ where: { Region: 'South' }, set: { Sales: 1_000_000 } }],
    });
    expect(edit.status).toBe(200);

    await page.getByRole('tab', { name: 'Tables' }).click();
    await page.getByRole('button', { name: `Refresh ${TABLE}` }).click();
    await expect.poll(async () => (await shapesOn(page, table.sheet))[0]?.hash, { timeout: 60_000 }).not.toBe(picture.hash);

    const after = await workbookSnapshot(page);
    const southSalesAfter = tableColumn(after, TABLE, 'Sales').filter((_, i) => tableColumn(after, TABLE, 'Region')[i].value === 'South');
    expect(southSalesAfter).not.toEqual(southSalesBefore);
    const shapes = await shapesOn(page, table.sheet);
    expect(shapes).toHaveLength(1);
    const [fresh] = shapes;
    // Same name, place and size; a new image (a new shape: Excel has no "replace image"); over no cell of the refreshed table.
    const geometry = ({ name, type, left, top, width, height }: Shape) => ({ name, type, left, top, width, height });
    expect(geometry(fresh)).toEqual(geometry(picture));
    expect(fresh.hash).not.toBe(picture.hash);
    const refreshed = after.tables.find((t) => t.name === TABLE)!;
    expect(overlaps(fresh, tableBox(refreshed.address))).toBe(false);
    await page.getByRole('tab', { name: 'Browse' }).click();
    await snap(page, SUITE, '02-refreshed-picture');
  });

  it('"Picture only" is saved for refresh and a refresh after a data change replaces it in place', async () => {
    // Still on the view's preview (the Browse tab keeps it): the picture alone, at the selected cell.
    await page.getByRole('radio', { name: 'Picture only' }).check();
    await page.getByLabel('Table name').fill('RegionOnly');
    await page.getByRole('button', { name: 'Insert' }).click();
    await page.getByText(/It refreshes in place from the Tables list/).waitFor({ timeout: 60_000 });
    const name = 'Picture_RegionOnly';
    const sheet = (await sheetOfPicture(page, name))!;
    const find = async () => (await shapesOn(page, sheet)).find((p) => p.name === name);
    const inserted = (await find())!;
    expect(inserted).toMatchObject({ type: 'Image', width: 480, height: 360 });

    const edit = await axios.post(`${session.product.simUrl}/_sim/data/superstore-orders/rows`, {
      update: [{ where: { Region: 'South' }, set: { Sales: 3_000_000 } }],
    });
    expect(edit.status).toBe(200);
    await page.getByRole('tab', { name: 'Tables' }).click();
    await page.getByRole('button', { name: 'Refresh Picture RegionOnly' }).click();
    await expect.poll(async () => (await find())?.hash, { timeout: 60_000 }).not.toBe(inserted.hash);
    // Same name, place and size; a new image in a new shape (Excel has no "replace image").
    const geometry = ({ name, type, left, top, width, height }: Shape) => ({ name, type, left, top, width, height });
    expect(geometry((await find())!)).toEqual(geometry(inserted));
    await snap(page, SUITE, '03-picture-only-refreshed');
  });
});
