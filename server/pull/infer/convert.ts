/**
 * Converts formatted CSV cells to Excel-ready values by a column's plan: "$45,047" → 45047,
 * "14.4%" → 0.144, "1/5/2024" → 45296, "True" → true, "" → null. The plan was inferred from the
 * same values, so a value that still does not fit (it cannot happen for data that was observed)
 * is kept as its text rather than lost.
 */
import type { CellValue } from '../../../common/stream.js';
import { excelSerial, isValidDate } from '../../../common/typed-values.js';
import { EXCEL_DIGITS, isoText } from '../precision.js';
import { booleanValue } from './column-stats.js';
import { dt, F_ABY, F_MONTH_YEAR, scanDate } from './date-scan.js';
import { numberValue, POW10, readStyle, scanNumber, STYLE_DOT_DECIMAL, styled } from './number-scan.js';
import { type ColumnPlan, K_BOOL, K_DATE, K_NUMBER } from './plan.js';
import { scanSimpleDate, scanSimpleNumber, simple, simpleDate } from './simple-cells.js';

/**
 * The simple shapes (simple-cells.ts: "$10,933.97", "20.0%", "7/5/2022") read in one pass of charCode
 * checks, as ColumnStats.take reads them while typing: the streaming path's second pass converts most
 * of a view's cells here, and the full scans below only the rest. NaN when the cell is not of those
 * shapes or the plan's reading of it is not valid (the full scan then decides, text included).
 */
function convertSimpleNumber(plan: ColumnPlan, s: string): number {
  const dot = plan.style === STYLE_DOT_DECIMAL;
  if (!scanSimpleNumber(s, dot, !dot)) return NaN;
  const reading = dot ? simple.dot : simple.comma;
  if (!reading.valid) return NaN;
  // number-scan.ts numberValue: at most 15 digits, an exact integer over an exact power of ten.
  const v = simple.mantissa / POW10[reading.decimals + (simple.percent ? 2 : 0)];
  return simple.neg ? -v : v;
}

function convertSimpleDate(plan: ColumnPlan, s: string): number {
  // a/b/yyyy: the separator follows one or two digits (date-scan.ts F_ABY, whose order the plan holds).
  const sep = s.charCodeAt(1) >= 48 && s.charCodeAt(1) <= 57 ? s.charCodeAt(2) : s.charCodeAt(1);
  if ((sep !== 47 && sep !== 45 && sep !== 46) || !scanSimpleDate(s, sep)) return NaN;
  const { a, b, year } = simpleDate;
  const m = plan.dayFirst ? b : a;
  const d = plan.dayFirst ? a : b;
  return isValidDate(year, m, d) ? excelSerial(year, m, d) : NaN;
}

function convertNumber(plan: ColumnPlan, s: string): CellValue {
  const fast = convertSimpleNumber(plan, s);
  if (fast === fast) return fast;
  if (!scanNumber(s) || !readStyle(plan.style)) return s;
  // More significant digits than Excel keeps: the text as written (column-stats.ts MAX_DIGITS).
  if (styled.significant > EXCEL_DIGITS) return s;
  return numberValue(s, styled.decimals);
}

function convertDate(plan: ColumnPlan, s: string): CellValue {
  const fast = convertSimpleDate(plan, s);
  if (fast === fast) return fast;
  if (!scanDate(s)) return s;
  let m = dt.a;
  let d = dt.b;
  if (dt.family === F_ABY && plan.dayFirst) {
    m = dt.b;
    d = dt.a;
  } else if (dt.family === F_MONTH_YEAR) {
    d = 1;
  }
  const serial = excelSerial(dt.year, m, d, dt.h, dt.mi, dt.sec);
  if (serial === serial) return serial;
  // Before 1900-01-01 Excel has no date: ISO text, as ColumnStats.takeDate gave it (precision.ts).
  return dt.year >= 1 && dt.year < 1900 && isValidDate(dt.year, m, d) ? isoText(dt.year, m, d, dt.h, dt.mi, dt.sec) : s;
}

export function convertCell(plan: ColumnPlan, s: string): CellValue {
  if (s.length === 0) return null;
  switch (plan.kind) {
    case K_NUMBER:
      return convertNumber(plan, s);
    case K_DATE:
      return convertDate(plan, s);
    case K_BOOL:
      return booleanValue(s) ?? s;
    default:
      return s;
  }
}
