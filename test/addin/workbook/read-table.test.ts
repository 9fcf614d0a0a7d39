import { describe, expect, it } from 'vitest';

import { WorkbookError } from '../../../addin/workbook/gateway.js';
import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import type { CellValue, ColumnSpec } from '../../../common/stream.js';

const columns: ColumnSpec[] = [
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Note', type: 'text', format: '@' },
  { name: 'Sales', type: 'decimal', format: '0.00' },
];
const data: CellValue[][] = Array.from({ length: 7 }, (_, i) => [`R${i}`, i % 2 ? null : 'n', i]);

async function table() {
  const g = memoryGateway();
  await g.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'B2' }, columns, data, { tableName: 'Sales' });
  return g;
}

describe('readTableRows', () => {
  it('reads the named columns in the asked order, chunk by chunk, a missing column as empty', async () => {
    const g = await table();
    const chunks: CellValue[][][] = [];
    const n = await g.readTableRows('Sales', ['Sales', 'region', 'Gone'], (rows) => chunks.push(rows), { chunkCells: 9 });
    expect(n).toBe(7);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 1]);
    expect(chunks.flat()).toEqual(data.map((r) => [r[2], r[0], null]));
  });

  it('reads an emptied table (one blank row, as Excel keeps) as no rows', async () => {
    const g = await table();
    await g.replaceTableData('Sales', columns, [], { mode: 'replace' });
    const chunks: CellValue[][][] = [];
    expect(await g.readTableRows('Sales', ['Region'], (rows) => chunks.push(rows))).toBe(0);
    expect(chunks).toEqual([]);
  });

  it('says a table that is gone is not found', async () => {
    const g = await table();
    await expect(g.readTableRows('Nope', ['Region'], () => undefined)).rejects.toBeInstanceOf(WorkbookError);
  });
});
