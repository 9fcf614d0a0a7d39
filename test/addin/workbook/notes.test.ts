import { describe, expect, it } from 'vitest';

import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { cellKey } from '../../../addin/workbook/memory/sheet.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import { memoryGridSource } from '../../../addin/workbook-grid/gridSource.js';
import type { ColumnSpec } from '../../../common/stream.js';

/**
 * Notes on a table's header cells: the gateway (excel/notes.ts) over the in-memory Excel's
 * Excel.NoteCollection (memory/api/notes.ts), gated on ExcelApi 1.18, and the browser grid showing them.
 */
const columns: ColumnSpec[] = [
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Sales', type: 'currency', format: '$#,##0' },
];

/** The in-memory request context as far as these tests use it. */
type NotesCtx = { workbook: { worksheets: { getItem(n: string): { notes: { add(a: string, t: string): void } } } }; sync(): Promise<void> };
const asCtx = (ctx: never) => ctx as unknown as NotesCtx;

async function tableIn(apiVersion: string) {
  const wb = new MemoryWorkbook();
  const gateway = memoryGateway(wb, { apiVersion });
  const written = await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'B3' }, columns, [['East', 10]], {
    tableName: 'Orders',
  });
  return { wb, gateway, written };
}

describe('header notes', () => {
  it('adds a note to each named header cell and rewrites it the next time (one note per cell)', async () => {
    const { wb, gateway } = await tableIn('1.18');
    expect(gateway.supportsNotes()).toBe(true);
    const n = await gateway.setHeaderNotes('Orders', [
      { column: 'Sales', text: 'Sales: revenue' },
      { column: 'Nope', text: 'skipped' },
      { column: 'Region', text: '   ' },
    ]);
    expect(n).toBe(1);
    const sheet = wb.findSheet('Sheet1')!;
    // Header row 3 (index 2), Sales is the second column: C3.
    expect(sheet.notes.get(cellKey(2, 2))).toEqual({ content: 'Sales: revenue', authorName: 'Tableau add-in' });
    expect(sheet.notes.size).toBe(1);
    await gateway.setHeaderNotes('Orders', [{ column: 'Sales', text: 'Sales: revenue in USD' }]);
    expect(sheet.notes.get(cellKey(2, 2))?.content).toBe('Sales: revenue in USD');
    expect(sheet.notes.size).toBe(1);
    // The browser grid marks the cell and shows the note.
    expect(memoryGridSource(wb).cell('Sheet1', 2, 2)).toMatchObject({ text: 'Sales', note: 'Sales: revenue in USD' });
    expect(memoryGridSource(wb).cell('Sheet1', 2, 1)?.note).toBeUndefined();
  });

  it('refuses below ExcelApi 1.18 in plain words, changing nothing', async () => {
    const { wb, gateway } = await tableIn('1.17');
    expect(gateway.supportsNotes()).toBe(false);
    await expect(gateway.setHeaderNotes('Orders', [{ column: 'Sales', text: 'x' }])).rejects.toMatchObject({ code: 'unsupported' });
    expect(wb.findSheet('Sheet1')!.notes.size).toBe(0);
  });

  it('the in-memory NoteCollection answers as Office.js documents: one cell, ApiNotFound below 1.18, a second note refused', async () => {
    const { wb } = await tableIn('1.18');
    const { MemoryExcel } = await import('../../../addin/workbook/memory/excel-api.js');
    const excel = new MemoryExcel(wb, { apiVersion: '1.18' });
    await expect(
      excel.run({}, async (ctx: never) => {
        const c = asCtx(ctx);
        c.workbook.worksheets.getItem('Sheet1').notes.add('A1:B2', 'two cells');
        await c.sync();
      }),
    ).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(
      excel.run({}, async (ctx: never) => {
        const c = asCtx(ctx);
        c.workbook.worksheets.getItem('Sheet1').notes.add('A1', 'first');
        c.workbook.worksheets.getItem('Sheet1').notes.add('A1', 'second');
        await c.sync();
      }),
    ).rejects.toMatchObject({ code: 'InvalidArgument' });
    expect(wb.findSheet('Sheet1')!.notes.get(cellKey(0, 0))?.content).toBe('first');
    const old = new MemoryExcel(wb, { apiVersion: '1.17' });
    await expect(
      old.run({}, async (ctx: never) => {
        const c = asCtx(ctx);
        c.workbook.worksheets.getItem('Sheet1').notes.add('D1', 'x');
        await c.sync();
      }),
    ).rejects.toMatchObject({ code: 'ApiNotFound' });
  });
});
