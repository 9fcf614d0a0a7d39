/**
 * Fast scans of the two cell shapes that fill most of a view CSV's typed columns, for
 * ColumnStats.take (column-stats.ts): a plain number as the en-US or German view writes it
 * ("1,234", "$10,933.97", "-$36.37", "20.0%", "1.234,56") and a numeric date ("7/5/2022",
 * "31.12.2024"). Each answers false for anything else — parentheses, spaces, apostrophes, a
 * suffix currency, a plus or Unicode minus, a leading zero, more than 15 digits, a time of day —
 * and the cell then goes through the full scans (number-scan.ts, date-scan.ts), so a cell is never
 * read differently here than there: where these accept, they find exactly what the full scan and
 * `readStyle` find (the property test in test/server/pull/simple-cells.test.ts compares them).
 *
 * One pass of charCode checks computes both separator styles' readings at once, where the full path
 * scans, records every digit run and then reads the runs once per style.
 */
import { EXCEL_DIGITS } from '../precision.js';
import { C_COMMA, C_DOLLAR, C_DOT, C_EURO, C_MINUS, C_PERCENT, C_POUND, C_RUPEE, C_YEN } from './number-scan.js';

const C_ZERO = 48;

/** One separator style's reading of the last simple number (what number-scan.ts `readStyle` gives). */
export interface SimpleReading {
  valid: boolean;
  decimals: number;
  grouped: boolean;
  intDigits: number;
}

/** The last number `scanSimpleNumber` accepted (scratch, reused: one per process, read at once). */
export const simple = {
  neg: false,
  percent: false,
  /** char code of the prefix currency symbol, 0 when none. */
  currency: 0,
  /** all digits as one integer: exact, as there are at most 15. */
  mantissa: 0,
  dot: { valid: false, decimals: 0, grouped: false, intDigits: 0 } as SimpleReading,
  comma: { valid: false, decimals: 0, grouped: false, intDigits: 0 } as SimpleReading,
};

/**
 * `[-][currency]digits[(,|.)digits]…[%]`, at most 15 digits, no leading zero on a longer integer
 * part, every separator but the last one the same character. Fills `simple` and answers true, or
 * answers false without a guarantee about `simple`. A style's reading is filled only when asked for
 * (a column that one style can no longer read does not pay for it; both by default).
 */
export function scanSimpleNumber(s: string, dotReading = true, commaReading = true): boolean {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  const neg = c === C_MINUS;
  if (neg) c = s.charCodeAt(++i);
  let currency = 0;
  if (c === C_DOLLAR || c === C_EURO || c === C_POUND || c === C_YEN || c === C_RUPEE) {
    currency = c;
    c = s.charCodeAt(++i);
  }
  if (!(c >= C_ZERO && c <= 57)) return false;
  const intStart = i;
  let mantissa = 0;
  let digits = 0;
  let run = 0;
  let firstRun = -1;
  let seps = 0;
  let firstSep = 0;
  let lastSep = 0;
  let mixed = false; // a separator before the last one differs from the first
  let middleNot3 = false; // a run between two separators is not three digits
  let percent = false;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= C_ZERO && c <= 57) {
      mantissa = mantissa * 10 + (c - C_ZERO);
      digits++;
      run++;
    } else if ((c === C_COMMA || c === C_DOT) && i + 1 < n) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= C_ZERO && next <= 57)) return false;
      if (seps === 0) {
        firstRun = run;
        firstSep = c;
      } else {
        if (run !== 3) middleNot3 = true;
        if (lastSep !== firstSep) mixed = true;
      }
      lastSep = c;
      seps++;
      run = 0;
    } else if (c === C_PERCENT && i === n - 1 && currency === 0) {
      percent = true;
    } else {
      return false;
    }
  }
  if (seps === 0) firstRun = run;
  if (digits > EXCEL_DIGITS || mixed) return false;
  // "02134" is a code, "0.5" a number (number-scan.ts `leadingZero`).
  if (firstRun > 1 && s.charCodeAt(intStart) === C_ZERO) return false;
  simple.neg = neg;
  simple.percent = percent;
  simple.currency = currency;
  simple.mantissa = mantissa;
  if (dotReading) read(simple.dot, C_COMMA, C_DOT, seps, firstSep, lastSep, firstRun, run, middleNot3);
  if (commaReading) read(simple.comma, C_DOT, C_COMMA, seps, firstSep, lastSep, firstRun, run, middleNot3);
  return true;
}

/**
 * number-scan.ts `readStyle` for a simple number, from its separators' summary: the last
 * separator is the decimal mark when it is the style's; every one before it must group exactly
 * three digits (the first group one to three).
 */
function read(
  out: SimpleReading,
  group: number,
  decimal: number,
  seps: number,
  firstSep: number,
  lastSep: number,
  firstRun: number,
  lastRun: number,
  middleNot3: boolean,
): void {
  if (seps === 0) {
    out.valid = true;
    out.decimals = 0;
    out.grouped = false;
    out.intDigits = firstRun;
    return;
  }
  const hasDecimals = lastSep === decimal;
  const groups = hasDecimals ? seps - 1 : seps;
  out.decimals = hasDecimals ? lastRun : 0;
  out.grouped = groups > 0;
  out.intDigits = firstRun + 3 * groups;
  out.valid =
    groups === 0 ||
    (firstSep === group && (hasDecimals || lastSep === group) && firstRun <= 3 && !middleNot3 && (hasDecimals || lastRun === 3));
}

/** The last date `scanSimpleDate` accepted (scratch, reused). */
export const simpleDate = { a: 0, b: 0, year: 0, padded: false };

/**
 * `a<sep>b<sep>yyyy`: one or two digits, one or two digits, a year of four digits from 1900 on (one
 * Excel holds), nothing after. The day/month order is the column's (date-scan.ts F_ABY).
 */
export function scanSimpleDate(s: string, sep: number): boolean {
  const n = s.length;
  if (n < 8 || n > 10) return false;
  let i = 0;
  let c = s.charCodeAt(0);
  if (!(c >= C_ZERO && c <= 57)) return false;
  let a = c - C_ZERO;
  let padded = false;
  c = s.charCodeAt(++i);
  if (c >= C_ZERO && c <= 57) {
    if (a === 0) padded = true;
    a = a * 10 + (c - C_ZERO);
    c = s.charCodeAt(++i);
  }
  if (c !== sep) return false;
  c = s.charCodeAt(++i);
  if (!(c >= C_ZERO && c <= 57)) return false;
  let b = c - C_ZERO;
  c = s.charCodeAt(++i);
  if (c >= C_ZERO && c <= 57) {
    if (b === 0) padded = true;
    b = b * 10 + (c - C_ZERO);
    c = s.charCodeAt(++i);
  }
  if (c !== sep || n - i !== 5) return false;
  let year = 0;
  for (i++; i < n; i++) {
    c = s.charCodeAt(i);
    if (!(c >= C_ZERO && c <= 57)) return false;
    year = year * 10 + (c - C_ZERO);
  }
  if (year < 1900) return false;
  simpleDate.a = a;
  simpleDate.b = b;
  simpleDate.year = year;
  simpleDate.padded = padded;
  return true;
}
