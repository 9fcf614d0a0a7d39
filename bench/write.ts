/**
 * write_1m_cells_*: 1,000,000 cells (100,000 rows × 10 typed columns, arriving as 2,000-row stream
 * batches like the pull stream) written by ExcelWorkbookGateway through the chunk planner into the
 * recording fake of Office.js (addin/workbook/memory/excel-api.ts), which measures each
 * context.sync()'s real JSON payload and rejects one over 5 MB like Excel on the web.
 *  - utilisation: mean payload of the syncs that carry values ÷ 4 MB (target ≥ 0.8);
 *  - syncs over floor: ALL syncs of the write (lookups and table creation too) − ⌈all bytes ÷ 4 MB⌉.
 */
import { type ExcelRun, ExcelWorkbookGateway } from '../addin/workbook/excel/gateway.js';
import { MemoryExcel } from '../addin/workbook/memory/excel-api.js';
import { MemoryWorkbook } from '../addin/workbook/memory/workbook.js';
import type { CellValue, ColumnSpec } from '../common/stream.js';
import type { Figure } from './report.js';

const MB = 1024 * 1024;
const REFERENCE = 4 * MB;

const WRITE_COLUMNS: ColumnSpec[] = [
  { name: 'Row ID', type: 'integer', format: '0' },
  { name: 'Order ID', type: 'text', format: '@' },
  { name: 'Order Date', type: 'date', format: 'm/d/yyyy' },
  { name: 'Customer Name', type: 'text', format: '@' },
  { name: 'Postal Code', type: 'text', format: '@' },
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Sales', type: 'currency', format: '$#,##0.00' },
  { name: 'Quantity', type: 'integer', format: '#,##0' },
  { name: 'Discount', type: 'percentage', format: '0.0%' },
  { name: 'Profit', type: 'currency', format: '$#,##0.00' },
];

const NAMES = ['Maria Rossi', 'Claire Phan', 'Darrin Van Huff', "Sean O'Donnell", 'Zoë Ärger'];
const REGIONS = ['Central', 'East', 'South', 'West'];

/** Deterministic typed rows shaped like the pull stream's (dates as serials, ZIPs as text). */
function* typedBatches(rows: number, batch = 2000): Generator<CellValue[][]> {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let start = 0; start < rows; start += batch) {
    const out: CellValue[][] = [];
    for (let i = start; i < Math.min(rows, start + batch); i++) {
      const r = next();
      out.push([
        i + 1,
        `US-${2021 + (r % 4)}-${100000 + (i >> 2)}`,
        44197 + (r % 1461),
        NAMES[r % 5],
        String(r % 100_000).padStart(5, '0'),
        REGIONS[r % 4],
        Math.round(r % 2_000_000) / 100,
        (r % 14) + 1,
        (r % 8) / 10,
        r % 7 === 0 ? null : Math.round((r % 400_000) - 100_000) / 100,
      ]);
    }
    yield out;
  }
}

export async function benchWrite(o: { cells?: number } = {}): Promise<Figure[]> {
  const rows = Math.ceil((o.cells ?? 1_000_000) / WRITE_COLUMNS.length);
  const fake = new MemoryExcel(new MemoryWorkbook(), { record: true });
  const gateway = new ExcelWorkbookGateway({ run: fake.run as unknown as ExcelRun, isSetSupported: () => true });
  const written = await gateway.writeTable({ kind: 'newSheet', sheetName: 'Orders' }, WRITE_COLUMNS, typedBatches(rows), {
    tableName: 'Orders',
  });
  if (written.rowCount !== rows) throw new Error(`write bench: ${written.rowCount} rows written, expected ${rows}`);
  const failed = fake.syncs.filter((s) => s.failed);
  const ok = fake.syncs.filter((s) => !s.failed);
  const valueSyncs = ok.filter((s) => s.ops.includes('values'));
  const valueBytes = valueSyncs.reduce((a, s) => a + s.bytes, 0);
  const allBytes = fake.syncs.reduce((a, s) => a + s.bytes, 0);
  const maxBytes = Math.max(...fake.syncs.map((s) => s.bytes));
  const cells = rows * WRITE_COLUMNS.length;
  const detail = `${cells.toLocaleString('en-US')} cells in ${fake.syncs.length} syncs (${valueSyncs.length} with values${failed.length ? `, ${failed.length} rejected as too large` : ''}), ${(allBytes / MB).toFixed(1)} MB in all, largest ${(maxBytes / MB).toFixed(2)} MB (limit 5 MB)`;
  return [
    {
      name: 'write_1m_cells_payload_utilisation',
      value: valueBytes / valueSyncs.length / REFERENCE,
      target: 0.8,
      goal: 'min',
      unit: '× 4 MB',
      note: `${detail}; mean ${(valueBytes / valueSyncs.length / MB).toFixed(2)} MB per values sync`,
    },
    {
      name: 'write_1m_cells_syncs_over_floor',
      value: fake.syncs.length - Math.ceil(allBytes / REFERENCE),
      target: 2,
      goal: 'max',
      unit: 'syncs',
      note: `${fake.syncs.length} syncs − ⌈${(allBytes / MB).toFixed(1)} MB ÷ 4 MB⌉ = ${fake.syncs.length - Math.ceil(allBytes / REFERENCE)}${maxBytes > 5 * MB ? '; a sync went over 5 MB' : ''}`,
    },
  ];
}
