/**
 * Pure planning for a refresh (replaceTableData): map the new source columns onto the existing
 * table BY NAME, never by position, so a source that gained, lost or reordered columns cannot
 * silently shift data under the user's formulas.
 *  - matched columns are rewritten in place (the user's order and formats stay);
 *  - new source columns are appended at the table's right edge (inserting them in the middle
 *    would shift the user's own columns and A1-style formulas that point at them);
 *  - source columns of the previous refresh that are gone are reported and their data cleared,
 *    not deleted (deleting a table column turns formulas that use it into #REF!);
 *  - every other column is the user's: untouched, and calculated columns fill down as Excel does.
 */
import type { CellValue, ColumnSpec } from '../../common/stream.js';
import { TIMESTAMP_FORMAT } from './formats.js';
import { type ReplaceOptions, WorkbookError } from './gateway.js';

interface RefreshPlan {
  /** Columns to write (the source's, plus the timestamp column in append mode). */
  columns: ColumnSpec[];
  /** Table-relative column index for each entry of `columns`. */
  tableCols: number[];
  added: string[];
  removed: string[];
  /** Table-relative indexes of `removed`. */
  removedCols: number[];
  kept: string[];
  /** Data rows before / after (0 when the table only has Excel's placeholder empty row). */
  oldRows: number;
  newRows: number;
  /** First data row (table-relative) that receives new values. */
  writeRowOffset: number;
  /** Physical data rows and columns of the table afterwards (Excel keeps at least one data row). */
  tableRows: number;
  tableWidth: number;
}

/** Header names for a new table: trimmed, non-empty, unique case-insensitively (Excel would rename duplicates itself). */
export function headerNames(columns: ColumnSpec[]): string[] {
  const seen = new Set<string>();
  return columns.map((c, i) => {
    const base = c.name.replace(/[\r\n\t]+/g, ' ').trim() || `Column${i + 1}`;
    let name = base;
    for (let n = 2; seen.has(name.toLowerCase()); n++) name = `${base}${n}`;
    seen.add(name.toLowerCase());
    return name;
  });
}

export function planRefresh(input: {
  headers: string[];
  /** Physical data rows of the table now. */
  tableRows: number;
  /** True when the table's only data row is empty (a table created with no data). */
  placeholderRow: boolean;
  columns: ColumnSpec[];
  incomingRows: number;
  opts: Pick<ReplaceOptions, 'mode' | 'timestampColumn' | 'previousColumns'>;
}): RefreshPlan {
  const { headers, opts } = input;
  if (input.columns.length === 0) throw new WorkbookError('invalid-input', 'The result has no columns.');
  const columns = [...input.columns];
  if (opts.mode === 'append' && opts.timestampColumn) {
    columns.push({ name: opts.timestampColumn, type: 'datetime', format: TIMESTAMP_FORMAT });
  }
  const names = headerNames(columns);
  if (names.some((n, i) => n !== columns[i].name.trim() && columns[i].name.trim() !== '')) {
    throw new WorkbookError('invalid-input', 'The result has two columns with the same name; a refresh maps columns by name.');
  }
  const lower = headers.map((h) => h.toLowerCase());
  const used = new Set<number>();
  const tableCols: number[] = [];
  const added: string[] = [];
  for (const name of names) {
    let idx = headers.findIndex((h, i) => h === name && !used.has(i));
    if (idx < 0) idx = lower.findIndex((h, i) => h === name.toLowerCase() && !used.has(i));
    if (idx < 0) {
      idx = headers.length + added.length;
      added.push(name);
    }
    used.add(idx);
    tableCols.push(idx);
  }
  const prev = new Set((opts.previousColumns ?? []).map((p) => p.toLowerCase()));
  const removedCols = headers.map((h, i) => i).filter((i) => !used.has(i) && prev.has(lower[i]));
  const oldRows = input.placeholderRow ? 0 : input.tableRows;
  const newRows = opts.mode === 'append' ? oldRows + input.incomingRows : input.incomingRows;
  return {
    columns,
    tableCols,
    added,
    removed: removedCols.map((i) => headers[i]),
    removedCols,
    kept: headers.filter((_, i) => !used.has(i) && !removedCols.includes(i)),
    oldRows,
    newRows,
    writeRowOffset: opts.mode === 'append' ? oldRows : 0,
    tableRows: Math.max(1, newRows),
    tableWidth: headers.length + added.length,
  };
}

/** Append mode: the timestamp value (Excel serial) added to every incoming row. */
export function withTimestamp(rows: CellValue[][], width: number, serial: number): CellValue[][] {
  return rows.map((r) => {
    const out = r.slice(0, width);
    while (out.length < width) out.push(null);
    out.push(serial);
    return out;
  });
}
