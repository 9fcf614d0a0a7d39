/**
 * Injection-safe cell values.
 *
 * excel.d.ts `Range.values`: "If the returned value starts with a plus ("+"), minus ("-"), or equal
 * sign ("="), Excel interprets this value as a formula." A Tableau text field holding
 * `=HYPERLINK("http://evil", "click")` would otherwise become a live formula. Text columns are
 * written under number format "@" (set before the values), which keeps them text. Strings that show
 * up in NON-text columns (an "N/A" among numbers, a 19-digit ID the server kept exact) always get a
 * leading apostrophe: what Excel coerces is locale-dependent and long ("15-Feb", "12:30", "(123)",
 * "Jan 5", "$1,234" — addin/workbook/memory/coerce.ts models the en-US rules), so no list of risky
 * shapes is complete, and the apostrophe is a quote-prefix style, not part of the value
 * (PhpSpreadsheet#1061, https://github.com/OfficeDev/office-js/issues/6687), so the cell shows the
 * original string. In a text column only a string that itself starts with an apostrophe needs one
 * more, or Excel would take its own as the prefix. OWASP's CSV-injection list also names "@", tab
 * and CR.
 *
 * Office.js treats `null` in a values array as "leave this cell unchanged"
 * (docs/excel.md#number-formats-and-values), so an empty cell is written as "" to really clear
 * what a previous refresh left there.
 */
import type { CellValue } from '../../common/stream.js';

/** Excel's limit: 32,767 characters per cell (Excel specifications and limits), the quote prefix counted to be safe. */
const MAX_CELL_CHARS = 32_767;

const FORMULA_LEAD = /^[=+\-@\t\r]/;

/** Would Excel read this string as a formula (or a DDE/"@" function) when written raw? */
export function isFormulaLike(s: string): boolean {
  return s.length > 0 && FORMULA_LEAD.test(s);
}

interface SafeCell {
  value: number | string | boolean;
  truncated: boolean;
}

/**
 * The value to put in `Range.values` for one cell.
 * @param textColumn true when the cell's number format is "@" (already set before the values).
 */
export function toExcelCell(v: CellValue, textColumn: boolean): SafeCell {
  if (v === null || v === undefined) return { value: '', truncated: false };
  if (typeof v === 'number') {
    // JSON has no NaN/Infinity: Office would send null (= unchanged). Write an empty cell instead.
    return { value: Number.isFinite(v) ? v : '', truncated: false };
  }
  if (typeof v === 'boolean') return { value: v, truncated: false };
  const s = String(v);
  const prefix = !textColumn || s.startsWith("'");
  const room = prefix ? MAX_CELL_CHARS - 1 : MAX_CELL_CHARS;
  const truncated = s.length > room;
  const kept = truncated ? s.slice(0, room) : s;
  return { value: prefix ? `'${kept}` : kept, truncated };
}

/** A string the text rules may change in a text column: one starting with an apostrophe, or over the cell limit. */
export function needsTextRule(s: string): boolean {
  return s.length > MAX_CELL_CHARS || s.charCodeAt(0) === 0x27;
}

/** CellKinds.columns bits: the column holds an empty cell (null), a string. */
export const HAS_EMPTY = 1;
export const HAS_STRING = 2;

/**
 * What a row batch holds, column by column, counted where it was decoded (the pull worker:
 * api/columnar.ts summarize), so toExcelRows can keep every row of it without a look at each cell
 * on the pane's thread (~0.15 s of a 1,000,000-row insert in a CPU profile, #18).
 */
export interface CellKinds {
  /** Per column, HAS_EMPTY and HAS_STRING as the column holds them. */
  columns: Uint8Array;
  /** A number that is not finite, or a string needsTextRule names. */
  unusual: boolean;
}

/** Kept beside the batch (a plain CellValue[][] everywhere else), as chunks.ts withRowBytes does. */
const summarized = new WeakMap<object, CellKinds>();

/** Marks `batch` with what it holds; returns the batch. */
export function withCellKinds<T extends readonly unknown[]>(batch: T, kinds: CellKinds): T {
  summarized.set(batch, kinds);
  return batch;
}

/** True when the batch marked with `kinds` has only rows toExcelRows keeps as they are (see unchanged). */
function keptAsIs(kinds: CellKinds, textColumns: boolean[]): boolean {
  if (kinds.unusual || kinds.columns.length !== textColumns.length) return false;
  for (let c = 0; c < textColumns.length; c++) {
    const has = kinds.columns[c];
    if (has & HAS_EMPTY || (has & HAS_STRING && !textColumns[c])) return false;
  }
  return true;
}

/** How many truncated cells a write names (the status lists them; the count covers the rest). */
export const TRUNCATED_SAMPLE_SIZE = 20;

/**
 * Converts a row batch (the input is not changed); returns the rows, how many cells were truncated
 * and where the first of them are (batch-relative row, column index). A row that needs no change
 * (every cell a finite number, a boolean or text its column keeps as it is) is returned itself, not
 * a copy: most rows of a table, so a million-row insert does not copy a million rows.
 */
export function toExcelRows(
  rows: CellValue[][],
  textColumns: boolean[],
): { rows: (number | string | boolean)[][]; truncated: number; truncatedAt: { row: number; col: number }[] } {
  const kinds = summarized.get(rows);
  // Every row of such a batch passes unchanged() below: the batch itself, not a map of it.
  if (kinds && keptAsIs(kinds, textColumns)) return { rows: rows as (number | string | boolean)[][], truncated: 0, truncatedAt: [] };
  let truncated = 0;
  const truncatedAt: { row: number; col: number }[] = [];
  const width = textColumns.length;
  const out = rows.map((row, i) => {
    if (row.length === width && unchanged(row, textColumns)) return row as (number | string | boolean)[];
    const r = new Array<number | string | boolean>(width);
    for (let c = 0; c < width; c++) {
      const v = row[c];
      // Numbers and booleans, most cells, go as they are: no result object per cell (toExcelCell's rules).
      if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') {
        r[c] = v;
        continue;
      }
      const cell = toExcelCell(v ?? null, textColumns[c]);
      if (cell.truncated) {
        truncated++;
        if (truncatedAt.length < TRUNCATED_SAMPLE_SIZE) truncatedAt.push({ row: i, col: c });
      }
      r[c] = cell.value;
    }
    return r;
  });
  return { rows: out, truncated, truncatedAt };
}

/** True when toExcelCell would give back every cell of the row as it is. */
function unchanged(row: CellValue[], textColumns: boolean[]): boolean {
  for (let c = 0; c < row.length; c++) {
    const v = row[c];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
    } else if (typeof v === 'string') {
      // Only a text column keeps a string unprefixed, and only one not starting with an apostrophe.
      if (!textColumns[c] || needsTextRule(v)) return false;
    } else if (typeof v !== 'boolean') return false;
  }
  return true;
}
