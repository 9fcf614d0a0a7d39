/**
 * What Excel cannot hold exactly, and the end warning that says so.
 *
 * Digits: Excel keeps 15 significant digits of a number; a 16-digit card number or a 19-digit ID
 * typed or written as a number loses its last digits for good ("Excel specifications and limits",
 * number precision 15 digits: https://support.microsoft.com/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3,
 * and https://learn.microsoft.com/office/troubleshoot/excel/long-numbers-incorrectly-in-excel).
 * So a value with more digits is sent as a string of its exact digits; the add-in writes any string
 * in a non-text column as text (addin/workbook/text.ts `toExcelCell`), and nothing changes.
 *
 * Dates: Excel's 1900 date system starts at 1900-01-01 (serial 1); an earlier date cannot be a date
 * cell (https://learn.microsoft.com/office/troubleshoot/excel/wrongly-assumes-1900-is-leap-year and
 * common/typed-values.ts `excelSerial`). Such a date is sent as ISO text and counted.
 */

/** Significant digits Excel keeps (see the sources above). */
export const EXCEL_DIGITS = 15;

/**
 * Significant digits that name any double exactly: a double printed with 17 significant digits reads
 * back as the same double (https://en.wikipedia.org/wiki/Double-precision_floating-point_format,
 * "IEEE 754 double-precision binary floating-point format"). Used for floating-point VDS columns only
 * (vds-values.ts V_FLOAT), where Tableau computed a double and its 16–17-digit text is that double.
 */
const DOUBLE_DIGITS = 17;

/**
 * Significant digits of a numeral's text s[start, end) ("-0.00120", "1.5e-7", "1234", "1,234.5" with
 * grouping characters skipped): leading zeros never count, zeros at the end of a fraction never
 * count, zeros at the end of an integer do (1000000000000000000 is an ID as much as any 19 digits).
 * Everything from an exponent mark ('e'/'E') on is ignored; a character other than a digit, '.',
 * a sign or ',' ends nothing and counts nothing.
 */
export function significantDigits(s: string, start = 0, end = s.length): number {
  let sig = 0;
  let pending = 0; // zeros after the last non-zero digit
  let started = false;
  let fraction = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x65 || c === 0x45) break; // exponent
    if (c === 0x2e) {
      fraction = true;
      sig += pending; // "1200.5": the integer's trailing zeros are digits
      pending = 0;
      continue;
    }
    if (c < 0x30 || c > 0x39) continue;
    if (c === 0x30) {
      if (started) pending++;
      continue;
    }
    started = true;
    sig += pending + 1;
    pending = 0;
  }
  return fraction ? sig : sig + pending;
}

/** A plain numeral as JSON writes one: -?int(.frac)?(e±exp)? — what Number() would read as written. */
const JSON_NUMERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function isJsonNumeral(s: string): boolean {
  return JSON_NUMERAL.test(s);
}

/**
 * The text JavaScript itself prints for the double it reads (the shortest round-trip form,
 * https://tc39.es/ecma262/#sec-numeric-types-number-tostring): "100000000000000000" is 1e17
 * exactly, whatever its trailing zeros look like to significantDigits.
 */
function isShortestDouble(s: string): boolean {
  return String(Number(s)) === s;
}

/** A floating-point column's token that a double would change: more digits than a double holds, and not a double's own text. */
export function tooLongForDouble(s: string, start = 0, end = s.length): boolean {
  if (end - start <= DOUBLE_DIGITS || significantDigits(s, start, end) <= DOUBLE_DIGITS) return false;
  return !isShortestDouble(s.slice(start, end));
}

/** A numeral text with more significant digits than `limit`: it must travel as text. */
export function tooLongForNumber(s: string, limit = EXCEL_DIGITS): boolean {
  return s.length > limit && significantDigits(s) > limit;
}

/** Cheap test before a scan: a numeral with 16+ significant digits has 16+ digits and points in a row. */
const LONG_RUN = /[\d.]{16}/;

/**
 * JSON text in which every number token with more than EXCEL_DIGITS significant digits is turned
 * into a string token of the same characters, so JSON.parse keeps all its digits (it would round
 * 1234567890123456789 to the double 1234567890123456768). Strings are skipped, escapes included.
 * The caller then sees those values as strings and decides (vds-values.ts `convertVdsValue`).
 */
export function quoteLongNumbers(json: string): string {
  if (!LONG_RUN.test(json)) return json;
  const n = json.length;
  let out = '';
  let copied = 0;
  for (let i = 0; i < n;) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < n; i++) {
        const d = json.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      i++;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      for (i++; i < n; i++) {
        const d = json.charCodeAt(i);
        if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x2d || d === 0x2b || d === 0x65 || d === 0x45)) break;
      }
      if (i - start > EXCEL_DIGITS && significantDigits(json, start, i) > EXCEL_DIGITS) {
        out += json.slice(copied, start) + '"' + json.slice(start, i) + '"';
        copied = i;
      }
      continue;
    }
    i++;
  }
  return copied === 0 ? json : out + json.slice(copied);
}

/** "1899-12-31" or "1899-12-31 10:30:00": an early date as ISO text (seconds kept when not whole). */
export function isoText(y: number, m: number, d: number, h = 0, mi = 0, s = 0): string {
  const p2 = (v: number) => String(v).padStart(2, '0');
  const date = `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}`;
  if (h === 0 && mi === 0 && s === 0) return date;
  const whole = Math.floor(s);
  const sec = whole === s ? p2(whole) : `${p2(whole)}${String(Math.round((s - whole) * 1000) / 1000).slice(1)}`;
  return `${date} ${p2(h)}:${p2(mi)}:${sec}`;
}

/** Cells of one column that had to travel as text. */
export interface ColumnCount {
  name: string;
  count: number;
}

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/** "Order Id" · "Order Id" (3) and "Line Id" (2) · "A" (1), "B" (2) and "C" (3). */
function columnList(counts: ColumnCount[]): string {
  if (counts.length === 1) return `"${counts[0].name}"`;
  const named = counts.map((c) => `"${c.name}" (${thousands(c.count)})`);
  return `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}

/** ONE warning for a pull's numbers written as text to keep their digits; undefined when none. */
export function longDigitsWarning(counts: ColumnCount[]): string | undefined {
  const some = counts.filter((c) => c.count > 0);
  const total = some.reduce((sum, c) => sum + c.count, 0);
  if (total === 0) return undefined;
  const one = total === 1;
  return (
    `${thousands(total)} ${one ? 'value' : 'values'} in ${columnList(some)} ${one ? 'has' : 'have'} more than ` +
    `${EXCEL_DIGITS} significant digits, which Excel cannot hold as ${one ? 'a number' : 'numbers'}; ` +
    `${one ? 'it was' : 'they were'} written as text so no digit changes.`
  );
}

/** ONE warning for a pull's dates before 1900-01-01, written as ISO text; undefined when none. */
export function earlyDatesWarning(counts: ColumnCount[]): string | undefined {
  const some = counts.filter((c) => c.count > 0);
  const total = some.reduce((sum, c) => sum + c.count, 0);
  if (total === 0) return undefined;
  const one = total === 1;
  return (
    `${thousands(total)} ${one ? 'date' : 'dates'} in ${columnList(some)} ${one ? 'is' : 'are'} before 1900-01-01, ` +
    `which Excel cannot hold as ${one ? 'a date' : 'dates'}; ${one ? 'it was' : 'they were'} written as text (yyyy-mm-dd).`
  );
}

/** The end message's warnings for these counts (empty when nothing had to change). */
export function precisionWarnings(long: ColumnCount[], early: ColumnCount[]): string[] {
  return [longDigitsWarning(long), earlyDatesWarning(early)].filter((w): w is string => w !== undefined);
}
