/**
 * The in-memory Excel driven through its Office.js-shaped API, the way the gateway drives it:
 * sheets, ranges, protection, merged cells, shapes, copyFrom and request limits. Tables are in
 * memory-excel-tables.test.ts.
 */
import { describe, expect, it } from 'vitest';

import { MemoryExcel } from '../../../addin/workbook/memory/excel-api.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';

const run = <T>(wb: MemoryWorkbook, fn: (ctx: Excel.RequestContext) => Promise<T>, apiVersion?: string) =>
  new MemoryExcel(wb, { apiVersion }).run({}, fn);

describe('worksheets', () => {
  it('adds, finds, lists, hides, activates and deletes sheets; properties need load + sync', async () => {
    const wb = new MemoryWorkbook();
    await run(wb, async (ctx) => {
      const added = ctx.workbook.worksheets.add('Data');
      added.visibility = 'VeryHidden';
      const missing = ctx.workbook.worksheets.getItemOrNullObject('Nope');
      const all = ctx.workbook.worksheets.load('items/name,visibility');
      await ctx.sync();
      expect(missing.isNullObject).toBe(true);
      expect(all.items.map((s) => [s.name, s.visibility])).toEqual([
        ['Sheet1', 'Visible'],
        ['Data', 'VeryHidden'],
      ]);
      const data = ctx.workbook.worksheets.getItem('data');
      expect(() => data.name).toThrow(expect.objectContaining({ code: 'PropertyNotLoaded' }));
      data.load('name');
      await ctx.sync();
      expect(data.name).toBe('Data');
      // A hidden sheet cannot be activated; the last visible sheet cannot be hidden.
      data.activate();
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
      ctx.workbook.worksheets.getItem('Sheet1').visibility = 'Hidden';
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
      data.delete();
      await ctx.sync();
    });
    expect(wb.sheets.map((s) => s.name)).toEqual(['Sheet1']);
  });
});

describe('ranges', () => {
  it('loads address, indexes, geometry in points (15 pt rows, 48 pt columns), values, formats and formulas', async () => {
    const wb = new MemoryWorkbook({ sheets: ['My Data'] });
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('My Data');
      const r = ws.getRange('B3:C4');
      r.values = [
        [1, '=B3*2'],
        ['x', null],
      ];
      r.numberFormat = [['0.00']];
      r.load('address,rowIndex,columnIndex,rowCount,columnCount,values,numberFormat,formulas,left,top,width,height');
      await ctx.sync();
      expect(r.address).toBe("'My Data'!B3:C4");
      expect([r.rowIndex, r.columnIndex, r.rowCount, r.columnCount]).toEqual([2, 1, 2, 2]);
      expect([r.left, r.top, r.width, r.height]).toEqual([48, 30, 96, 30]);
      expect(r.values).toEqual([
        [1, 2],
        ['x', ''],
      ]);
      expect(r.formulas).toEqual([
        [1, '=B3*2'],
        ['x', ''],
      ]);
      expect(r.numberFormat).toEqual([
        ['0.00', '0.00'],
        ['0.00', '0.00'],
      ]);
      expect(() => r.text).toThrow(expect.objectContaining({ code: 'PropertyNotLoaded' }));
      r.load('text');
      await ctx.sync();
      expect(r.text).toEqual([
        ['1.00', '2.00'],
        ['x', ''],
      ]);
    });
  });

  it('writes and reads formulasR1C1 relative to each cell', async () => {
    const wb = new MemoryWorkbook();
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('A1:A2').values = [[2], [3]];
      const b = ws.getRange('B1:B2');
      b.formulasR1C1 = [['=RC[-1]*10'], ['=RC[-1]*10']];
      b.load('formulas,formulasR1C1,values');
      await ctx.sync();
      expect(b.formulas).toEqual([['=A1*10'], ['=A2*10']]);
      expect(b.formulasR1C1).toEqual([['=RC[-1]*10'], ['=RC[-1]*10']]);
      expect(b.values).toEqual([[20], [30]]);
    });
  });

  it('derives rows, columns, cells, resized, offset and intersected ranges', async () => {
    const wb = new MemoryWorkbook();
    await run(wb, async (ctx) => {
      const base = ctx.workbook.worksheets.getItem('Sheet1').getRange('B2:D5');
      const parts = [
        base.getRow(1),
        base.getColumn(2),
        base.getCell(1, 1),
        base.getResizedRange(1, -1),
        base.getOffsetRange(2, 3),
        base.getIntersectionOrNullObject('C4:F9'),
      ].map((r) => r.load('address'));
      const none = base.getIntersectionOrNullObject('H1:H2');
      await ctx.sync();
      expect(parts.map((p) => p.address)).toEqual([
        'Sheet1!B3:D3',
        'Sheet1!D2:D5',
        'Sheet1!C3',
        'Sheet1!B2:C6',
        'Sheet1!E4:G7',
        'Sheet1!C4:D5',
      ]);
      expect(none.isNullObject).toBe(true);
    });
  });

  it('fails a wrongly shaped write at sync with InvalidArgument, leaving the operations before it applied', async () => {
    const wb = new MemoryWorkbook();
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('A1').values = [['first']];
      ws.getRange('A2:B2').values = [['only one']];
      ws.getRange('A3').values = [['never']];
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidArgument' });
    });
    expect([wb.value('Sheet1', 0, 0), wb.value('Sheet1', 2, 0)]).toEqual(['first', null]);
  });

  it('clears contents, formats or both', async () => {
    const wb = new MemoryWorkbook();
    for (const c of [0, 1, 2]) {
      wb.setFormat('Sheet1', { row: 0, col: c, rows: 1, cols: 1 }, '0.0');
      wb.writeValue('Sheet1', 0, c, 5);
    }
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('A1').clear('Contents');
      ws.getRange('B1').clear('Formats');
      ws.getRange('C1').clear('All');
      await ctx.sync();
    });
    const s = wb.snapshot().sheets.Sheet1;
    expect([s.A1, s.B1, s.C1]).toEqual([{ value: null, format: '0.0' }, { value: 5 }, undefined]);
  });

  it('uses the workbook date system when strings are coerced (date1904)', async () => {
    const wb = new MemoryWorkbook({ date1904: true });
    wb.writeValue('Sheet1', 0, 0, '2024-01-05');
    expect(wb.value('Sheet1', 0, 0)).toBe(45296 - 1462);
  });

  it('fails a member above the supported requirement set with ApiNotFound at sync', async () => {
    const wb = new MemoryWorkbook();
    await run(
      wb,
      async (ctx) => {
        ctx.workbook.worksheets.getItem('Sheet1').getRange('A1').getTables(false).load('items/name');
        await expect(ctx.sync()).rejects.toMatchObject({ code: 'ApiNotFound' });
      },
      '1.8',
    );
  });
});

describe('sheet protection', () => {
  it('reads protection; every write fails at sync with AccessDenied while reads work; protect twice fails', async () => {
    const wb = new MemoryWorkbook();
    wb.writeValue('Sheet1', 0, 0, 'Region');
    wb.writeValue('Sheet1', 1, 0, 'N');
    wb.addTable('Sheet1', { row: 0, col: 0, rows: 2, cols: 1 }, 'T');
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.protection.protect();
      const p = ws.protection.load('protected');
      await ctx.sync();
      expect(p.protected).toBe(true);
      const table = ctx.workbook.tables.getItem('T');
      const writes: (() => void)[] = [
        () => (ws.getRange('D1').values = [[1]]),
        () => (ws.getRange('D1').formulas = [['=1']]),
        () => (ws.getRange('D1').numberFormat = [['0']]),
        () => ws.getRange('A1').clear('Contents'),
        () => ws.getRange('D1').copyFrom('A1'),
        () => ws.tables.add('F1:F2', true),
        () => table.resize('A1:A4'),
        () => table.columns.add(undefined, undefined, 'X'),
        () => (table.showTotals = true),
        () => table.rows.deleteRowsAt(0, 1),
        () => table.getRange().getRow(0).merge(),
        () => ws.shapes.addGeometricShape('Rectangle'),
      ];
      for (const write of writes) {
        write();
        await expect(ctx.sync()).rejects.toMatchObject({ code: 'AccessDenied' });
      }
      const read = ws.getRange('A1:A2').load('values');
      await ctx.sync();
      expect(read.values).toEqual([['Region'], ['N']]);
      ws.protection.protect();
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'AccessDenied' });
      ws.protection.unprotect();
      ws.getRange('D1').values = [['ok']];
      await ctx.sync();
    });
    expect(wb.value('Sheet1', 0, 3)).toBe('ok');
  });
});

describe('merged cells', () => {
  it('remembers merged areas, refuses writes into covered cells and tables over them; empty merges are not in the values-only used range', async () => {
    const wb = new MemoryWorkbook();
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('B2:C3').merge();
      ws.getRange('E2:F3').merge(true);
      const areas = ws.getRange('A1:H9').getMergedAreasOrNullObject().load('address,areaCount');
      const none = ws.getRange('A10:B12').getMergedAreasOrNullObject().load('address');
      const valuesOnly = ws.getUsedRangeOrNullObject(true).load('address');
      const withFormats = ws.getUsedRangeOrNullObject(false).load('address');
      await ctx.sync();
      expect([areas.address, areas.areaCount]).toEqual(['Sheet1!B2:C3,Sheet1!E2:F2,Sheet1!E3:F3', 3]);
      expect(none.isNullObject).toBe(true);
      expect(valuesOnly.isNullObject).toBe(true);
      expect(withFormats.address).toBe('Sheet1!B2:F3');
      ws.getRange('B2:C2').values = [['top-left', null]];
      await ctx.sync();
      ws.getRange('B2:C2').values = [['top-left', 'covered']];
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
      ws.tables.add('A1:C4', true);
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
      ws.getRange('B2:C3').unmerge();
      ws.getRange('C2').values = [['now fine']];
      await ctx.sync();
    });
    expect([wb.value('Sheet1', 1, 1), wb.value('Sheet1', 1, 2)]).toEqual(['top-left', 'now fine']);
  });
});

describe('shapes', () => {
  it('adds geometric shapes with a position and size in points; they are not in the used range', async () => {
    const wb = new MemoryWorkbook();
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      const s = ws.shapes.addGeometricShape('Rectangle');
      s.left = 96;
      s.top = 45;
      s.width = 100;
      s.height = 30;
      const shapes = ws.shapes.load('items/name,left,top,width,height');
      const used = ws.getUsedRangeOrNullObject(true);
      await ctx.sync();
      expect(shapes.items.map((x) => [x.name, x.left, x.top, x.width, x.height])).toEqual([['Rectangle 1', 96, 45, 100, 30]]);
      expect(used.isNullObject).toBe(true);
    });
  });
});

describe('copyFrom', () => {
  it('copies all, values, formats or formulas; shifts relative references; skips blanks; transposes', async () => {
    const wb = new MemoryWorkbook();
    wb.writeValue('Sheet1', 0, 0, 2);
    wb.writeFormula('Sheet1', 0, 1, '=A1*$A$1');
    wb.setFormat('Sheet1', { row: 0, col: 0, rows: 1, cols: 2 }, '0.0');
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('A3').values = [[5]];
      ws.getRange('A3').copyFrom('A1', 'Formats');
      ws.getRange('B3').copyFrom('A1:B1', 'Formulas');
      ws.getRange('A5').copyFrom('A1:B1', 'Values');
      ws.getRange('A7').copyFrom(ws.getRange('A5:B5'), 'All', false, true);
      ws.getRange('D1:D2').values = [['keep'], ['keep']];
      ws.getRange('D1').copyFrom('C1:C2', 'All', true);
      await ctx.sync();
    });
    const s = wb.snapshot().sheets.Sheet1;
    expect(s.A3).toEqual({ value: 5, format: '0.0' });
    expect(s.C3).toMatchObject({ formula: '=B3*$A$1' });
    expect(s.C3.format).toBeUndefined();
    expect([s.A5, s.B5]).toEqual([{ value: 2 }, { value: 4 }]);
    expect([s.A7, s.A8]).toEqual([{ value: 2 }, { value: 4 }]);
    expect([wb.value('Sheet1', 0, 3), wb.value('Sheet1', 1, 3)]).toEqual(['keep', 'keep']);
  });

  it('refuses to paste into rows hidden by a filter (InvalidOperation)', async () => {
    const wb = new MemoryWorkbook();
    ['K', 'a', 'b', 'c'].forEach((v, i) => wb.writeValue('Sheet1', i, 0, v));
    wb.addTable('Sheet1', { row: 0, col: 0, rows: 4, cols: 1 }, 'T');
    await run(wb, async (ctx) => {
      ctx.workbook.tables.getItem('T').columns.getItem('K').filter.applyValuesFilter(['a']);
      await ctx.sync();
      ctx.workbook.worksheets.getItem('Sheet1').getRange('A2:A4').copyFrom('C1:C3', 'Values');
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
    });
  });
});

describe('requests', () => {
  it('fails a request above generalExceptionBytes with GeneralException and drops the whole batch', async () => {
    const wb = new MemoryWorkbook({ generalExceptionBytes: 1000, payloadLimit: 5000 });
    const excel = new MemoryExcel(wb, { record: true });
    await excel.run({}, async (ctx: Excel.RequestContext) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('A1').values = [['small']];
      ws.getRange('A2').values = [['x'.repeat(1500)]];
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'GeneralException' });
      ws.getRange('A3').values = [['x'.repeat(6000)]];
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'RequestPayloadSizeLimitExceeded' });
    });
    expect(wb.usedRect('Sheet1')).toBeNull();
    expect(excel.syncs.map((s) => s.failed)).toEqual(['GeneralException', 'RequestPayloadSizeLimitExceeded']);
    expect(new MemoryWorkbook().generalExceptionBytes).toBe(4 * 1024 * 1024);
  });

  it("reads each written string by its own row's number format, where the rows of a write have different ones", async () => {
    const wb = new MemoryWorkbook();
    const excel = new MemoryExcel(wb);
    await excel.run({}, async (ctx: Excel.RequestContext) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('A2:A3').numberFormat = [['@']];
      ws.getRange('A1:A4').values = [['12'], ['12'], ['0012'], ['12']];
      ws.getRange('B1:B3').numberFormat = [['@']];
      ws.getRange('B1:B3').values = [['7'], ['08'], ['x']];
      await ctx.sync();
    });
    // Text format keeps the string; General reads a number (coerce.ts).
    expect([0, 1, 2, 3].map((r) => wb.value('Sheet1', r, 0))).toEqual([12, '12', '0012', 12]);
    expect([0, 1, 2].map((r) => wb.value('Sheet1', r, 1))).toEqual(['7', '08', 'x']);
  });

  it('fails exactly the requests over the limit whether or not it records them (the unrecorded path counts a bound first)', async () => {
    const outcome = async (record: boolean, cells: unknown[][]) => {
      const wb = new MemoryWorkbook({ payloadLimit: 1000, generalExceptionBytes: 1200 });
      const excel = new MemoryExcel(wb, { record });
      let failed: string | undefined;
      await excel.run({}, async (ctx: Excel.RequestContext) => {
        ctx.workbook.worksheets.getItem('Sheet1').getRangeByIndexes(0, 0, cells.length, cells[0].length).values = cells as never;
        failed = await ctx.sync().then(
          () => undefined,
          (e: { code: string }) => e.code,
        );
      });
      return { failed, logged: wb.syncLog[0], exact: excel.syncs[0]?.bytes, stored: wb.value('Sheet1', 0, 0) };
    };
    let accepted = 0;
    let refused = 0;
    // Crossing the limit a byte at a time, with cells whose bound is far above their exact size.
    for (let n = 850; n < 1000; n += 7)
      for (const cells of [[['x'.repeat(n)]], [['é'.repeat(n >> 1), 1.5, -7]], [[123456.789, 'y'.repeat(n - 30), true, null]]]) {
        const exact = await outcome(true, cells);
        const fast = await outcome(false, cells);
        expect(fast.failed, `${n}: ${exact.exact} bytes`).toBe(exact.failed);
        expect(fast.stored).toEqual(exact.stored);
        if (exact.failed) refused++;
        else {
          accepted++;
          expect(exact.exact).toBeLessThanOrEqual(1000);
          expect(fast.logged).toBeGreaterThanOrEqual(exact.exact!);
          expect(fast.logged).toBeLessThanOrEqual(1000);
        }
      }
    expect(accepted).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });
});
