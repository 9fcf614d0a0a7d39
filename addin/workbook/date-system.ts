/**
 * Dates arrive as 1900-system serials (common/stream.ts). A workbook on the 1904 date system counts
 * from 1904-01-01, 1,462 days later, so the same date is a serial 1,462 smaller there
 * (https://learn.microsoft.com/office/troubleshoot/excel/1900-and-1904-date-system); written
 * unchanged, every date would show four years and a day late.
 */
import type { CellValue, ColumnSpec } from '../../common/stream.js';
import type { RowSource } from './gateway.js';

const DAYS_1900_TO_1904 = 1462;

/** Indexes of the columns holding serial dates or date-times. */
export function dateColumns(columns: ColumnSpec[]): number[] {
  return columns.flatMap((c, i) => (c.type === 'date' || c.type === 'datetime' ? [i] : []));
}

function shiftRows(rows: CellValue[][], cols: number[]): CellValue[][] {
  return rows.map((row) => {
    const out = row.slice();
    for (const c of cols) {
      const v = out[c];
      if (typeof v === 'number') out[c] = v - DAYS_1900_TO_1904;
    }
    return out;
  });
}

/** The rows as the workbook's date system needs them (unchanged for the 1900 system). */
export function forDateSystem(rows: RowSource, cols: number[], date1904: boolean): RowSource {
  if (!date1904 || cols.length === 0) return rows;
  if (Array.isArray(rows)) return shiftRows(rows as CellValue[][], cols);
  const source = rows as AsyncIterable<CellValue[][]> | Iterable<CellValue[][]>;
  return (async function* () {
    for await (const batch of source) yield shiftRows(batch, cols);
  })();
}
