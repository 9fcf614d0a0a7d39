/**
 * What one pass over ALL values of a CSV column learns about it. A column is numeric (or a date, or
 * boolean) only if EVERY non-empty value is: the first value that is not rules the kind out for
 * good, and the column stops paying for checks (a text column costs one comparison per cell).
 *
 * Numbers are checked under both separator styles at once (dot-decimal "1,234.5" and comma-decimal
 * "1.234,5"), because the style is decided for the whole file afterwards (see locale.ts). The same
 * scan also yields the converted value under the best guess so far, so the in-memory path reads
 * each cell once.
 */
import type { CellValue } from '../../../common/stream.js';
import { excelSerial, isValidDate } from '../../../common/typed-values.js';
import { EXCEL_DIGITS, isoText } from '../precision.js';
import { dt, F_ABY, F_MONTH_YEAR, scanDate } from './date-scan.js';
import { num, numberValue, POW10, readStyle, scanNumber, STYLE_COMMA_DECIMAL, STYLE_DOT_DECIMAL, styled } from './number-scan.js';
import { scanSimpleDate, scanSimpleNumber, simple, simpleDate, type SimpleReading } from './simple-cells.js';

export const P_NUMBER = 1,
  P_DATE = 2,
  P_BOOL = 4;
export const KIND_PLAIN = 1,
  KIND_CURRENCY = 2,
  KIND_PERCENT = 4;

/**
 * Excel keeps 15 significant digits (server/pull/precision.ts); a number with more would change
 * digits, so it is never converted. What happens to its column is what an analyst expects:
 * - an integer (an ID, a card number: 1234567890123456789) makes the whole column text, because an
 *   ID column is matched and looked up, and a mix of number and text cells would neither match
 *   (VLOOKUP of 123 finds no "123") nor sort together;
 * - a decimal (0.1234567890123456) is a measure's value: its column stays numeric and only that
 *   cell is its text, so the column still sums (the end warning says which cells are text).
 */
const MAX_DIGITS = EXCEL_DIGITS;

/** The last number `readStyle` read has more significant digits than Excel keeps. */
function tooLong(): boolean {
  return styled.significant > MAX_DIGITS;
}

/** Number facts under one separator style. */
export class StyleStats {
  ok = true;
  decimals = 0;
  grouped = false;
  /** a value of 4+ integer digits written without grouping ("2024", "10500"). */
  ungroupedBig = false;
  /** values that only this style can read (evidence for auto-detecting the locale). */
  evidence = 0;
  /** decimals with more than 15 significant digits: cells kept as text (see MAX_DIGITS). */
  longDecimals = 0;

  /** `take` of a valid number of at most 15 digits, from its simple-cells.ts reading. */
  takeSimple(r: SimpleReading): void {
    if (r.decimals > this.decimals) this.decimals = r.decimals;
    if (r.grouped) this.grouped = true;
    else if (r.intDigits >= 4) this.ungroupedBig = true;
  }

  /** Folds in the last scanned number; false when this style cannot read it. */
  take(valid: boolean): boolean {
    if (!valid || (tooLong() && styled.decimals === 0)) {
      this.ok = false;
      return false;
    }
    if (tooLong()) {
      this.longDecimals++; // a text cell: its decimals do not shape the column's format
      return true;
    }
    if (styled.decimals > this.decimals) this.decimals = styled.decimals;
    if (styled.grouped) this.grouped = true;
    else if (styled.intDigits >= 4) this.ungroupedBig = true;
    return true;
  }
}

/** Table-wide hints for speculative conversion, updated as unambiguous values are seen. */
export interface TableHints {
  /** explicit locale: its readings are preferred; auto: null. */
  fixedComma: boolean | null;
  fixedDayFirst: boolean | null;
  dotEvidence: number;
  commaEvidence: number;
}

export function newHints(): TableHints {
  return { fixedComma: null, fixedDayFirst: null, dotEvidence: 0, commaEvidence: 0 };
}

/** Bits of `used`: how cells were converted speculatively (see `take`). */
export const U_DOT = 1,
  U_COMMA = 2,
  U_MDY = 4,
  U_DMY = 8,
  U_DATE = 16,
  U_BOOL = 32,
  U_TEXT = 64;

/** Which fast path of simple-cells.ts `take` tries first (decided after each cell read in full). */
const FAST_NONE = 0,
  FAST_NUMBER = 1,
  FAST_DATE = 2,
  FAST_TEXT = 3;

/** Date separators by date-scan.ts sep code (shape bits 3-4). */
const DATE_SEP_CHARS = [0, 47, 45, 46];

export class ColumnStats {
  possible = P_NUMBER | P_DATE | P_BOOL;
  /** FAST_*: the column's kind so far, whose common cells `take` reads without the full scans. */
  private fast = FAST_NONE;
  /** FAST_DATE: the separator of the column's dates ("/" for 7/5/2022). */
  private fastDateSep = 0;
  /** The value of the last cell `takeFast` read (NaN first, so the field holds doubles unboxed from the start). */
  number = NaN;
  nonEmpty = 0;
  readonly dot = new StyleStats();
  readonly comma = new StyleStats();
  kinds = 0;
  currency = 0;
  currencyMixed = false;
  currencySuffix = false;
  symbolSpaced = false;
  parens = false;
  dateShape = -1;
  timeShape = 0;
  withTime = 0;
  datePadded = false;
  fractionDigits = 0;
  okMdy = true;
  okDmy = true;
  /**
   * How `take` converted the cells so far (U_* bits). If the final plan (decided after the last
   * row) reads the column the same way, the converted values stand; otherwise the column is
   * converted again from its text (rare: only when a late value changed the decision).
   */
  used = 0;
  /**
   * For each U_* bit (by bit index), the last row whose cell was converted that way, so a column whose
   * guess changed is redone only up to there (a ZIP column that meets "02134" on row 2 redoes 1 row).
   */
  readonly lastUse = new Int32Array(7).fill(-1);
  /** Cells taken so far: the row index of the next one. */
  private taken = 0;
  /**
   * Integers with more than 15 significant digits (MAX_DIGITS), and once they made the column text
   * any long number after them: every value keeps its digits, and the pull warns with this count
   * (plus `longDecimals`) unless `otherText` (a value that is no number at all) made it text anyway.
   */
  longNumbers = 0;
  /** Long decimals seen while the column could still be numeric (see MAX_DIGITS). */
  longDecimals = 0;
  otherText = false;
  /** Dates before 1900-01-01 (Excel has none): ISO text in a date column (precision.ts). */
  earlyDates = 0;

  constructor(private readonly hints: TableHints = newHints()) {}

  private use(bit: number): void {
    this.used |= bit;
    this.lastUse[31 - Math.clz32(bit)] = this.taken - 1;
  }

  /**
   * Observes one value and returns it converted under the best guess so far. A cell of the
   * column's common shape (simple-cells.ts) takes a fast path that changes these statistics exactly
   * as `takeFull` would; any other cell goes through `takeFull`, which then decides the fast path
   * for the next cells from what the column holds so far.
   */
  take(s: string): CellValue {
    if (this.fast === FAST_TEXT) {
      // `takeFull` of a text column that counts no long numbers: the cell as it is.
      this.taken++;
      return s.length === 0 ? null : s;
    }
    if (this.takeFast(s)) return this.number;
    const value = this.takeFull(s);
    this.fast = this.fastPath();
    return value;
  }

  /**
   * `take` of a cell that the column's fast number or date path reads: true, with the value in
   * `number`; false, with nothing changed, for any other cell (then `take` it). The value is left
   * in a field instead of returned because a double returned by a call that is not inlined is
   * boxed: a heap number per cell for the garbage collector (csv-columns.ts stores it unboxed,
   * column-builder.ts).
   */
  takeFast(s: string): boolean {
    const fast = this.fast;
    if (fast === FAST_NUMBER) return this.takeSimpleNumber(s);
    if (fast === FAST_DATE) return this.takeSimpleDate(s);
    return false;
  }

  /** The fast path that fits the column so far: text, numbers, or dates written a/b/yyyy (date-scan.ts F_ABY). */
  private fastPath(): number {
    if (this.possible === 0) return this.longNumbers > 0 && !this.otherText ? FAST_NONE : FAST_TEXT;
    if (this.possible === P_NUMBER && (this.dot.ok || this.comma.ok)) return FAST_NUMBER;
    // The shape bits beyond family and separator (two-digit year, names) are 0 for a/b/yyyy.
    if (this.possible === P_DATE && (this.dateShape & 7) === F_ABY && this.dateShape >> 5 === 0) {
      this.fastDateSep = DATE_SEP_CHARS[(this.dateShape >> 3) & 3];
      return FAST_DATE;
    }
    return FAST_NONE;
  }

  /**
   * `takeFull` of a simple number (simple-cells.ts) that every separator style still possible
   * reads, in the same steps as `takeNumber`: true with the value in `number`; false, with nothing
   * changed, for any other cell. At most 15 digits, so nothing is too long for Excel here.
   */
  private takeSimpleNumber(s: string): boolean {
    const dot = this.dot;
    const comma = this.comma;
    const dotOk = dot.ok;
    const commaOk = comma.ok;
    if (s.length === 0 || !scanSimpleNumber(s, dotOk, commaOk)) return false;
    if ((dotOk && !simple.dot.valid) || (commaOk && !simple.comma.valid)) return false;
    this.taken++;
    this.nonEmpty++;
    if (dotOk) dot.takeSimple(simple.dot);
    if (commaOk) comma.takeSimple(simple.comma);
    const hints = this.hints;
    if (dotOk !== commaOk) {
      if (dotOk) {
        dot.evidence++;
        hints.dotEvidence++;
      } else {
        comma.evidence++;
        hints.commaEvidence++;
      }
    }
    if (simple.percent) this.kinds |= KIND_PERCENT;
    else if (simple.currency) {
      this.kinds |= KIND_CURRENCY;
      if (this.currency === 0) {
        this.currency = simple.currency;
        this.currencySuffix = false;
      } else if (this.currency !== simple.currency || this.currencySuffix) {
        this.currencyMixed = true;
      }
    } else this.kinds |= KIND_PLAIN;
    const preferComma = hints.fixedComma ?? hints.commaEvidence > hints.dotEvidence;
    const useComma = commaOk && (preferComma || !dotOk);
    // `use(useComma ? U_COMMA : U_DOT)`, with the bit's index written out.
    this.used |= useComma ? U_COMMA : U_DOT;
    this.lastUse[useComma ? 1 : 0] = this.taken - 1;
    // number-scan.ts numberValue: an exact integer over an exact power of ten, correctly rounded.
    const v = simple.mantissa / POW10[(useComma ? simple.comma.decimals : simple.dot.decimals) + (simple.percent ? 2 : 0)];
    this.number = simple.neg ? -v : v;
    return true;
  }

  /**
   * `takeFull` of a date a/b/yyyy from 1900 on in the column's shape, when neither day/month order
   * it still allows is ruled out by it (`takeDate` would change them): true with the serial in
   * `number`; false, nothing changed, otherwise.
   */
  private takeSimpleDate(s: string): boolean {
    if (!scanSimpleDate(s, this.fastDateSep)) return false;
    const { a, b, year } = simpleDate;
    const mdy = this.okMdy;
    const dmy = this.okDmy;
    if ((mdy && !validDate(year, a, b)) || (dmy && !validDate(year, b, a))) return false;
    this.taken++;
    this.nonEmpty++;
    const hints = this.hints;
    const preferDmy = hints.fixedDayFirst ?? hints.commaEvidence > hints.dotEvidence;
    const dayFirst = dmy && (preferDmy || !mdy);
    // `use(dayFirst ? U_DMY : U_MDY)`, with the bit's index written out.
    this.used |= dayFirst ? U_DMY : U_MDY;
    this.lastUse[dayFirst ? 3 : 2] = this.taken - 1;
    if (simpleDate.padded) this.datePadded = true;
    this.number = dayFirst ? excelSerial(year, b, a) : excelSerial(year, a, b);
    return true;
  }

  /** `take` without the fast paths: every cell read in full (number-scan.ts, date-scan.ts). */
  takeFull(s: string): CellValue {
    this.taken++;
    const possible = this.possible;
    if (s.length === 0) return null;
    // A text column: `used` got U_TEXT from the cell that ruled the last kind out, and the plan
    // will be text, so the per-row bookkeeping of `use` would buy nothing here. Only a column made
    // text by long numbers keeps looking, to count them for the end warning.
    if (possible === 0) {
      if (this.longNumbers > 0 && !this.otherText) this.countLong(s);
      return s;
    }
    this.nonEmpty++;
    if (possible & P_NUMBER) {
      const v = this.takeNumber(s);
      if (v === v) {
        this.possible = P_NUMBER;
        return v;
      }
      this.possible &= ~P_NUMBER;
    }
    if (this.possible & P_DATE) {
      const v = this.takeDate(s);
      if (v === v) {
        this.possible = P_DATE;
        return v;
      }
      this.possible &= ~P_DATE;
    }
    if (this.possible & P_BOOL) {
      const b = booleanValue(s);
      if (b !== null) {
        this.use(U_BOOL);
        return b;
      }
      this.possible &= ~P_BOOL;
    }
    this.use(U_TEXT);
    return s;
  }

  /**
   * The value under the preferred separator style, or NaN when not a number; a decimal with more
   * digits than Excel keeps is its text (MAX_DIGITS).
   */
  private takeNumber(s: string): number | string {
    if (!scanNumber(s) || num.leadingZero) return NaN;
    const dotValid = readStyle(STYLE_DOT_DECIMAL);
    const dotLong = dotValid && tooLong();
    const dotLongDecimal = dotLong && styled.decimals > 0;
    const dotOk = this.dot.ok && this.dot.take(dotValid);
    const dotDecimals = styled.decimals;
    const commaValid = readStyle(STYLE_COMMA_DECIMAL);
    const commaLong = commaValid && tooLong();
    const commaLongDecimal = commaLong && styled.decimals > 0;
    const commaOk = this.comma.ok && this.comma.take(commaValid);
    if (!dotOk && !commaOk) {
      if (dotLong || commaLong) this.longNumbers++;
      return NaN;
    }
    if (dotLongDecimal || commaLongDecimal) this.longDecimals++;
    const hints = this.hints;
    if (dotOk !== commaOk) {
      if (dotOk) {
        this.dot.evidence++;
        hints.dotEvidence++;
      } else {
        this.comma.evidence++;
        hints.commaEvidence++;
      }
    }
    if (num.percent) this.kinds |= KIND_PERCENT;
    else if (num.currency) {
      this.kinds |= KIND_CURRENCY;
      if (this.currency === 0) {
        this.currency = num.currency;
        this.currencySuffix = num.currencySuffix;
      } else if (this.currency !== num.currency || this.currencySuffix !== num.currencySuffix) {
        this.currencyMixed = true;
      }
    } else this.kinds |= KIND_PLAIN;
    if (num.spaced) this.symbolSpaced = true;
    if (num.parens) this.parens = true;
    const preferComma = hints.fixedComma ?? hints.commaEvidence > hints.dotEvidence;
    const useComma = commaOk && (preferComma || !dotOk);
    this.use(useComma ? U_COMMA : U_DOT);
    if (useComma ? commaLongDecimal : dotLongDecimal) return s;
    return numberValue(s, useComma ? styled.decimals : dotDecimals);
  }

  /** After long numbers made the column text: counts the next ones, or notes a value that is no number. */
  private countLong(s: string): void {
    if (!scanNumber(s) || num.leadingZero) {
      this.otherText = true;
      return;
    }
    const dot = readStyle(STYLE_DOT_DECIMAL) ? styled.significant : -1;
    const comma = readStyle(STYLE_COMMA_DECIMAL) ? styled.significant : -1;
    if (dot < 0 && comma < 0) this.otherText = true;
    else if (dot > MAX_DIGITS || comma > MAX_DIGITS) this.longNumbers++;
  }

  /**
   * The Excel serial under the preferred day/month order, or NaN when not a date; a date before
   * 1900-01-01, which Excel cannot hold, is its ISO text (counted in `earlyDates`).
   */
  private takeDate(s: string): number | string {
    if (!scanDate(s)) return NaN;
    if (this.dateShape === -1) this.dateShape = dt.shape;
    else if (this.dateShape !== dt.shape) return NaN;
    let m = dt.a;
    let d = dt.b;
    if (dt.family === F_ABY) {
      // "1/5/2024": both orders stay possible until a value rules one out ("13/5/2024").
      if (this.okMdy && !validDate(dt.year, dt.a, dt.b)) this.okMdy = false;
      if (this.okDmy && !validDate(dt.year, dt.b, dt.a)) this.okDmy = false;
      if (!this.okMdy && !this.okDmy) return NaN;
      const hints = this.hints;
      const preferDmy = hints.fixedDayFirst ?? hints.commaEvidence > hints.dotEvidence;
      const dayFirst = this.okDmy && (preferDmy || !this.okMdy);
      if (dayFirst) {
        m = dt.b;
        d = dt.a;
      }
      this.use(dayFirst ? U_DMY : U_MDY);
    } else {
      if (dt.family === F_MONTH_YEAR) d = 1;
      if (!validDate(dt.year, m, d)) return NaN;
      this.use(U_DATE);
    }
    if (dt.padded) this.datePadded = true;
    if (dt.hasTime) {
      this.withTime++;
      this.timeShape |= dt.timeShape;
      if (dt.fractionDigits > this.fractionDigits) this.fractionDigits = dt.fractionDigits;
    }
    const serial = excelSerial(dt.year, m, d, dt.h, dt.mi, dt.sec);
    if (serial === serial) return serial;
    this.earlyDates++;
    return isoText(dt.year, m, d, dt.h, dt.mi, dt.sec);
  }
}

/** A calendar date of years 1..9999: before 1900 it is still a date, only not one Excel can hold. */
function validDate(y: number, m: number, d: number): boolean {
  return y >= 1 && y <= 9999 && isValidDate(y, m, d);
}

/** "True"/"False" as Tableau writes booleans (any case), and the German "Wahr"/"Falsch". */
export function booleanValue(s: string): boolean | null {
  const n = s.length;
  if (n < 4 || n > 6) return null;
  const lower = s.toLowerCase();
  if (lower === 'true' || lower === 'wahr') return true;
  if (lower === 'false' || lower === 'falsch') return false;
  return null;
}
