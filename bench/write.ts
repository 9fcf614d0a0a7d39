/**
 * write_1m_cells_*: 1,000,000 cells (100,000 rows × 10 typed columns, arriving as 2,000-row stream
 * batches like the pull stream) written by the one gateway (ExcelWorkbookGateway) through the chunk
 * planner into the in-memory Excel (addin/workbook/memory/excel-api.ts), which measures each
 * context.sync()'s real JSON payload and rejects one over 5 MB (RequestPayloadSizeLimitExceeded) or
 * over 4 MB (GeneralException) like Excel on the web.
 *  - cells per second: wall time of the whole write (planning, encoding, the in-memory Excel
 *    applying every operation), so a regression in the add-in's own cost shows; real Excel adds its
 *    own time per sync on top, which is why the sync count is the second figure;
 *  - syncs: every request of the write (lookups, chunks, table creation);
 *  - largest sync: the biggest request, which must stay well under the 5 MB limit (chunks.ts aims
 *    at ≤ 1.5 MB and ≤ 5,000 rows). The old "bytes per sync ≥ 80 % of 4 MB" target is retired: full
 *    requests are what fail on the web (office-js#1314).
 */
import { memoryGateway } from '../addin/workbook/memory/gateway.js';
import type { CellValue, ColumnSpec } from '../common/stream.js';
import type { Figure } from './report.js';

const MB = 1024 * 1024;

export const WRITE_COLUMNS: ColumnSpec[] = [
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

/** All rows at once, e.g. for a refresh (`seed` varies the data). */
export function typedRows(rows: number, seed = 7): CellValue[][] {
  return [...typedBatches(rows, rows, seed)].flat();
}

/** Deterministic typed rows shaped like the pull stream's (dates as serials, ZIPs as text). */
function* typedBatches(rows: number, batch = 2000, seed = 7): Generator<CellValue[][]> {
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
  const gateway = memoryGateway(undefined, { record: true });
  const excel = gateway.excel;
  const started = performance.now();
  const written = await gateway.writeTable({ kind: 'newSheet', sheetName: 'Orders' }, WRITE_COLUMNS, typedBatches(rows), {
    tableName: 'Orders',
  });
  const seconds = (performance.now() - started) / 1000;
  if (written.rowCount !== rows) throw new Error(`write bench: ${written.rowCount} rows written, expected ${rows}`);
  const failed = excel.syncs.filter((s) => s.failed);
  const valueSyncs = excel.syncs.filter((s) => !s.failed && s.ops.includes('values'));
  const allBytes = excel.syncs.reduce((a, s) => a + s.bytes, 0);
  const maxBytes = Math.max(...excel.syncs.map((s) => s.bytes));
  const cells = rows * WRITE_COLUMNS.length;
  const detail = `${cells.toLocaleString('en-US')} cells in ${excel.syncs.length} syncs (${valueSyncs.length} with values${failed.length ? `, ${failed.length} rejected and halved` : ''}), ${(allBytes / MB).toFixed(1)} MB in all, largest ${(maxBytes / MB).toFixed(2)} MB, ${seconds.toFixed(1)} s`;
  return [
    { name: 'write_1m_cells_per_s', value: Math.round(cells / seconds), target: 100_000, goal: 'min', unit: 'cells/s', note: detail },
    { name: 'write_1m_syncs', value: excel.syncs.length, target: 25, goal: 'max', unit: 'syncs', note: detail },
    { name: 'write_1m_largest_sync_mb', value: maxBytes / MB, target: 2, goal: 'max', unit: 'MB', note: detail },
  ];
}
