/**
 * Tables of the in-memory Excel through its Office.js API: totals rows, auto-expansion, calculated
 * columns with the AutoCorrect option on and off, filters, sort, columns, rows, resize, delete.
 */
import { describe, expect, it } from 'vitest';

import { MemoryExcel } from '../../../addin/workbook/memory/excel-api.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';

const run = <T>(wb: MemoryWorkbook, fn: (ctx: Excel.RequestContext) => Promise<T>) => new MemoryExcel(wb).run({}, fn);

/** Sheet1!A1:B4 as table "Sales": Region | Sales with N 10, S 20, E 30. */
function salesTable(opts?: ConstructorParameters<typeof MemoryWorkbook>[0]) {
  const wb = new MemoryWorkbook(opts);
  const rows: [string, number][] = [
    ['N', 10],
    ['S', 20],
    ['E', 30],
  ];
  wb.writeValue('Sheet1', 0, 0, 'Region');
  wb.writeValue('Sheet1', 0, 1, 'Sales');
  rows.forEach(([r, s], i) => {
    wb.writeValue('Sheet1', i + 1, 0, r);
    wb.writeValue('Sheet1', i + 1, 1, s);
  });
  wb.addTable('Sheet1', { row: 0, col: 0, rows: 4, cols: 2 }, 'Sales');
  return wb;
}

async function ranges(ctx: Excel.RequestContext, name: string) {
  const t = ctx.workbook.tables.getItem(name);
  const all = t.getRange().load('address');
  const body = t.getDataBodyRange().load('address');
  await ctx.sync();
  return { all: all.address, body: body.address };
}

describe('totals row', () => {
  it('shows "Total" and SUBTOTAL(109,[Sales]) below the data, inside getRange but not the data body', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const t = ctx.workbook.tables.getItem('Sales');
      t.showTotals = true;
      const totals = t.getTotalRowRange().load('address,values,formulas');
      t.load('name,showTotals');
      await ctx.sync();
      expect(t.showTotals).toBe(true);
      expect(totals.address).toBe('Sheet1!A5:B5');
      expect(totals.values).toEqual([['Total', 60]]);
      expect(totals.formulas).toEqual([['Total', '=SUBTOTAL(109,[Sales])']]);
      expect(await ranges(ctx, 'Sales')).toEqual({ all: 'Sheet1!A1:B5', body: 'Sheet1!A2:B4' });
    });
  });

  it('removing the totals row clears its cells; showing it again restores them', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const t = ctx.workbook.tables.getItem('Sales');
      t.showTotals = true;
      await ctx.sync();
      t.getTotalRowRange().getCell(0, 1).formulas = [['=SUBTOTAL(101,[Sales])']];
      t.showTotals = false;
      await ctx.sync();
      expect([wb.value('Sheet1', 4, 0), wb.sheet('Sheet1').get(4, 1)?.formula]).toEqual([null, undefined]);
      t.getTotalRowRange().load('address');
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
      t.showTotals = true;
      await ctx.sync();
    });
    expect(wb.value('Sheet1', 4, 1)).toBe(20);
  });

  it('needs the row below the data free', async () => {
    const wb = salesTable();
    wb.autoCorrect.expandTables = false;
    wb.writeValue('Sheet1', 4, 1, 'in the way');
    await run(wb, async (ctx) => {
      ctx.workbook.tables.getItem('Sales').showTotals = true;
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
    });
    expect(wb.findTable('Sales')!.showTotals).toBe(false);
  });

  it('resize with the totals row shown: the new range includes it and it still sums the data', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const t = ctx.workbook.tables.getItem('Sales');
      t.showTotals = true;
      t.resize('A1:B7');
      await ctx.sync();
      ctx.workbook.worksheets.getItem('Sheet1').getRange('A5:B6').values = [
        ['W', 5],
        ['X', 7],
      ];
      await ctx.sync();
      expect(await ranges(ctx, 'Sales')).toEqual({ all: 'Sheet1!A1:B7', body: 'Sheet1!A2:B6' });
    });
    expect([wb.value('Sheet1', 6, 0), wb.value('Sheet1', 6, 1)]).toEqual(['Total', 72]);
  });
});

describe('auto-expansion (AutoCorrect "Include new rows and columns in table")', () => {
  it('grows a table over values written in the row below it or the column to its right', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('A5:B6').values = [
        ['W', 1],
        ['X', 2],
      ];
      ws.getRange('C2').values = [['note']];
      await ctx.sync();
      const headers = ctx.workbook.tables.getItem('Sales').getHeaderRowRange().load('values');
      await ctx.sync();
      expect(headers.values).toEqual([['Region', 'Sales', 'Column3']]);
      expect(await ranges(ctx, 'Sales')).toEqual({ all: 'Sheet1!A1:C6', body: 'Sheet1!A2:C6' });
    });
  });

  it('makes a naive import placed right under a table collide with it', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      ws.getRange('A5:B5').values = [['Name', 'Value']];
      ws.getRange('A6:B7').values = [
        ['a', 1],
        ['b', 2],
      ];
      await ctx.sync();
      ws.tables.add('A5:B7', true);
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
    });
    expect(wb.findTable('Sales')!.rows).toBe(6);
  });

  it('does not grow with the option off, below a shown totals row, or for a gap row', async () => {
    const off = salesTable({ autoCorrect: { expandTables: false } });
    off.writeValue('Sheet1', 4, 0, 'W');
    expect(off.findTable('Sales')!.rows).toBe(3);
    const totals = salesTable();
    await run(totals, async (ctx) => {
      ctx.workbook.tables.getItem('Sales').showTotals = true;
      await ctx.sync();
      ctx.workbook.worksheets.getItem('Sheet1').getRange('A6').values = [['under the totals']];
      ctx.workbook.worksheets.getItem('Sheet1').getRange('D2').values = [['gap column']];
      await ctx.sync();
    });
    expect(totals.findTable('Sales')).toMatchObject({ rows: 3, cols: 2 });
  });
});

describe('calculated columns', () => {
  it('a formula entered in an empty column fills it and new rows get it only while "Fill formulas in tables" is on', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const t = ctx.workbook.tables.getItem('Sales');
      t.columns.add(undefined, undefined, 'Tax');
      await ctx.sync();
      ctx.workbook.worksheets.getItem('Sheet1').getRange('C2').formulas = [['=[@Sales]*0.1']];
      await ctx.sync();
      t.resize('A1:C5');
      await ctx.sync();
      const tax = t.columns.getItem('Tax').getDataBodyRange().load('values');
      await ctx.sync();
      expect(tax.values).toEqual([[1], [2], [3], [0]]);
    });
    expect(wb.findTable('Sales')!.columns[2].calc).toBe('=[@Sales]*0.1');
    wb.autoCorrect.fillFormulas = false;
    wb.resizeTable('Sales', { row: 0, col: 0, rows: 6, cols: 3 });
    expect(wb.sheet('Sheet1').get(5, 2)?.formula).toBeUndefined();
  });

  it('with the option off a formula stays in its cell; a column holding one formula throughout is calculated anyway', async () => {
    const wb = salesTable({ autoCorrect: { fillFormulas: false } });
    wb.writeValue('Sheet1', 0, 2, 'Double');
    wb.writeFormula('Sheet1', 1, 2, '=B2*2');
    expect([wb.sheet('Sheet1').get(2, 2)?.formula, wb.findTable('Sales')!.columns[2].calc]).toEqual([undefined, null]);
    wb.writeFormula('Sheet1', 2, 2, '=B3*2');
    wb.writeFormula('Sheet1', 3, 2, '=B4*2');
    expect(wb.findTable('Sales')!.columns[2].calc).toBe('=B2*2');
  });

  it('different formulas written to an emptied or calculated column become the bottom-most one (office-js#5909, #6745)', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const t = ctx.workbook.tables.getItem('Sales');
      t.columns.add(undefined, undefined, 'F');
      await ctx.sync();
      t.columns.getItem('F').getDataBodyRange().formulas = [['=1+1'], ['=2+2'], ['=3+3']];
      await ctx.sync();
    });
    expect([1, 2, 3].map((r) => wb.sheet('Sheet1').get(r, 2)?.formula)).toEqual(['=3+3', '=3+3', '=3+3']);
    // Editing one cell's formula edits the whole calculated column; a value is an exception.
    wb.writeFormula('Sheet1', 2, 2, '=[@Sales]+1');
    wb.writeValue('Sheet1', 3, 2, 'manual');
    expect([1, 2, 3].map((r) => wb.value('Sheet1', r, 2))).toEqual([11, 21, 'manual']);
    expect(wb.findTable('Sales')!.columns[2].calc).toBe('=[@Sales]+1');
  });

  it('rows.add fills calculated columns and new rows take the number format of the row above', async () => {
    const wb = salesTable();
    wb.setFormat('Sheet1', { row: 3, col: 1, rows: 1, cols: 1 }, '$#,##0');
    wb.writeValue('Sheet1', 0, 2, 'Double');
    wb.writeFormula('Sheet1', 1, 2, '=[@Sales]*2');
    await run(wb, async (ctx) => {
      ctx.workbook.tables.getItem('Sales').rows.add(undefined, [['W', 50, null as unknown as string]]); // null: leave the cell to the table
      await ctx.sync();
    });
    const s = wb.snapshot().sheets.Sheet1;
    expect(s.B5).toEqual({ value: 50, format: '$#,##0' });
    expect(s.C5).toMatchObject({ value: 100, formula: '=[@Sales]*2' });
  });
});

describe('filters', () => {
  it('hide non-matching rows, keep them writable, are re-evaluated by reapplyFilters and undone by clearFilters', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const t = ctx.workbook.tables.getItem('Sales');
      t.showTotals = true;
      const sales = t.columns.getItem('Sales');
      sales.filter.applyCustomFilter('>=20');
      const criteria = sales.filter.load('criteria');
      await ctx.sync();
      expect(criteria.criteria).toMatchObject({ filterOn: 'Custom', criterion1: '>=20' });
      expect([...wb.sheet('Sheet1').hiddenRows]).toEqual([1]);
      expect(wb.value('Sheet1', 4, 1)).toBe(50); // SUBTOTAL(109) leaves filtered rows out
      ctx.workbook.worksheets.getItem('Sheet1').getRange('B2:B4').values = [[25], [5], [30]];
      await ctx.sync();
      expect([...wb.sheet('Sheet1').hiddenRows]).toEqual([1]); // not re-evaluated until asked
      expect(wb.value('Sheet1', 1, 1)).toBe(25);
      t.reapplyFilters();
      await ctx.sync();
      expect([...wb.sheet('Sheet1').hiddenRows]).toEqual([2]);
      t.columns.getItem('Region').filter.applyValuesFilter(['n']);
      await ctx.sync();
      expect([...wb.sheet('Sheet1').hiddenRows].sort()).toEqual([2, 3]);
      t.clearFilters();
      await ctx.sync();
    });
    expect(wb.sheet('Sheet1').hiddenRows.size).toBe(0);
  });
});

describe('sort', () => {
  it('sorts whole data rows with their formats, remembers the fields, reapplies and clears', async () => {
    const wb = salesTable();
    wb.setFormat('Sheet1', { row: 1, col: 1, rows: 1, cols: 1 }, '0.0');
    await run(wb, async (ctx) => {
      const t = ctx.workbook.tables.getItem('Sales');
      t.sort.apply([{ key: 1, ascending: false }]);
      const sort = t.sort.load('fields');
      await ctx.sync();
      expect(sort.fields).toEqual([{ key: 1, ascending: false }]);
      const body = t.getDataBodyRange().load('values');
      await ctx.sync();
      expect(body.values).toEqual([
        ['E', 30],
        ['S', 20],
        ['N', 10],
      ]);
      expect(wb.sheet('Sheet1').get(3, 1)?.format).toBe('0.0');
      ctx.workbook.worksheets.getItem('Sheet1').getRange('B2').values = [[1]];
      t.sort.reapply();
      body.load('values');
      await ctx.sync();
      expect(body.values.map((r) => r[0])).toEqual(['S', 'N', 'E']);
      t.sort.clear();
      sort.load('fields');
      await ctx.sync();
      expect(sort.fields).toEqual([]);
    });
  });
});

describe('columns, rows, resize, rename, delete', () => {
  it('adds columns by name and values, lists and finds them', async () => {
    const wb = salesTable();
    wb.writeValue('Sheet1', 0, 4, 'beyond'); // not adjacent: the table does not grow into it
    await run(wb, async (ctx) => {
      const t = ctx.workbook.tables.getItem('Sales');
      t.columns.add(1, [['Rep'], ['a'], ['b'], ['c']]);
      const cols = t.columns.load('items/name');
      await ctx.sync();
      expect(cols.items.map((c) => c.name)).toEqual(['Region', 'Rep', 'Sales']);
      t.columns.add(undefined, undefined, 'Sales');
      await ctx.sync();
      cols.load('items/name');
      await ctx.sync();
      expect(cols.items.map((c) => c.name)).toEqual(['Region', 'Rep', 'Sales', 'Sales2']);
      t.columns.add(undefined, undefined, 'Blocked');
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
    });
    expect(wb.value('Sheet1', 2, 1)).toBe('b');
  });

  it('deletes rows (cells below move up), keeps one data row, renames with Excel name rules and overlap checks', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const t = ctx.workbook.tables.getItem('Sales');
      t.rows.deleteRowsAt(0, 2);
      const count = t.rows.load('count');
      await ctx.sync();
      expect(count.count).toBe(1);
      expect(wb.value('Sheet1', 1, 0)).toBe('E');
      t.rows.deleteRowsAt(0, 1);
      t.name = 'Orders';
      await ctx.sync();
      expect(wb.findTable('Orders')!.rows).toBe(1);
      for (const bad of ['A1', 'R1C1', '1x', 'has space']) {
        t.name = bad;
        await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidArgument' });
      }
      ctx.workbook.worksheets.getItem('Sheet1').tables.add('B1:C3', true);
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'InvalidOperation' });
    });
  });

  it('keeps headers unique, non-empty text when they are written over', async () => {
    const wb = salesTable();
    await run(wb, async (ctx) => {
      const header = ctx.workbook.tables.getItem('Sales').getHeaderRowRange();
      header.values = [['Sales', '']];
      header.load('values');
      await ctx.sync();
      expect(header.values).toEqual([['Sales', 'Column2']]);
      header.values = [[2024, '=1+1']];
      header.load('values,formulas');
      await ctx.sync();
      expect(header.formulas).toEqual([['2024', '2']]);
    });
  });

  it('adds a table without headers: Excel generates them and moves the data down one row', async () => {
    const wb = new MemoryWorkbook();
    wb.writeValue('Sheet1', 0, 0, 'a');
    wb.writeValue('Sheet1', 1, 0, 'b');
    await run(wb, async (ctx) => {
      const t = ctx.workbook.worksheets.getItem('Sheet1').tables.add('A1:A2', false);
      const range = t.getRange().load('address,values');
      await ctx.sync();
      expect([range.address, range.values]).toEqual(['Sheet1!A1:A3', [['Column1'], ['a'], ['b']]]);
    });
  });

  it('lists tables that intersect or lie inside a range (Range.getTables)', async () => {
    const wb = salesTable();
    wb.writeValue('Sheet1', 0, 5, 'Other');
    wb.addTable('Sheet1', { row: 0, col: 5, rows: 2, cols: 1 }, 'Other');
    await run(wb, async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem('Sheet1');
      const touching = ws.getRange('B2:F2').getTables(false).load('items/name');
      const inside = ws.getRange('A1:E9').getTables(true).load('items/name');
      await ctx.sync();
      expect(touching.items.map((t) => t.name)).toEqual(['Sales', 'Other']);
      expect(inside.items.map((t) => t.name)).toEqual(['Sales']);
    });
  });

  it('Table.delete clears the cells; convertToRange keeps them', async () => {
    const a = salesTable();
    const b = salesTable();
    await run(a, async (ctx) => {
      ctx.workbook.tables.getItem('Sales').delete();
      await ctx.sync();
    });
    await run(b, async (ctx) => {
      ctx.workbook.tables.getItem('Sales').convertToRange();
      await ctx.sync();
    });
    expect([a.tables.length, a.usedRect('Sheet1')]).toEqual([0, null]);
    expect([b.tables.length, b.value('Sheet1', 3, 1)]).toEqual([0, 30]);
  });
});
