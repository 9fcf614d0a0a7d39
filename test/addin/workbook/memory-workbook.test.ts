import { describe, expect, it, vi } from 'vitest';

import { MemoryExcel } from '../../../addin/workbook/memory/excel-api.js';
import { shiftFormula } from '../../../addin/workbook/memory/formula.js';
import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import type { CellValue, ColumnSpec } from '../../../common/stream.js';

const columns: ColumnSpec[] = [
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Sales', type: 'currency', format: '$#,##0' },
];
const rows = (n: number, base = 0): CellValue[][] => Array.from({ length: n }, (_, i) => [`R${base + i}`, base + i]);

describe('MemoryWorkbook behaves like Excel', () => {
  it('coerces raw strings in General cells but not in "@" cells; null leaves a cell unchanged', () => {
    const wb = new MemoryWorkbook();
    wb.writeValue('Sheet1', 0, 0, '=1+2*3');
    wb.writeValue('Sheet1', 0, 1, '+5');
    wb.writeValue('Sheet1', 0, 2, '-abc');
    wb.writeValue('Sheet1', 0, 3, '00123');
    wb.writeValue('Sheet1', 0, 4, '2024-01-05');
    wb.writeValue('Sheet1', 0, 5, "'=quoted");
    wb.setFormat('Sheet1', { row: 1, col: 0, rows: 1, cols: 1 }, '@');
    wb.writeValue('Sheet1', 1, 0, '=1+2');
    wb.writeValue('Sheet1', 1, 0, null);
    expect([0, 1, 2, 3, 4, 5].map((c) => wb.value('Sheet1', 0, c))).toEqual([7, 5, '#NAME?', 123, 45296, '=quoted']);
    expect(wb.value('Sheet1', 1, 0)).toBe('=1+2');
  });

  it('evaluates references, structured references and functions', () => {
    const wb = new MemoryWorkbook();
    wb.writeValue('Sheet1', 0, 0, 'Qty');
    wb.writeValue('Sheet1', 0, 1, 'Price');
    wb.writeValue('Sheet1', 0, 2, 'Total');
    wb.writeValue('Sheet1', 1, 0, 2);
    wb.writeValue('Sheet1', 1, 1, 2.5);
    wb.writeValue('Sheet1', 2, 0, 4);
    wb.writeValue('Sheet1', 2, 1, 10);
    wb.addTable('Sheet1', { row: 0, col: 0, rows: 3, cols: 3 }, 'Lines');
    wb.writeFormula('Sheet1', 1, 2, '=[@Qty]*[@[Price]]');
    wb.writeFormula('Sheet1', 2, 2, '=A3*B3');
    wb.writeFormula('Sheet1', 4, 0, '=SUM(Lines[Total])');
    wb.writeFormula('Sheet1', 4, 1, '=ROUND(A5/3,2)&" units"');
    wb.writeFormula('Sheet1', 4, 2, '=IF(A2>1,Lines[@Qty],1/0)');
    expect([
      wb.value('Sheet1', 1, 2),
      wb.value('Sheet1', 2, 2),
      wb.value('Sheet1', 4, 0),
      wb.value('Sheet1', 4, 1),
      wb.value('Sheet1', 4, 2),
    ]).toEqual([5, 40, 45, '15 units', '#VALUE!']);
    wb.writeFormula('Sheet1', 5, 0, '=1/0');
    wb.writeFormula('Sheet1', 5, 1, '=NOPE(1)');
    expect([wb.value('Sheet1', 5, 0), wb.value('Sheet1', 5, 1)]).toEqual(['#DIV/0!', '#NAME?']);
    expect(shiftFormula('=A1+$B$2+Sheet1!C3+"A1"+[@A1]', 2, 0)).toBe('=A3+$B$2+Sheet1!C5+"A1"+[@A1]');
  });

  it('fills calculated columns and formats down when a table grows', () => {
    const wb = new MemoryWorkbook();
    ['A', 'B'].forEach((h, i) => wb.writeValue('Sheet1', 0, i, h));
    for (let r = 1; r <= 2; r++) {
      wb.writeValue('Sheet1', r, 0, r);
      wb.writeFormula('Sheet1', r, 1, `=A${r + 1}*10`);
    }
    wb.setFormat('Sheet1', { row: 2, col: 0, rows: 1, cols: 1 }, '0.00');
    wb.addTable('Sheet1', { row: 0, col: 0, rows: 3, cols: 2 }, 'T');
    wb.resizeTable('T', { row: 0, col: 0, rows: 5, cols: 2 });
    wb.writeValue('Sheet1', 4, 0, 7);
    expect(wb.sheet('Sheet1').get(4, 1)?.formula).toBe('=A5*10');
    expect(wb.value('Sheet1', 4, 1)).toBe(70);
    expect(wb.sheet('Sheet1').get(3, 0)?.format).toBe('0.00');
    expect(() => wb.addTable('Sheet1', { row: 1, col: 1, rows: 2, cols: 2 }, 'U')).toThrow(/overlap/);
    expect(() => wb.addTable('Sheet1', { row: 9, col: 0, rows: 2, cols: 1 }, 't')).toThrow(/invalid or already used/);
  });

  it('rejects a batch over the payload limit as a whole, like Excel on the web', async () => {
    const wb = new MemoryWorkbook({ payloadLimit: 1000 });
    const listener = vi.fn();
    wb.subscribe(listener);
    const excel = new MemoryExcel(wb);
    await excel.run({}, async (ctx: Excel.RequestContext) => {
      const a1 = ctx.workbook.worksheets.getItem('Sheet1').getRange('A1');
      a1.values = [['x'.repeat(2000)]];
      await expect(ctx.sync()).rejects.toMatchObject({ code: 'RequestPayloadSizeLimitExceeded' });
      expect(wb.value('Sheet1', 0, 0)).toBeNull();
      a1.values = [['applied']];
      await ctx.sync();
    });
    expect(wb.value('Sheet1', 0, 0)).toBe('applied');
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('memoryGateway', () => {
  it('inserts a typed table and reports progress per chunk', async () => {
    const g = memoryGateway(new MemoryWorkbook(), { budget: { maxBytes: 500 } });
    const progress: number[] = [];
    const w = await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'C3' }, columns, rows(200), {
      tableName: 'Sales',
      onProgress: (p) => progress.push(p.rowsWritten),
    });
    expect(w).toMatchObject({ name: 'Sales', address: 'C3:D203', rowCount: 200 });
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toBe(200);
    expect(g.workbook.syncLog.length).toBeGreaterThanOrEqual(w.stats.syncs); // plus the lookups before writing
    expect(g.workbook.snapshot().sheets.Sheet1.D4).toEqual({ value: 0, format: '$#,##0' });
    expect(await g.getTable('sales')).toMatchObject({ headers: ['Region', 'Sales'], rowCount: 200 });
  });

  it('halves chunks on the payload limit and still writes everything', async () => {
    const g = memoryGateway(new MemoryWorkbook({ payloadLimit: 3000 }), { budget: { maxBytes: 50_000 } });
    const w = await g.writeTable({ kind: 'newSheet' }, columns, rows(500), { tableName: 'Big' });
    expect(w.rowCount).toBe(500);
    expect(g.workbook.syncLog.every((b) => b <= 3000)).toBe(true);
    expect(g.workbook.value('Big', 500, 0)).toBe('R499');
  });

  it('refuses collisions, suggests free columns, and can write there', async () => {
    const g = memoryGateway();
    await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(5), { tableName: 'First' });
    const check = await g.checkTarget({ kind: 'cell', sheet: 'Sheet1', address: 'B2' }, { rows: 3, columns: 2 });
    expect(check).toMatchObject({ ok: false, conflict: 'Sheet1!B2:B5', suggestion: { kind: 'cell', sheet: 'Sheet1', address: 'D2' } });
    if (check.ok) return;
    await expect(
      g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'B2' }, columns, rows(3), { tableName: 'X' }),
    ).rejects.toMatchObject({ code: 'collision' });
    const w = await g.writeTable(check.suggestion, columns, rows(3), { tableName: 'First' });
    expect(w).toMatchObject({ name: 'First_2', address: 'D2:E5' });
    await expect(g.checkTarget({ kind: 'cell', sheet: 'Nope', address: 'A1' }, { rows: 1, columns: 1 })).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(g.checkTarget({ kind: 'newSheet' }, { rows: 2_000_000, columns: 1 })).rejects.toMatchObject({ code: 'too-large' });
  });

  it('cancel removes the new sheet or the written cells', async () => {
    const g = memoryGateway(new MemoryWorkbook(), { budget: { maxBytes: 500 } });
    const ctl = new AbortController();
    const onProgress = ({ rowsWritten }: { rowsWritten: number }) => rowsWritten > 20 && ctl.abort();
    await expect(
      g.writeTable({ kind: 'newSheet' }, columns, rows(100), { tableName: 'A', signal: ctl.signal, onProgress }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(await g.listSheets()).toEqual(['Sheet1']);
    const ctl2 = new AbortController();
    await expect(
      g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'B2' }, columns, rows(100), {
        tableName: 'A',
        signal: ctl2.signal,
        onProgress: (p) => p.rowsWritten > 20 && ctl2.abort(),
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(g.workbook.usedRect('Sheet1')).toBeNull();
    expect(g.workbook.tables).toHaveLength(0);
  });

  it('refresh grows and shrinks, keeping a user formula column and user formats', async () => {
    const g = memoryGateway();
    const wb = g.workbook;
    await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(3), { tableName: 'T' });
    wb.writeValue('Sheet1', 0, 2, 'Tax');
    wb.resizeTable('T', { row: 0, col: 0, rows: 4, cols: 3 });
    for (let r = 1; r <= 3; r++) wb.writeFormula('Sheet1', r, 2, '=[@Sales]*0.2');
    wb.setFormat('Sheet1', { row: 1, col: 1, rows: 3, cols: 1 }, '$#,##0.00');
    const grown = await g.replaceTableData('T', columns, rows(6, 10), { mode: 'replace' });
    expect(grown).toMatchObject({ rowsWritten: 6, keptColumns: ['Tax'], addedColumns: [], removedColumns: [] });
    expect(wb.value('Sheet1', 6, 2)).toBe(3);
    expect(wb.sheet('Sheet1').get(6, 1)?.format).toBe('$#,##0.00');
    await g.replaceTableData('T', columns, rows(2, 50), { mode: 'replace' });
    expect(wb.findTable('T')).toMatchObject({ rows: 2, cols: 3 });
    expect(wb.value('Sheet1', 2, 2)).toBeCloseTo(10.2);
    expect(wb.usedRect('Sheet1')).toEqual({ row: 0, col: 0, rows: 3, cols: 3 });
    await g.replaceTableData('T', columns, [], { mode: 'replace' });
    expect(wb.findTable('T')!.rows).toBe(1);
    expect([wb.value('Sheet1', 1, 0), wb.value('Sheet1', 1, 1)]).toEqual([null, null]);
  });

  it('append mode adds timestamped rows below and keeps history', async () => {
    const g = memoryGateway();
    await g.writeTable({ kind: 'newSheet', sheetName: 'Log' }, columns, rows(0), { tableName: 'Log' });
    const now = new Date(2024, 0, 2, 6, 0, 0);
    await g.replaceTableData('Log', columns, rows(2), { mode: 'append', timestampColumn: 'Pulled at', now });
    const r = await g.replaceTableData('Log', columns, rows(1, 7), {
      mode: 'append',
      timestampColumn: 'Pulled at',
      now: new Date(2024, 0, 3),
    });
    expect(r.table).toMatchObject({ headers: ['Region', 'Sales', 'Pulled at'], rowCount: 3 });
    expect(g.workbook.snapshot().sheets.Log.C2).toEqual({ value: 45293.25, format: 'yyyy-mm-dd hh:mm:ss' });
    expect([g.workbook.value('Log', 3, 0), g.workbook.value('Log', 3, 2)]).toEqual(['R7', 45294]);
  });

  it('refresh validates before changing anything', async () => {
    const g = memoryGateway();
    await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(2), { tableName: 'T' });
    // With Excel's AutoCorrect "Include new rows and columns in table" on, this cell would join the table.
    g.workbook.autoCorrect.expandTables = false;
    g.workbook.writeValue('Sheet1', 1, 2, 'right of the table');
    const before = JSON.stringify(g.workbook.snapshot());
    await expect(
      g.replaceTableData('T', [...columns, { name: 'New', type: 'text', format: '@' }], [['a', 1, 'x']], { mode: 'replace' }),
    ).rejects.toMatchObject({ code: 'collision' });
    await expect(g.replaceTableData('T', columns, [['a', 1, 'extra']], { mode: 'replace' })).rejects.toMatchObject({
      code: 'invalid-input',
    });
    expect(JSON.stringify(g.workbook.snapshot())).toBe(before);
  });

  it('documents, activate, delete', async () => {
    const g = memoryGateway();
    await g.writeDocument('urn:a', '<r xmlns="urn:a">1</r>');
    await g.writeDocument('urn:a', '<r xmlns="urn:a">2</r>');
    await g.writeDocument('urn:b', '<r xmlns="urn:b">b</r>');
    expect([await g.readDocument('urn:a'), await g.readDocument('urn:c')]).toEqual(['<r xmlns="urn:a">2</r>', null]);
    await g.writeTable({ kind: 'newSheet' }, columns, rows(1), { tableName: 'Z' });
    await g.activateTable('z');
    expect(await g.getSelection()).toMatchObject({ sheet: 'Z', address: 'A1:B2' });
    await g.deleteTable('Z');
    expect(await g.listTables()).toEqual([]);
    // Removing the table keeps its data as plain cells (Table.convertToRange); clearData removes them too.
    expect(g.workbook.value('Z', 1, 0)).toBe('R0');
    await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(1), { tableName: 'Y' });
    await g.deleteTable('Y', { clearData: true });
    expect(g.workbook.usedRect('Sheet1')).toBeNull();
  });
});
