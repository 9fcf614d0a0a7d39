import { describe, expect, it } from 'vitest';

import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';

/** A users table the analyst typed: A1:C4 on Sheet1 (header + 3 rows), made a table as Excel's Ctrl+T does. */
function usersTable(opts: { expandTables?: boolean } = {}) {
  const wb = new MemoryWorkbook({ autoCorrect: { expandTables: opts.expandTables ?? true } });
  wb.writeCells(
    'Sheet1',
    { row: 0, col: 0, rows: 4, cols: 3 },
    [
      ['Username', 'Site role', 'Auth'],
      ['ana@example.com', 'Viewer', 'ServerDefault'],
      ['bo@example.com', 'Creator', 'SAML'],
      ['cy@example.com', 'Explorer', 'ServerDefault'],
    ],
    'values',
  );
  wb.addTable('Sheet1', { row: 0, col: 0, rows: 4, cols: 3 }, 'Users');
  return { wb, gateway: memoryGateway(wb) };
}

const texts = ['done', 'failed: =HYPERLINK("x") is not a valid role', 'skipped'];

describe('writeResultColumn', () => {
  it('adds the column as a table column at the right edge, texts kept as text (a leading "=" too)', async () => {
    const { wb, gateway } = usersTable();
    const result = await gateway.writeResultColumn('Users', 'Tableau result', texts);
    expect(result).toEqual({ table: 'Users', column: 'Tableau result', address: 'A1:D4', added: true });
    expect(wb.tableHeaders(wb.findTable('Users')!)).toEqual(['Username', 'Site role', 'Auth', 'Tableau result']);
    expect([1, 2, 3].map((r) => wb.value('Sheet1', r, 3))).toEqual(texts);
    expect(wb.sheet('Sheet1').get(2, 3)?.formula).toBeUndefined();
    expect(wb.sheet('Sheet1').get(2, 3)?.format).toBe('@');
  });

  it('adds the column also when the user turned off AutoCorrect\'s "Include new rows and columns in table"', async () => {
    const { wb, gateway } = usersTable({ expandTables: false });
    await gateway.writeResultColumn('Users', 'Tableau result', texts);
    expect(wb.findTable('Users')!.cols).toBe(4);
    expect(wb.value('Sheet1', 1, 3)).toBe('done');
  });

  it('writes over its own column on the next run (header matched case-insensitively), adding none', async () => {
    const { wb, gateway } = usersTable();
    await gateway.writeResultColumn('Users', 'Tableau result', texts);
    const again = await gateway.writeResultColumn('Users', 'tableau RESULT', ['unchanged', 'done', 'unchanged']);
    expect(again).toMatchObject({ column: 'Tableau result', added: false, address: 'A1:D4' });
    expect([1, 2, 3].map((r) => wb.value('Sheet1', r, 3))).toEqual(['unchanged', 'done', 'unchanged']);
  });

  it('refuses, writing nothing, when the table no longer has as many rows as the results', async () => {
    const { wb, gateway } = usersTable();
    await expect(gateway.writeResultColumn('Users', 'Tableau result', ['done', 'done'])).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('Users has 3 rows now, but the results are for 2'),
    });
    expect(wb.findTable('Users')!.cols).toBe(3);
  });

  it("refuses, moving nothing, when the column right of the table holds the user's cells", async () => {
    // AutoCorrect off, so the note typed in D3 stays outside the table (on, Excel would grow the table over it).
    const { wb, gateway } = usersTable({ expandTables: false });
    wb.writeCells('Sheet1', { row: 2, col: 3, rows: 1, cols: 1 }, [['note']], 'values');
    await expect(gateway.writeResultColumn('Users', 'Tableau result', texts)).rejects.toMatchObject({
      code: 'collision',
      message: expect.stringContaining('The results need a new column D1:D4 right of Users, but cells in D3 are not empty'),
    });
    expect(wb.value('Sheet1', 2, 3)).toBe('note');
    expect(wb.findTable('Users')!.cols).toBe(3);
  });

  it('fills the data rows only when the table shows its totals row', async () => {
    const { wb, gateway } = usersTable();
    wb.tableOps.setShowTotals(wb.findTable('Users')!, true);
    const result = await gateway.writeResultColumn('Users', 'Tableau result', texts);
    expect(result.address).toBe('A1:D5');
    expect([1, 2, 3].map((r) => wb.value('Sheet1', r, 3))).toEqual(texts);
    expect(wb.value('Sheet1', 4, 0)).toBe('Total');
    expect(wb.sheet('Sheet1').get(4, 3)?.value ?? null).toBeNull();
  });

  it('says so when the sheet is protected or the table is gone', async () => {
    const { wb, gateway } = usersTable();
    await expect(gateway.writeResultColumn('Nope', 'Tableau result', texts)).rejects.toMatchObject({ code: 'not-found' });
    wb.sheet('Sheet1').protected = true;
    await expect(gateway.writeResultColumn('Users', 'Tableau result', texts)).rejects.toMatchObject({ code: 'sheet-protected' });
    expect(wb.findTable('Users')!.cols).toBe(3);
  });
});
