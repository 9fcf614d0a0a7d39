/**
 * The one gateway over the in-memory Excel, for each way real Excel breaks a naive import (issue
 * #16): totals rows, tables that auto-expand, a refresh failing part-way, GeneralException on large
 * writes, formula columns with AutoCorrect off, protection, merged cells, shapes, the 1904 date
 * system, long numbers and long text.
 */
import { describe, expect, it } from 'vitest';

import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import { type WritePort, writeRows } from '../../../addin/workbook/write-core.js';
import type { CellValue, ColumnSpec } from '../../../common/stream.js';

const columns: ColumnSpec[] = [
  { name: 'Customer', type: 'text', format: '@' },
  { name: 'Sales', type: 'currency', format: '$#,##0.00' },
];
const rows = (n: number, from = 0): CellValue[][] => Array.from({ length: n }, (_, i) => [`C${from + i}`, from + i + 1]);

function setup(opts: { budgetBytes?: number; payloadLimit?: number } = {}) {
  const wb = new MemoryWorkbook(opts.payloadLimit ? { payloadLimit: opts.payloadLimit } : {});
  const g = memoryGateway(wb, { record: true, budget: opts.budgetBytes ? { maxBytes: opts.budgetBytes } : undefined });
  /** Acts on the workbook the way a user would, through the same Office.js surface. */
  const office = (fn: (ctx: Excel.RequestContext) => void | Promise<void>) =>
    g.excel.run({}, async (ctx: Excel.RequestContext) => {
      await fn(ctx);
      await ctx.sync();
    });
  return { wb, g, excel: g.excel, office };
}

const snapshot = (wb: MemoryWorkbook) => JSON.stringify(wb.snapshot());
const sheetNames = (wb: MemoryWorkbook) => wb.sheets.map((s) => s.name);

describe('totals rows (docs/excel.md#tables)', () => {
  async function withTotals(n: number) {
    const s = setup();
    await s.g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(n), { tableName: 'Orders' });
    await s.office((ctx) => {
      const t = ctx.workbook.tables.getItem('Orders');
      t.showTotals = true;
    });
    await s.office((ctx) => {
      ctx.workbook.tables.getItem('Orders').getTotalRowRange().formulas = [['Total', '=SUBTOTAL(109,[Sales])']];
    });
    return s;
  }

  it('grows under a totals row: the totals row moves below the new last row and still sums everything', async () => {
    const { g, wb } = await withTotals(3);
    expect(wb.value('Sheet1', 4, 1)).toBe(6);
    await g.replaceTableData('Orders', columns, rows(10), { mode: 'replace' });
    expect((await g.getTable('Orders'))!).toMatchObject({ rowCount: 10, address: 'A1:B12' });
    expect(wb.value('Sheet1', 10, 0)).toBe('C9');
    expect(wb.value('Sheet1', 11, 0)).toBe('Total');
    expect(wb.value('Sheet1', 11, 1)).toBe(55);
  });

  it('shrinks under a totals row: no data is written over it and nothing is left below it', async () => {
    const { g, wb } = await withTotals(10);
    await g.replaceTableData('Orders', columns, rows(2), { mode: 'replace' });
    expect((await g.getTable('Orders'))!).toMatchObject({ rowCount: 2, address: 'A1:B4' });
    expect(wb.value('Sheet1', 2, 0)).toBe('C1');
    expect(wb.value('Sheet1', 3, 0)).toBe('Total');
    expect(wb.value('Sheet1', 3, 1)).toBe(3);
    expect(wb.usedRect('Sheet1')).toEqual({ row: 0, col: 0, rows: 4, cols: 2 });
  });

  it('needs room for the totals row too when growing', async () => {
    const { g, wb } = await withTotals(3);
    wb.writeValue('Sheet1', 7, 1, 'blocker'); // B8: free for 6 data rows, not for the totals row under them
    const before = snapshot(wb);
    await expect(g.replaceTableData('Orders', columns, rows(6), { mode: 'replace' })).rejects.toMatchObject({ code: 'collision' });
    expect(snapshot(wb)).toBe(before);
  });
});

describe('targets that touch a table (auto-expansion)', () => {
  it.each([
    ['directly below', 'A5'],
    ['directly to the right', 'D1'],
  ])('refuses a place %s another table and suggests a free one', async (_, address) => {
    const { g, wb } = setup();
    await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'B1' }, columns, rows(3), { tableName: 'Old' });
    const before = snapshot(wb);
    const check = await g.checkTarget({ kind: 'cell', sheet: 'Sheet1', address }, { rows: 2, columns: 2 });
    expect(check).toMatchObject({ ok: false, conflict: 'table Old' });
    expect(check.ok ? '' : check.message).toMatch(/Excel would grow it/);
    await expect(g.writeTable({ kind: 'cell', sheet: 'Sheet1', address }, columns, rows(2), { tableName: 'New' })).rejects.toMatchObject({
      code: 'collision',
    });
    expect(snapshot(wb)).toBe(before);
    if (check.ok) return;
    const placed = await g.writeTable(check.suggestion, columns, rows(2), { tableName: 'New' });
    expect(placed.address).not.toBe(`${address}:${address}`);
    expect((await g.getTable('Old'))!.address).toBe('B1:C4');
  });

  it('a failed import clears only the values it wrote: the user formats of the place stay', async () => {
    const { g, wb, excel } = setup({ budgetBytes: 2_000 });
    wb.setFormat('Sheet1', { row: 3, col: 5, rows: 20, cols: 2 }, '0.000');
    let synced = 0;
    const write = g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'F2' }, columns, rows(300), {
      tableName: 'T',
      onProgress: () => {
        if (++synced === 3) excel.failNextSyncWith = 'InvalidOperation';
      },
    });
    await expect(write).rejects.toMatchObject({ code: 'excel-error' });
    expect(wb.tables).toHaveLength(0);
    expect(wb.usedRect('Sheet1')).toBeNull();
    expect(wb.sheet('Sheet1').get(5, 5)?.format).toBe('0.000');
    expect(sheetNames(wb)).toEqual(['Sheet1']);
  });
});

describe('a refresh that fails part-way changes nothing', () => {
  async function refreshable() {
    const s = setup({ budgetBytes: 2_000 });
    await s.g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'B2' }, columns, rows(40), { tableName: 'Orders' });
    s.wb.setFormat('Sheet1', { row: 2, col: 2, rows: 40, cols: 1 }, '$#,##0.000');
    return s;
  }

  it('fails at its last chunk: every cell, format and the table size are as before, no staging sheet is left', async () => {
    const { g, wb, excel } = await refreshable();
    const before = snapshot(wb);
    const total = 400;
    let failed = false;
    const refresh = g.replaceTableData('Orders', columns, rows(total, 1000), {
      mode: 'replace',
      onProgress: (p) => {
        // The next sync carries the last chunk: make Excel reject it.
        if (!failed && p.rowsWritten > total - 60) {
          excel.failNextSyncWith = 'InvalidOperation';
          failed = true;
        }
      },
    });
    await expect(refresh).rejects.toMatchObject({ code: 'excel-error' });
    expect(failed).toBe(true);
    expect(snapshot(wb)).toBe(before);
    expect(sheetNames(wb)).toEqual(['Sheet1']);
  });

  it('cancelled at its last chunk: the same', async () => {
    const { g, wb } = await refreshable();
    const before = snapshot(wb);
    const ctl = new AbortController();
    const refresh = g.replaceTableData('Orders', columns, rows(400, 1000), {
      mode: 'replace',
      signal: ctl.signal,
      onProgress: (p) => (p.rowsWritten > 340 ? ctl.abort() : undefined),
    });
    await expect(refresh).rejects.toMatchObject({ code: 'cancelled' });
    expect(snapshot(wb)).toBe(before);
    expect(sheetNames(wb)).toEqual(['Sheet1']);
  });

  it('stages on a very hidden sheet the pane never lists', async () => {
    const { g, wb } = await refreshable();
    let seen: string[] = [];
    let hidden: boolean[] = [];
    await g.replaceTableData('Orders', columns, rows(200), {
      mode: 'replace',
      onProgress: () => {
        seen = sheetNames(wb);
        hidden = wb.sheets.map((s) => s.hidden);
      },
    });
    expect(seen).toHaveLength(2);
    expect(hidden).toEqual([false, true]);
    expect(await g.listSheets()).toEqual(['Sheet1']);
    expect(sheetNames(wb)).toEqual(['Sheet1']);
  });
});

describe('large requests', () => {
  it('halves chunks on GeneralException as on the payload limit', async () => {
    const { g, wb, excel } = setup({ budgetBytes: 60_000 });
    wb.generalExceptionBytes = 20_000;
    const w = await g.writeTable({ kind: 'newSheet', sheetName: 'Big' }, columns, rows(3000), { tableName: 'Big' });
    expect(w.rowCount).toBe(3000);
    expect(excel.syncs.some((s) => s.failed === 'GeneralException')).toBe(true);
    expect(excel.syncs.filter((s) => !s.failed).every((s) => s.bytes <= 20_000)).toBe(true);
    expect(wb.value('Big', 3000, 0)).toBe('C2999');
  });

  it('does not mistake a GeneralException on a small request for a size problem', async () => {
    const synced: number[] = [];
    const port: WritePort = {
      setFormat: () => undefined,
      setValues: (_r, _c, values) => synced.push(values.length),
      sync: async () => {
        throw Object.assign(new Error('Excel is busy'), { code: 'GeneralException' });
      },
    };
    const big = writeRows({ port, firstRow: 1, targetCols: [0, 1], formats: ['@', '0'], rows: rows(40), maxRows: 100 });
    await expect(big).rejects.toMatchObject({ code: 'GeneralException', message: 'Excel is busy' });
    // halved while the request could be too large, then passed on as it is (not split to single cells)
    expect(synced).toEqual([40, 20, 10, 5]);
  });
});

describe('formula columns, protection, merged cells, shapes', () => {
  it('fills a user formula column over new rows even with AutoCorrect "Fill formulas in tables" off', async () => {
    const { g, wb, office } = setup();
    wb.autoCorrect.fillFormulas = false;
    await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(3), { tableName: 'Orders' });
    await office((ctx) => {
      ctx.workbook.tables.getItem('Orders').columns.add(undefined, undefined, 'Double');
    });
    await office((ctx) => {
      ctx.workbook.tables.getItem('Orders').columns.getItem('Double').getDataBodyRange().formulas = [
        ['=[@Sales]*2'],
        ['=[@Sales]*2'],
        ['=[@Sales]*2'],
      ];
    });
    await g.replaceTableData('Orders', columns, rows(8), { mode: 'replace' });
    for (let r = 1; r <= 8; r++) expect(wb.value('Sheet1', r, 2)).toBe(r * 2);
  });

  it('says plainly that a protected sheet cannot be written, and changes nothing', async () => {
    const { g, wb, office } = setup();
    await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(3), { tableName: 'Orders' });
    await office((ctx) => ctx.workbook.worksheets.getItem('Sheet1').protection.protect());
    const before = snapshot(wb);
    await expect(g.replaceTableData('Orders', columns, rows(5), { mode: 'replace' })).rejects.toMatchObject({
      code: 'sheet-protected',
      message: expect.stringMatching(/Sheet1.*protected/),
    });
    await expect(g.checkTarget({ kind: 'cell', sheet: 'Sheet1', address: 'H1' }, { rows: 2, columns: 2 })).rejects.toMatchObject({
      code: 'sheet-protected',
    });
    expect(snapshot(wb)).toBe(before);
  });

  it('sees empty merged cells and shapes in the way', async () => {
    const { g, office } = setup();
    await office((ctx) => ctx.workbook.worksheets.getItem('Sheet1').getRange('B5:C6').merge());
    const merged = await g.checkTarget({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, { rows: 10, columns: 3 });
    expect(merged).toMatchObject({ ok: false });
    expect(merged.ok ? '' : merged.message).toMatch(/merged/);
    await office((ctx) => {
      const shape = ctx.workbook.worksheets.getItem('Sheet1').shapes.addGeometricShape('Rectangle');
      shape.left = 48 * 10; // column K
      shape.top = 15 * 2; // row 3
      shape.width = 100;
      shape.height = 40;
      shape.name = 'Chart 1';
    });
    const shaded = await g.checkTarget({ kind: 'cell', sheet: 'Sheet1', address: 'J1' }, { rows: 5, columns: 3 });
    expect(shaded).toMatchObject({ ok: false, conflict: 'shape "Chart 1"' });
  });
});

describe("the analyst's view of the table", () => {
  it('keeps filters and sort through a refresh', async () => {
    const { g, wb, office } = setup();
    const cols: ColumnSpec[] = [...columns, { name: 'Region', type: 'text', format: '@' }];
    const data = (n: number, from: number): CellValue[][] => rows(n, from).map((r, i) => [...r, i % 2 ? 'East' : 'West']);
    await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, cols, data(4, 0), { tableName: 'Orders' });
    await office((ctx) => {
      const t = ctx.workbook.tables.getItem('Orders');
      t.columns.getItem('Region').filter.applyValuesFilter(['East']);
      t.sort.apply([{ key: 1, ascending: false }]);
    });
    await g.replaceTableData('Orders', cols, data(6, 100), { mode: 'replace' });
    // sorted by Sales, largest first; only East rows visible
    expect(Array.from({ length: 6 }, (_, i) => wb.value('Sheet1', i + 1, 1))).toEqual([106, 105, 104, 103, 102, 101]);
    const hidden = [...wb.sheet('Sheet1').hiddenRows].sort((a, b) => a - b);
    const westRows = [1, 2, 3, 4, 5, 6].filter((r) => wb.value('Sheet1', r, 2) === 'West');
    expect(hidden).toEqual(westRows);
    await office(async (ctx) => {
      const filter = ctx.workbook.tables.getItem('Orders').columns.getItem('Region').filter.load('criteria');
      await ctx.sync();
      expect(filter.criteria).toMatchObject({ filterOn: 'Values', values: ['East'] });
    });
  });
});

describe('values as Excel keeps them', () => {
  it('honours the 1904 date system', async () => {
    const { g, wb } = setup();
    wb.date1904 = true;
    const dated: ColumnSpec[] = [{ name: 'Day', type: 'date', format: 'yyyy-mm-dd' }];
    await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, dated, [[45292]], { tableName: 'Days' });
    // 2024-01-01 is 45292 in the 1900 system and 43830 in the 1904 system
    expect(wb.value('Sheet1', 1, 0)).toBe(43830);
    await g.replaceTableData('Days', dated, [[45293], [45294]], { mode: 'replace' });
    expect([wb.value('Sheet1', 1, 0), wb.value('Sheet1', 2, 0)]).toEqual([43831, 43832]);
  });

  it('keeps a 19-digit ID exactly as text, and names every cut cell', async () => {
    const { g, wb } = setup();
    const cols: ColumnSpec[] = [
      { name: 'Id', type: 'integer', format: '0' },
      { name: 'Comment', type: 'text', format: '@' },
    ];
    const long = 'x'.repeat(40_000);
    const w = await g.writeTable(
      { kind: 'cell', sheet: 'Sheet1', address: 'A1' },
      cols,
      [
        ['1234567890123456789', 'short'],
        [42, long],
      ],
      { tableName: 'Ids' },
    );
    expect(wb.value('Sheet1', 1, 0)).toBe('1234567890123456789');
    expect(String(wb.value('Sheet1', 2, 1)).length).toBe(32_767);
    expect(w.stats).toMatchObject({ truncatedCells: 1, truncatedSample: ['Comment, row 2'] });
  });
});
