/**
 * Injection-safe cell values.
 *
 * excel.d.ts `Range.values`: "If the returned value starts with a plus ("+"), minus ("-"), or equal
 * sign ("="), Excel interprets this value as a formula." A Tableau text field holding
 * `=HYPERLINK("http://evil", "click")` would otherwise become a live formula. Text columns are
 * written under number format "@" (set before the values), which keeps them text. Strings that show
 * up in NON-text columns get a leading apostrophe when they could be read as anything but text: in
 * Excel the apostrophe is a quote-prefix style, not part of the value (PhpSpreadsheet#1061), so the
 * cell shows the original string. OWASP's CSV-injection list also names "@", tab and CR.
 *
 * Office.js treats `null` in a values array as "leave this cell unchanged"
 * (docs/excel.md#number-formats-and-values), so an empty cell is written as "" to really clear
 * what a previous refresh left there.
 */
import type { CellValue } from '../../common/stream.js';

/** Excel's limit: 32,767 characters per cell (Excel specifications and limits). */
const MAX_CELL_CHARS = 32_767;

const FORMULA_LEAD = /^[=+\-@\t\r]/;
/** Strings Excel would turn into a number, boolean, date or error when written outside "@". */
const COERCIBLE =
  /^\s*([-+]?[$€£¥]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?%?|true|false|#N\/A|#\w+[!?]?|\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?.*)\s*$/i;

/** Would Excel read this string as a formula (or a DDE/"@" function) when written raw? */
export function isFormulaLike(s: string): boolean {
  return s.length > 0 && FORMULA_LEAD.test(s);
}

/** Would Excel (General format) change this string's type: formula, number, date, boolean, error? */
function needsQuotePrefix(s: string): boolean {
  return isFormulaLike(s) || s.startsWith("'") || COERCIBLE.test(s);
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
  let s = String(v);
  let truncated = false;
  if (s.length > MAX_CELL_CHARS) {
    s = s.slice(0, MAX_CELL_CHARS);
    truncated = true;
  }
  if (!textColumn && needsQuotePrefix(s)) {
    s = `'${s}`.slice(0, MAX_CELL_CHARS + 1);
  }
  return { value: s, truncated };
}

/** Converts a row batch in place-free fashion; returns the rows plus how many cells were truncated. */
export function toExcelRows(rows: CellValue[][], textColumns: boolean[]): { rows: (number | string | boolean)[][]; truncated: number } {
  let truncated = 0;
  const width = textColumns.length;
  const out = rows.map((row) => {
    const r = new Array<number | string | boolean>(width);
    for (let c = 0; c < width; c++) {
      const cell = toExcelCell(row[c] ?? null, textColumns[c]);
      if (cell.truncated) truncated++;
      r[c] = cell.value;
    }
    return r;
  });
  return { rows: out, truncated };
}
