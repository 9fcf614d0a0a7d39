import { describe, expect, it } from 'vitest';

import { jsonUtf8Bytes } from '../../../addin/workbook/memory/api/json-bytes.js';
import { coerceCellInput } from '../../../addin/workbook/memory/coerce.js';
import { Column, FormatRuns } from '../../../addin/workbook/memory/column.js';
import { MemoryExcel } from '../../../addin/workbook/memory/excel-api.js';
import { MemorySheet } from '../../../addin/workbook/memory/sheet.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';

/** Every run of a FormatRuns as [start, end, format], by reading each row (what get() answers). */
function runsOf(f: FormatRuns, rows: number): [number, number, string][] {
  const out: [number, number, string][] = [];
  for (let r = 0; r < rows; r++) {
    const x = f.get(r);
    if (x === undefined) continue;
    const last = out.at(-1);
    if (last && last[1] === r && last[2] === x) last[1] = r + 1;
    else out.push([r, r + 1, x]);
  }
  return out;
}

describe('the in-memory Excel keeps cells by column', () => {
  it('keeps number formats as runs: overwriting, clearing and merging neighbours', () => {
    const f = new FormatRuns();
    f.set(1, 1_000_001, '0.00');
    expect(f.get(0)).toBeUndefined();
    expect(f.get(1)).toBe('0.00');
    expect(f.get(1_000_000)).toBe('0.00');
    expect(f.get(1_000_001)).toBeUndefined();
    f.set(5, 8, '@');
    f.set(6, 7, undefined);
    expect(runsOf(f, 12)).toEqual([
      [1, 5, '0.00'],
      [5, 6, '@'],
      [7, 8, '@'],
      [8, 12, '0.00'],
    ]);
    f.set(5, 8, '0.00');
    expect(runsOf(f, 12)).toEqual([[1, 12, '0.00']]);
    expect(f.bounds(0, 20)).toEqual([1, 19]);
    expect(f.bounds(0, 2_000_000)).toEqual([1, 1_000_000]);
    expect(f.end()).toBe(1_000_001);
    // Row by row, as a growing table extends a column's format: one run, not one per row.
    const g = new FormatRuns();
    for (let r = 0; r < 100; r++) g.set(r, r + 1, 'm/d/yyyy');
    expect(runsOf(g, 101)).toEqual([[0, 100, 'm/d/yyyy']]);
    expect(g.bounds(50, 60)).toEqual([50, 59]);
  });

  it('stores numbers, booleans and text by row, and finds the rows in use after values are removed', () => {
    const col = new Column();
    col.setValue(3, 'x');
    col.setValue(10, 2.5);
    col.setValue(700, true);
    col.setValue(701, false);
    expect([3, 10, 700, 701, 4, 5_000].map((r) => col.value(r))).toEqual(['x', 2.5, true, false, null, null]);
    expect(col.bounds(0, Infinity, true)).toEqual([3, 701]);
    col.setValue(701, null);
    col.setValue(700, null);
    col.setValue(3, null);
    expect(col.bounds(0, Infinity, true)).toEqual([10, 10]);
    col.formulas.set(40, '=1');
    expect(col.extent(false)).toBe(41);
    expect([...col.rowsWithContent(0, 100, false)]).toEqual([10, 40]);
  });

  it('reads cells as snapshots: a cell with only a format exists, an emptied one does not', () => {
    const sh = new MemorySheet('S');
    sh.setFormatRows(0, 3, 1, '@');
    sh.setValue(1, 1, 'a');
    sh.setFormula(2, 1, '=A1');
    expect(sh.get(0, 1)).toEqual({ value: null, format: '@' });
    expect(sh.get(1, 1)).toEqual({ value: 'a', format: '@' });
    expect(sh.get(2, 1)).toEqual({ value: null, formula: '=A1', format: '@' });
    const snap = sh.get(1, 1)!;
    snap.value = 'changed';
    expect(sh.value(1, 1)).toBe('a');
    sh.delete(1, 1);
    expect(sh.get(1, 1)).toBeUndefined();
    expect(sh.bounds(null, true)).toEqual({ row: 2, col: 1, rows: 1, cols: 1 });
    expect(sh.bounds(null, false)).toEqual({ row: 0, col: 1, rows: 3, cols: 1 });
  });

  it('clears a range by column: contents keep their formats, all removes both, a deleted table leaves nothing', () => {
    const wb = new MemoryWorkbook();
    const grid = Array.from({ length: 200 }, (_, i) => [i, `t${i}`]);
    wb.setFormat('Sheet1', { row: 0, col: 0, rows: 200, cols: 1 }, '0.00');
    wb.writeCells('Sheet1', { row: 0, col: 0, rows: 200, cols: 2 }, grid, 'values');
    wb.clear('Sheet1', { row: 10, col: 0, rows: 5, cols: 2 }, 'contents');
    expect(wb.sheet('Sheet1').get(12, 0)).toEqual({ value: null, format: '0.00' });
    expect(wb.sheet('Sheet1').get(12, 1)).toBeUndefined();
    wb.clear('Sheet1', { row: 190, col: 0, rows: 10, cols: 2 }, 'all');
    expect(wb.usedRect('Sheet1', undefined, false)).toEqual({ row: 0, col: 0, rows: 190, cols: 2 });
    wb.writeCells('Sheet1', { row: 0, col: 0, rows: 1, cols: 2 }, [['A', 'B']], 'values');
    wb.addTable('Sheet1', { row: 0, col: 0, rows: 190, cols: 2 }, 'T');
    wb.deleteTable('T');
    expect(wb.usedRect('Sheet1', undefined, false)).toBeNull();
  });

  it('writes a large Range.values in slices in the browser preview, with the same outcome as at once', async () => {
    const grid = Array.from({ length: 3000 }, (_, i) => [i, `'${i}`, i % 2 === 0, '=1+1']);
    const outcome = async (roundTrip: 'task' | 'microtask') => {
      const excel = new MemoryExcel(new MemoryWorkbook(), { roundTrip });
      await excel.run({}, async (ctx: never) => {
        const c = ctx as unknown as {
          workbook: { worksheets: { getItem(n: string): { getRange(a: string): { values: unknown[][] } } } };
          sync(): Promise<void>;
        };
        c.workbook.worksheets.getItem('Sheet1').getRange('A1:D3000').values = grid;
        await c.sync();
      });
      return excel.wb.snapshot();
    };
    const sliced = await outcome('task');
    expect(sliced).toEqual(await outcome('microtask'));
    expect(sliced.sheets.Sheet1.B3000).toEqual({ value: '2999' });
    expect(sliced.sheets.Sheet1.D1).toEqual({ value: 2, formula: '=1+1' });
  });

  it('writes in slices that each end after a few milliseconds of work', async () => {
    const wb = new MemoryWorkbook();
    let pauses = 0;
    const grid = Array.from({ length: 20_000 }, (_, i) => [i, i * 2, `t${i}`]);
    await wb.writeCellsInSlices('Sheet1', { row: 0, col: 0, rows: 20_000, cols: 3 }, grid, 'values', async () => void pauses++, 0);
    // A slice budget of 0 ms pauses after every column of each pass (coerce, then store): 3 + 3.
    expect(pauses).toBe(6);
    expect(wb.value('Sheet1', 19_999, 2)).toBe('t19999');
  });

  it('counts a request as UTF-8 bytes, as TextEncoder does', () => {
    for (const s of ['', 'plain', 'Zoë Ärger', '€ 5', '😀 emoji', JSON.stringify(['\ud800 lone'])])
      expect(jsonUtf8Bytes(s)).toBe(new TextEncoder().encode(JSON.stringify(s)).length);
  });

  it("keeps 15 significant digits of any number, on the fast paths as by Excel's digit rule", () => {
    // The rule on the digit string (coerce.ts before its fast paths): later digits become zeros.
    const byDigits = (n: number) => {
      const [mantissa, exp] = n.toExponential().split('e');
      const digits = mantissa.replace(/[-.]/g, '');
      return digits.length > 15 ? Number(`${mantissa.startsWith('-') ? '-' : ''}${digits.slice(0, 15)}e${Number(exp) - 14}`) : n;
    };
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const samples = [0.1 + 0.2, 123456789012345.6, 1e15 + 3, -2.5, 1 / 3, 99999999999999.98];
    for (let i = 0; i < 5000; i++)
      samples.push(
        next() * 1e6,
        Math.round(next() * 1e8) / 100,
        (next() - 0.5) * 1e20,
        -next() * 1e16,
        Math.round((next() - 0.5) * 1e19) / 1e4,
      );
    for (const n of samples) expect(coerceCellInput(n, {}, { date1904: false })).toEqual({ value: byDigits(n) });
  });
});
