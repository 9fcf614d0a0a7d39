import { describe, expect, it } from 'vitest';

import { MAX_SYNC_BYTES } from '../../../addin/workbook/chunks.js';
import { type ExcelRun, ExcelWorkbookGateway } from '../../../addin/workbook/excel/gateway.js';
import { MemoryExcel } from '../../../addin/workbook/memory/excel-api.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import type { CellValue, ColumnSpec } from '../../../common/stream.js';

const columns: ColumnSpec[] = [
  { name: 'Customer', type: 'text', format: '@' },
  { name: 'Sales', type: 'currency', format: '$#,##0.00' },
  { name: 'Order Date', type: 'date', format: 'yyyy-mm-dd' },
];

function setup(opts: { payloadLimit?: number; budgetBytes?: number; sets?: string[] } = {}) {
  const fake = new MemoryExcel(new MemoryWorkbook({ payloadLimit: opts.payloadLimit }), { record: true });
  const gateway = new ExcelWorkbookGateway({
    run: fake.run as unknown as ExcelRun,
    isSetSupported: (_s, v) => (opts.sets ?? ['1.5', '1.13']).includes(v),
    budget: opts.budgetBytes ? { maxBytes: opts.budgetBytes } : undefined,
  });
  return { fake, gateway, wb: fake.wb };
}

const rows = (n: number): CellValue[][] => Array.from({ length: n }, (_, i) => [`Customer ${i}`, i * 10.5, 45000 + i]);

describe('ExcelWorkbookGateway against the recording fake', () => {
  it('hides and shows a sheet, and says when the sheet is missing', async () => {
    const { gateway, wb } = setup();
    wb.addSheet('Tableau sources');
    await gateway.setSheetVisible('Tableau sources', false);
    expect(wb.findSheet('Tableau sources')?.hidden).toBe(true);
    await gateway.setSheetVisible('Tableau sources', true);
    expect(wb.findSheet('Tableau sources')?.hidden).toBe(false);
    await expect(gateway.setSheetVisible('Nope', false)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('writes formats before values, one sync per chunk, then creates the table', async () => {
    const { fake, gateway, wb } = setup({ budgetBytes: 4_000 });
    const written = await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'B2' }, columns, rows(1000), {
      tableName: 'Sales 2024',
    });
    expect(written).toMatchObject({ name: 'Sales_2024', sheet: 'Sheet1', address: 'B2:D1002', rowCount: 1000, columnCount: 3 });
    expect(fake.runOptions.every((o) => (o as { delayForCellEdit?: boolean }).delayForCellEdit === true)).toBe(true);

    const values = fake.opsNamed('values');
    expect(values[0].address).toBe('B2:D2'); // the header row, in the first request
    const firstValues = fake.ops.indexOf(values[1]);
    const formats = fake.opsNamed('numberFormat');
    // whole-column formats (known row count) queued before the first values
    expect(formats.map((f) => f.address)).toEqual(expect.arrayContaining(['B2:D2', 'B3:B1002', 'C3:C1002', 'D3:D1002']));
    // (the rows are staged on a very hidden sheet and copied in at the end: docs/decisions.md#stage-and-swap)
    const staged = formats.filter((f) => f.sheet?.startsWith('TDE_Stage_'));
    expect(staged.length).toBeGreaterThan(0);
    expect(staged.every((f) => fake.ops.indexOf(f) < firstValues)).toBe(true);
    expect(fake.ops.indexOf(formats[0])).toBeLessThan(fake.ops.indexOf(values[0]));
    // one values op per sync, every sync suspends calculation
    const valueSyncs = values.map((v) => v.sync);
    expect(new Set(valueSyncs.slice(1)).size).toBe(values.length - 1);
    for (const s of new Set(valueSyncs)) expect(fake.syncs[s].ops[0]).toBe('suspendApiCalculationUntilNextSync');
    expect(values.length).toBeGreaterThan(5);
    // table after the last values
    const add = fake.opsNamed('tables.add')[0];
    expect(add.sync).toBeGreaterThan(Math.max(...valueSyncs));
    expect(add.address).toBe('B2:D1002');
    expect(fake.syncs.every((s) => s.bytes <= MAX_SYNC_BYTES)).toBe(true);
    // the workbook really holds typed cells
    expect(wb.snapshot().sheets.Sheet1.C5).toEqual({ value: 21, format: '$#,##0.00' });
    expect(wb.snapshot().tables[0]).toMatchObject({ name: 'Sales_2024', headers: ['Customer', 'Sales', 'Order Date'] });
  });

  it('keeps dangerous strings as text', async () => {
    const { gateway, wb } = setup();
    const evil: CellValue[][] = [
      ['=HYPERLINK("http://evil","x")', 1, 45000],
      ['+1+1', 2, 45000],
      ['-2', 3, 45000],
      ['@SUM(1)', 4, 45000],
    ];
    await gateway.writeTable({ kind: 'newSheet' }, columns, evil, { tableName: 'Evil' });
    const cells = wb.snapshot().sheets.Evil;
    expect(cells.A2).toEqual({ value: '=HYPERLINK("http://evil","x")', format: '@' });
    expect(cells.A3.value).toBe('+1+1');
    expect(cells.A4.value).toBe('-2');
    expect(cells.A5.value).toBe('@SUM(1)');
    expect(Object.values(cells).some((c) => c.formula)).toBe(false);
  });

  it('never sends more than 5 MB: halves and retries on RequestPayloadSizeLimitExceeded', async () => {
    const { fake, gateway, wb } = setup({ payloadLimit: 20_000, budgetBytes: 60_000 });
    const w = await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(2000), { tableName: 'Big' });
    expect(w.rowCount).toBe(2000);
    expect(fake.syncs.some((s) => s.failed === 'RequestPayloadSizeLimitExceeded')).toBe(true);
    expect(fake.syncs.filter((s) => !s.failed).every((s) => s.bytes <= 20_000)).toBe(true);
    expect(wb.value('Sheet1', 2000, 0)).toBe('Customer 1999');
    expect(wb.value('Sheet1', 1, 2)).toBe(45000);
  });

  it('cancel stops between chunks and leaves no table or cells behind', async () => {
    const { gateway, wb } = setup({ budgetBytes: 4_000 });
    const ctl = new AbortController();
    async function* stream() {
      for (let b = 0; b < 20; b++) {
        if (b === 5) ctl.abort();
        yield rows(100);
      }
    }
    await expect(
      gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'C3' }, columns, stream(), { tableName: 'T', signal: ctl.signal }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(wb.tables).toHaveLength(0);
    expect(wb.usedRect('Sheet1')).toBeNull();
    await expect(
      gateway.writeTable(
        { kind: 'newSheet', sheetName: 'Gone' },
        columns,
        (async function* () {
          yield rows(10);
          ctl.abort();
          yield rows(10);
        })(),
        { tableName: 'T', signal: ctl.signal },
      ),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(await gateway.listSheets()).toEqual(['Sheet1']);
  });

  it('detects collisions before writing and suggests a free place', async () => {
    const { fake, gateway, wb } = setup();
    wb.writeValue('Sheet1', 5, 2, 'keep me');
    const check = await gateway.checkTarget({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, { rows: 10, columns: 3 });
    expect(check).toMatchObject({ ok: false, conflict: 'Sheet1!C6', suggestion: { kind: 'cell', sheet: 'Sheet1', address: 'E1' } });
    await expect(
      gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(10), { tableName: 'T' }),
    ).rejects.toMatchObject({ code: 'collision' });
    expect(fake.opsNamed('values')).toHaveLength(0);
    // streaming rows that turn out longer than the free space stop before the other data
    await expect(
      gateway.writeTable(
        { kind: 'cell', sheet: 'Sheet1', address: 'A1' },
        columns,
        (async function* () {
          yield rows(3);
          yield rows(10);
        })(),
        { tableName: 'T' },
      ),
    ).rejects.toMatchObject({ code: 'collision' });
    expect(wb.value('Sheet1', 5, 2)).toBe('keep me');
    expect(wb.usedRect('Sheet1')).toEqual({ row: 5, col: 2, rows: 1, cols: 1 });
  });

  it('refresh: grows, keeps a user formula column, reports columns', async () => {
    const { gateway, wb } = setup();
    await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(3), { tableName: 'Orders' });
    wb.resizeTable('Orders', { row: 0, col: 0, rows: 4, cols: 4 });
    wb.writeValue('Sheet1', 0, 3, 'Double');
    for (let r = 1; r <= 3; r++) wb.writeFormula('Sheet1', r, 3, '=[@Sales]*2');
    wb.setFormat('Sheet1', { row: 1, col: 1, rows: 3, cols: 1 }, '$#,##0.000');
    const next: ColumnSpec[] = [columns[1], columns[0], { name: 'Region', type: 'text', format: '@' }];
    const res = await gateway.replaceTableData(
      'Orders',
      next,
      [
        [1, 'a', 'N'],
        [2, 'b', 'S'],
        [3, 'c', 'E'],
        [4, 'd', 'W'],
        [5, 'e', 'N'],
      ],
      { mode: 'replace', previousColumns: ['Customer', 'Sales', 'Order Date'] },
    );
    expect(res).toMatchObject({ rowsWritten: 5, addedColumns: ['Region'], removedColumns: ['Order Date'], keptColumns: ['Double'] });
    expect(res.table).toMatchObject({ address: 'A1:E6', rowCount: 5 });
    const s = wb.snapshot().sheets.Sheet1;
    expect(s.A6.value).toBe('e');
    expect(s.B6).toEqual({ value: 5, format: '$#,##0.000' });
    expect(s.C2.value).toBeNull();
    expect(s.D6).toMatchObject({ value: 10, formula: '=[@Sales]*2' });
    expect(s.E2).toEqual({ value: 'N', format: '@' });
  });

  it('refresh: shrinks and clears leftover rows; append adds timestamped rows', async () => {
    const { gateway, wb } = setup();
    await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(6), { tableName: 'Orders' });
    await gateway.replaceTableData('Orders', columns, rows(2), { mode: 'replace' });
    expect(wb.findTable('Orders')!.rows).toBe(2);
    expect(wb.usedRect('Sheet1')).toEqual({ row: 0, col: 0, rows: 3, cols: 3 });
    const now = new Date(2024, 0, 2, 12, 0, 0);
    const res = await gateway.replaceTableData('Orders', columns, rows(1), { mode: 'append', timestampColumn: 'Pulled at', now });
    expect(res).toMatchObject({ rowsWritten: 1, addedColumns: ['Pulled at'] });
    expect(wb.value('Sheet1', 3, 3)).toBe(45293.5);
    expect(wb.value('Sheet1', 1, 3)).toBeNull();
    expect(wb.findTable('Orders')!.rows).toBe(3);
  });

  it('refresh leaves the table unchanged when growing would hit other cells, and needs ExcelApi 1.13 to resize', async () => {
    const { gateway, wb, fake } = setup();
    await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(2), { tableName: 'Orders' });
    wb.writeValue('Sheet1', 5, 1, 'blocker');
    const before = JSON.stringify(wb.snapshot());
    const opsBefore = fake.ops.length;
    await expect(gateway.replaceTableData('Orders', columns, rows(10), { mode: 'replace' })).rejects.toMatchObject({ code: 'collision' });
    expect(JSON.stringify(wb.snapshot())).toBe(before);
    expect(fake.ops.length).toBe(opsBefore);
    const old = setup({ sets: ['1.5'] });
    await old.gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(2), { tableName: 'Orders' });
    await expect(old.gateway.replaceTableData('Orders', columns, rows(3), { mode: 'replace' })).rejects.toMatchObject({
      code: 'unsupported',
    });
    await expect(old.gateway.replaceTableData('Missing', columns, rows(3), { mode: 'replace' })).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('stores documents as namespaced custom XML parts and replaces them', async () => {
    const { gateway, wb } = setup();
    const ns = 'urn:tableau-excel:refresh:v1';
    expect(await gateway.readDocument(ns)).toBeNull();
    await gateway.writeDocument(ns, `<defs xmlns="${ns}"><![CDATA[{"v":1}]]></defs>`);
    await gateway.writeDocument(ns, `<defs xmlns="${ns}"><![CDATA[{"v":2}]]></defs>`);
    expect(wb.parts).toHaveLength(1);
    expect(await gateway.readDocument(ns)).toContain('{"v":2}');
    await expect(gateway.writeDocument(ns, '<defs><![CDATA[{}]]></defs>')).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('lists tables, unique names across the workbook, selection, activate and delete', async () => {
    const { gateway, wb } = setup();
    await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(2), { tableName: 'sales' });
    const second = await gateway.writeTable({ kind: 'newSheet' }, columns, rows(0), { tableName: 'Sales' });
    expect(second).toMatchObject({ name: 'Sales_2', sheet: 'Sales', address: 'A1:C2', rowCount: 0 });
    expect((await gateway.listTables()).map((t) => [t.name, t.sheet, t.address, t.rowCount])).toEqual([
      ['sales', 'Sheet1', 'A1:C3', 2],
      ['Sales_2', 'Sales', 'A1:C2', 1],
    ]);
    await gateway.activateTable('Sales_2');
    expect(await gateway.getSelection()).toEqual({ sheet: 'Sales', address: 'A1:C2', row: 0, column: 0 });
    await gateway.deleteTable('sales', { clearData: true });
    expect(wb.tables.map((t) => t.name)).toEqual(['Sales_2']);
    expect(wb.usedRect('Sheet1')).toBeNull();
  });
});
