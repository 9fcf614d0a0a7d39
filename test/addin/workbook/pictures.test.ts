/**
 * A view's picture through the WorkbookGateway over the in-memory Excel: placed right of its table
 * with a column's gap and never over values, tables or shapes; replaced in place (size, position,
 * z-order) by name; a refused image leaves the old picture as it was; gated by ExcelApi 1.9.
 */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import { overlaps, pictureSize, placePicture, pngPixelSize } from '../../../addin/workbook/picture-placement.js';
import type { CellValue, ColumnSpec } from '../../../common/stream.js';

const columns: ColumnSpec[] = [
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Sales', type: 'integer', format: '0' },
];
const rows: CellValue[][] = [
  ['East', 10],
  ['West', 20],
  ['South', 5],
];

/** A PNG of `width` × `height` pixels filled with one grey, as base64. */
function png(width: number, height: number, grey = 128): string {
  const p = new PNG({ width, height });
  p.data.fill(grey);
  return PNG.sync.write(p).toString('base64');
}

async function withTable(apiVersion = '1.17') {
  const g = memoryGateway(new MemoryWorkbook(), { apiVersion });
  await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows, { tableName: 'Sales' });
  return g;
}
const shapes = (g: ReturnType<typeof memoryGateway>) => g.workbook.sheet('Sheet1').shapes;
/** The used cells' box in points (48 pt columns, 15 pt rows: memory/api/range.ts). */
const usedBox = (g: ReturnType<typeof memoryGateway>) => {
  const r = g.workbook.usedRect('Sheet1')!;
  return { left: r.col * 48, top: r.row * 15, width: r.cols * 48, height: r.rows * 15 };
};

describe('picture placement (pure)', () => {
  it('sizes a high-resolution picture at half its pixels, at most 480 pt wide, aspect kept', () => {
    expect(pictureSize({ width: 800, height: 600 })).toEqual({ width: 300, height: 225 });
    expect(pictureSize({ width: 1600, height: 1200 })).toEqual({ width: 480, height: 360 });
    expect(pngPixelSize(Buffer.from(png(7, 3), 'base64'))).toEqual({ width: 7, height: 3 });
    expect(pngPixelSize(new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it('keeps the wanted place when it is free, else steps right of everything with the gap', () => {
    const size = { width: 100, height: 50 };
    expect(placePicture({ left: 200, top: 0 }, size, [{ left: 0, top: 0, width: 150, height: 100 }], 48)).toEqual({
      left: 200,
      top: 0,
      ...size,
    });
    const busy = [
      { left: 0, top: 0, width: 250, height: 100 },
      { left: 300, top: 500, width: 40, height: 40 },
    ];
    expect(placePicture({ left: 200, top: 0 }, size, busy, 48)).toEqual({ left: 388, top: 0, ...size });
  });
});

describe('pictures through the gateway (in-memory Excel)', () => {
  it('places the picture right of its table with one empty column between, covering nothing', async () => {
    const g = await withTable();
    const info = await g.insertPicture({
      sheet: 'Sheet1',
      name: 'Picture_Sales',
      base64: png(1600, 1200),
      where: { kind: 'beside', table: 'Sales' },
    });
    // Table A1:B4; column C is the gap; the picture starts at column D (3 × 48 pt) on the header row.
    expect(info).toEqual({ name: 'Picture_Sales', sheet: 'Sheet1', left: 144, top: 0, width: 480, height: 360 });
    const [shape] = shapes(g);
    expect(shape).toMatchObject({ name: 'Picture_Sales', type: 'Image', left: 144, top: 0, width: 480, height: 360 });
    expect(overlaps(shape, usedBox(g))).toBe(false);
  });

  it('steps right of values and shapes that are where the picture would go', async () => {
    const g = await withTable();
    g.workbook.sheet('Sheet1').setValue(2, 5, 'note'); // F3, right of the gap
    await g.insertPicture({ sheet: 'Sheet1', name: 'Other', base64: png(200, 200), where: { kind: 'at', address: 'H1' } });
    const info = await g.insertPicture({
      sheet: 'Sheet1',
      name: 'Picture_Sales',
      base64: png(800, 600),
      where: { kind: 'beside', table: 'Sales' },
    });
    const [other, picture] = shapes(g);
    for (const busy of [usedBox(g), other]) expect(overlaps(picture, busy)).toBe(false);
    expect(info.left).toBeGreaterThanOrEqual(other.left + other.width);
    expect(info.top).toBe(0);
  });

  it('replaces the picture in place: same name, size, position and z-order, new image', async () => {
    const g = await withTable();
    await g.insertPicture({
      sheet: 'Sheet1',
      name: 'Picture_Sales',
      base64: png(1600, 1200, 10),
      where: { kind: 'beside', table: 'Sales' },
    });
    await g.insertPicture({ sheet: 'Sheet1', name: 'Above', base64: png(100, 100), where: { kind: 'at', address: 'Z1' } });
    const before = { ...shapes(g)[0] };
    const replaced = await g.replacePicture({ sheet: 'Sheet1', name: 'Picture_Sales', base64: png(1600, 1200, 200), table: 'Sales' });
    expect(replaced).toMatchObject({ left: before.left, top: before.top, width: before.width, height: before.height });
    const now = shapes(g);
    expect(now.map((s) => s.name)).toEqual(['Picture_Sales', 'Above']);
    expect(now[0]).toMatchObject({ left: before.left, top: before.top, width: before.width, height: before.height });
    expect(now[0].image).not.toBe(before.image);
  });

  it('moves the picture (same size) only when the refreshed table reaches under it', async () => {
    const g = await withTable();
    await g.insertPicture({ sheet: 'Sheet1', name: 'Picture_Sales', base64: png(800, 600), where: { kind: 'beside', table: 'Sales' } });
    const wider: ColumnSpec[] = [...columns, ...['A', 'B', 'C', 'D'].map((n) => ({ name: n, type: 'integer' as const, format: '0' }))];
    await g.replaceTableData(
      'Sales',
      wider,
      rows.map((r) => [...r, 1, 2, 3, 4]),
      {
        mode: 'replace',
        previousColumns: ['Region', 'Sales'],
        ownPicture: 'Picture_Sales',
      },
    );
    const info = await g.replacePicture({ sheet: 'Sheet1', name: 'Picture_Sales', base64: png(800, 600, 1), table: 'Sales' });
    expect(info).toMatchObject({ left: 7 * 48, width: 300, height: 225 });
    expect(overlaps(shapes(g)[0], usedBox(g))).toBe(false);
  });

  it('leaves the old picture exactly as it was when the new image is refused, and answers null for a gone picture', async () => {
    const g = await withTable();
    await g.insertPicture({ sheet: 'Sheet1', name: 'Picture_Sales', base64: png(800, 600), where: { kind: 'beside', table: 'Sales' } });
    const before = structuredClone(shapes(g));
    await expect(
      g.replacePicture({ sheet: 'Sheet1', name: 'Picture_Sales', base64: btoa('not an image'), table: 'Sales' }),
    ).rejects.toThrow();
    expect(shapes(g)).toEqual(before);
    expect(await g.replacePicture({ sheet: 'Sheet1', name: 'Gone', base64: png(10, 10) })).toBeNull();
  });

  it('says plainly that pictures need ExcelApi 1.9, and refuses a protected sheet', async () => {
    const old = memoryGateway(new MemoryWorkbook(), { apiVersion: '1.8' });
    expect(old.supportsPictures()).toBe(false);
    await expect(
      old.insertPicture({ sheet: 'Sheet1', name: 'P', base64: png(10, 10), where: { kind: 'at', address: 'D1' } }),
    ).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(/needs a newer Excel \(ExcelApi 1\.9/),
    });
    const g = await withTable();
    expect(g.supportsPictures()).toBe(true);
    g.workbook.sheet('Sheet1').protected = true;
    await expect(
      g.insertPicture({ sheet: 'Sheet1', name: 'P', base64: png(10, 10), where: { kind: 'at', address: 'D1' } }),
    ).rejects.toMatchObject({
      code: 'sheet-protected',
    });
    expect(shapes(g)).toEqual([]);
  });
});
