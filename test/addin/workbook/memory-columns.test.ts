import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { MAX_ROWS, type Rect } from '../../../addin/workbook/address.js';
import { jsonUtf8Bytes } from '../../../addin/workbook/json-bytes.js';
import { afterWrite, writtenInGrid } from '../../../addin/workbook/memory/autocorrect.js';
import { coerceCellInput } from '../../../addin/workbook/memory/coerce.js';
import { Column, FormatRuns } from '../../../addin/workbook/memory/column.js';
import { copyRange, type CopyType } from '../../../addin/workbook/memory/copy.js';
import { MemoryExcel } from '../../../addin/workbook/memory/excel-api.js';
import { shiftFormula } from '../../../addin/workbook/memory/formula.js';
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
  it('gives a column of text its numbers only at its first number, wherever it lands', () => {
    const c = new Column();
    const plan = new Uint8Array(3000).fill(4); // STRING
    c.setPlanned(
      0,
      3000,
      plan,
      0,
      new Float64Array(3000),
      Array.from({ length: 3000 }, (_, i) => [`t${i}`]),
      0,
    );
    expect(c.value(2999)).toBe('t2999');
    c.setValue(5000, 2.5); // beyond the rows so far: grown, then numbers for every row
    c.setValue(10, -1);
    const mixed = new Uint8Array([1, 4, 2, 1]); // NUMBER, STRING, TRUE, NUMBER
    c.setPlanned(
      9000,
      4,
      mixed,
      0,
      new Float64Array([7, 0, 0, 8]),
      [
        [7, 0],
        ['x', 'x'],
        [true, 0],
        [8, 0],
      ],
      0,
    );
    expect([c.value(10), c.value(11), c.value(5000), c.value(9000), c.value(9001), c.value(9002), c.value(9003)]).toEqual([
      -1,
      't11',
      2.5,
      7,
      'x',
      true,
      8,
    ]);
    const s = c.slice(9, 3);
    expect([...s.kinds]).toEqual([4, 1, 4]);
    expect(s.numbers[1]).toBe(-1);
    const text = new Column();
    text.setValue(3, 'a');
    text.putValues(s, 0, 3, 100); // a slice with a number into a column that had none
    expect([text.value(100), text.value(101), text.value(102), text.value(3)]).toEqual(['t9', -1, 't11', 'a']);
  });

  it('makes room for a formatted run of rows at its first value, and still reads and grows past it', () => {
    const c = new Column();
    c.formats.set(1, 200_001, '0.00');
    c.setValue(5, 1.5); // room up to the run's end at once
    c.setPlanned(199_999, 2, new Uint8Array([1, 4]), 0, new Float64Array([2.5, 0]), [[2.5], ['last']], 0);
    c.setValue(300_000, true); // past the run: grown as before
    expect([c.value(5), c.value(6), c.value(199_999), c.value(200_000), c.value(200_001), c.value(300_000)]).toEqual([
      1.5,
      null,
      2.5,
      'last',
      null,
      true,
    ]);
  });

  it('does not make room for a whole-column format: it says nothing about how many rows get values', () => {
    const held = (c: Column) => (c as unknown as { kinds: Uint8Array; numbers: Float64Array }).numbers.length;
    const table = new Column();
    table.formats.set(1, 200_001, '0.00');
    table.setValue(5, 1.5);
    expect(held(table)).toBe(200_001);
    const whole = new Column();
    whole.formats.set(0, MAX_ROWS, '0.00'); // a user's format on A:A
    whole.setValue(5, 1.5);
    expect(held(whole)).toBeLessThan(1_000);
    expect(whole.value(5)).toBe(1.5);
  });

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

  it('fills the gaps between runs and pastes runs as a row-by-row edit would', () => {
    const run = fc.tuple(fc.nat(30), fc.integer({ min: 1, max: 8 }), fc.constantFrom('0.00', '@', 'm/d/yyyy'));
    fc.assert(
      fc.property(fc.array(run, { maxLength: 6 }), fc.nat(30), fc.integer({ min: 0, max: 12 }), fc.nat(30), (runs, from, n, at) => {
        const make = () => {
          const f = new FormatRuns();
          for (const [a, len, x] of runs) f.set(a, a + len, x);
          return f;
        };
        const [fast, slow] = [make(), make()];
        fast.fillGaps(from, from + n, '#,##0');
        for (let r = from; r < from + n; r++) if (slow.get(r) === undefined) slow.set(r, r + 1, '#,##0');
        expect(runsOf(fast, 50)).toEqual(runsOf(slow, 50));
        const source = make();
        const offs = source.runsIn(from, from + n).map(([a, b, x]): [number, number, string] => [a - from, b - from, x]);
        const [pasted, byRow] = [make(), make()];
        pasted.paste(offs, 0, n, at);
        for (let i = 0; i < n; i++) byRow.set(at + i, at + i + 1, source.get(from + i));
        expect(runsOf(pasted, 50)).toEqual(runsOf(byRow, 50));
      }),
      { numRuns: 300 },
    );
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

/**
 * Range.copyFrom cell by cell, as the in-memory Excel did before copy.ts (the reference the
 * columnar copy must match): snapshot every source cell with its computed value, then write each
 * destination cell, then AutoCorrect from the grid of what was written.
 */
function copyCellByCell(wb: MemoryWorkbook, src: Rect, dst: Rect, copyType: CopyType, skipBlanks: boolean): void {
  const sh = wb.sheet('Sheet1');
  const reps = (d: number, s: number) => (d > s && d % s === 0 ? d / s : 1);
  const rect = { row: dst.row, col: dst.col, rows: src.rows * reps(dst.rows, src.rows), cols: src.cols * reps(dst.cols, src.cols) };
  const snap = Array.from({ length: src.rows }, (_, i) =>
    Array.from({ length: src.cols }, (_, j) => ({
      ...(sh.get(src.row + i, src.col + j) ?? { value: null }),
      computed: wb.value('Sheet1', src.row + i, src.col + j),
    })),
  );
  const grid: unknown[][] = Array.from({ length: rect.rows }, () => Array<unknown>(rect.cols).fill(null));
  for (let i = 0; i < rect.rows; i++)
    for (let j = 0; j < rect.cols; j++) {
      const si = i % src.rows;
      const sj = j % src.cols;
      const s = snap[si][sj];
      if (skipBlanks && s.value === null && !s.formula) continue;
      const r = rect.row + i;
      const c = rect.col + j;
      if (copyType === 'All' || copyType === 'Formats') sh.setFormat(r, c, s.format);
      if (copyType === 'Formats') continue;
      if (copyType === 'Values') sh.setContent(r, c, s.computed ?? null);
      else if (s.formula) sh.setContent(r, c, null, shiftFormula(s.formula, r - (src.row + si), c - (src.col + sj)));
      else sh.setContent(r, c, s.value);
      grid[i][j] = sh.formula(r, c) ?? sh.value(r, c);
    }
  if (copyType !== 'Formats') afterWrite.apply(wb, 'Sheet1', rect, writtenInGrid(grid));
}

describe('Range.copyFrom column by column (copy.ts)', () => {
  const ROWS = 24;
  const COLS = 6;
  const cellInput = fc.oneof(
    fc.constantFrom<unknown>(null, '', 'text', 'Zoë', 'TRUE', true, false, 0, -1.5, 42),
    fc.integer({ min: -1000, max: 1000 }),
    fc.constantFrom('=A1+1', '=$B$2*2', '=B3&"x"', '=SUM(A1:B4)', '=[@K]*2', '=1/0', '=C$1+$C1'),
  );
  const rectIn = (maxRows: number, maxCols: number) =>
    fc
      .record({
        row: fc.nat(ROWS - 1),
        col: fc.nat(COLS - 1),
        rows: fc.integer({ min: 1, max: maxRows }),
        cols: fc.integer({ min: 1, max: maxCols }),
      })
      .map((r) => ({ ...r, rows: Math.min(r.rows, ROWS - r.row), cols: Math.min(r.cols, COLS - r.col) }));
  const sheet = fc.record({
    cells: fc.array(fc.tuple(fc.nat(ROWS - 1), fc.nat(COLS - 1), cellInput), { maxLength: 60 }),
    formats: fc.array(fc.tuple(rectIn(8, 3), fc.constantFrom('0.00', '@', 'm/d/yyyy', 'General')), { maxLength: 4 }),
    table: fc.option(rectIn(8, 3), { nil: undefined }),
  });

  function build(spec: { cells: [number, number, unknown][]; formats: [Rect, string][]; table?: Rect }): MemoryWorkbook {
    const wb = new MemoryWorkbook();
    for (const [rect, f] of spec.formats) wb.setFormat('Sheet1', rect, f);
    for (const [r, c, v] of spec.cells) wb.writeCells('Sheet1', { row: r, col: c, rows: 1, cols: 1 }, [[v]], 'formulas');
    if (spec.table && spec.table.rows >= 2) wb.addTable('Sheet1', spec.table, 'T');
    return wb;
  }

  const state = (wb: MemoryWorkbook) => ({
    snapshot: wb.snapshot(),
    used: [wb.usedRect('Sheet1', undefined, true), wb.usedRect('Sheet1', undefined, false)],
    calc: wb.tables.map((t) => t.columns.map((c) => c.calc)),
  });

  it('matches a cell-by-cell copy on random sheets and rectangles, overlapping or not, for every copy type', () => {
    fc.assert(
      fc.property(
        sheet,
        rectIn(6, 3),
        rectIn(12, 6),
        fc.constantFrom<CopyType>('All', 'Values', 'Formats', 'Formulas'),
        fc.boolean(),
        (spec, src, dst, copyType, skipBlanks) => {
          const columnar = build(spec);
          const reference = build(spec);
          const outcome = (f: () => void) => {
            try {
              f();
              return 'ok';
            } catch (e) {
              return (e as { code?: string }).code ?? String(e);
            }
          };
          const a = outcome(() =>
            copyRange(columnar, { sheet: 'Sheet1', rect: src }, { sheet: 'Sheet1', rect: dst }, copyType, skipBlanks, false),
          );
          const b = outcome(() => copyCellByCell(reference, src, dst, copyType, skipBlanks));
          expect(a).toBe(b);
          expect(state(columnar)).toEqual(state(reference));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('copies a column slice into rows far below, growing the column, and keeps its bounds', () => {
    const wb = new MemoryWorkbook();
    wb.writeCells('Sheet1', { row: 0, col: 0, rows: 4, cols: 1 }, [['a'], [1], [true], [null]], 'values');
    copyRange(
      wb,
      { sheet: 'Sheet1', rect: { row: 0, col: 0, rows: 4, cols: 1 } },
      { sheet: 'Sheet1', rect: { row: 5000, col: 0, rows: 4, cols: 1 } },
      'All',
      false,
      false,
    );
    expect([5000, 5001, 5002, 5003].map((r) => wb.value('Sheet1', r, 0))).toEqual(['a', 1, true, null]);
    expect(wb.usedRect('Sheet1')).toEqual({ row: 0, col: 0, rows: 5003, cols: 1 });
    // A block ending in an empty cell pasted over the bottom value: the used range ends above it.
    const column = { sheet: 'Sheet1', rect: { row: 0, col: 0, rows: 4, cols: 1 } };
    copyRange(wb, column, { sheet: 'Sheet1', rect: { row: 4999, col: 0, rows: 4, cols: 1 } }, 'Values', false, false);
    expect(wb.usedRect('Sheet1')).toEqual({ row: 0, col: 0, rows: 5002, cols: 1 });
    // Only empties: nothing is left below row 3.
    copyRange(
      wb,
      { sheet: 'Sheet1', rect: { row: 100, col: 0, rows: 4, cols: 1 } },
      { sheet: 'Sheet1', rect: { row: 4999, col: 0, rows: 4, cols: 1 } },
      'Values',
      false,
      false,
    );
    expect(wb.usedRect('Sheet1')).toEqual({ row: 0, col: 0, rows: 3, cols: 1 });
  });
});
