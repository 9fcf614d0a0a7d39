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
import { numberValue, readStyle, scanNumber, styled } from './number-scan.js';
import { type ColumnPlan, K_BOOL, K_DATE, K_NUMBER } from './plan.js';

function convertNumber(plan: ColumnPlan, s: string): CellValue {
  if (!scanNumber(s) || !readStyle(plan.style)) return s;
  // More significant digits than Excel keeps: the text as written (column-stats.ts MAX_DIGITS).
  if (styled.significant > EXCEL_DIGITS) return s;
  return numberValue(s, styled.decimals);
}

function convertDate(plan: ColumnPlan, s: string): CellValue {
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
