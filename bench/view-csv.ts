/**
 * A 1,000,000-row formatted view CSV for csv_1m_vs_udsv, produced by the simulator's own
 * export code (server/sim/data/csv-export.ts csvLines + format.ts) over its 1,000,000-row
 * 'superstore-large' dataset: the same formatting Tableau's view CSV has (populate_csv.csv):
 * "$1,234.56" currency, grouped integers "1,234", percentages "20.0%", M/D/YYYY dates, text,
 * ZIP codes with leading zeros, CSV quoting where a value holds a comma.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { csvLines } from '../server/sim/data/csv-export.js';
import type { Fmt } from '../server/sim/data/format.js';
import type { ViewColumn, ViewSpec } from '../server/sim/data/views.js';

const text: Fmt = { kind: 'text' };
const col = (header: string, fieldCaption: string, format: Fmt): ViewColumn => ({
  header,
  field: { fieldCaption, fieldAlias: header },
  format,
});

/** One row per order line (Row ID is unique, so nothing is aggregated away). */
const LARGE_VIEW: ViewSpec = {
  key: 'bench-order-lines',
  datasetKey: 'superstore-large',
  locale: 'en-US',
  bom: false,
  newline: '\n',
  columns: [
    col('Row ID', 'Row ID', { kind: 'number', decimals: 0 }),
    col('Order ID', 'Order ID', text),
    col('Order Date', 'Order Date', { kind: 'date', style: 'short' }),
    col('Customer Name', 'Customer Name', text),
    col('Postal Code', 'Postal Code', text),
    col('Region', 'Region', text),
    col('Sales', 'Sales', { kind: 'currency', decimals: 2 }),
    col('Quantity', 'Quantity', { kind: 'number', decimals: 0 }),
    col('Discount', 'Discount', { kind: 'percent', decimals: 1 }),
    col('Profit', 'Profit', { kind: 'currency', decimals: 2 }),
  ],
};

/**
 * Writes the export to `file` from a process of its own (this file run as a script): the
 * simulator's 1,000,000-row data set, which the simulator keeps once built
 * (server/sim/data/catalog.ts), then never sits in a measuring heap, where no companion server has it.
 */
export function writeLargeViewCsv(rows: number, file: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(rows), file], { stdio: 'inherit' });
}

/** The whole export as one string (the in-memory API under test takes whole text). */
function largeViewCsv(rows: number): string {
  const lines: string[] = [];
  for (const line of csvLines(LARGE_VIEW, { filters: [], parameters: {} })) {
    lines.push(line);
    if (lines.length > rows) break;
  }
  return lines.join(LARGE_VIEW.newline) + LARGE_VIEW.newline;
}

// Run as a script by writeLargeViewCsv: `<rows> <file>`.
if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(process.argv[3], largeViewCsv(Number(process.argv[2])));
