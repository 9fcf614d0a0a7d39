/**
 * VDS JSON values → Excel-ready cells for a column type. VDS values are typed JSON (numbers are
 * numbers) except dates, which come as text ("2024-01-05", date-times with a time part; the exact
 * form is unverified, docs/tableau-rest.md#results, so ISO with ' ' or 'T', fractions and zones are read).
 * A value that does not fit its column is kept as text and counted, so the stream can warn.
 */
import type { CellValue, ColumnType } from '../../common/stream.js';
import { excelSerial, isValidDate } from '../../common/typed-values.js';
import { dt, F_ISO, scanDate } from './infer/date-scan.js';
import { EXCEL_DIGITS, isJsonNumeral, tooLongForDouble, tooLongForNumber } from './precision.js';

export const V_NUMBER = 1,
  V_DATE = 2,
  V_BOOL = 3,
  V_TEXT = 4,
  /** A floating-point column (REAL, AVG...): see `convertVdsValue`. */
  V_FLOAT = 5;

export function converterFor(type: ColumnType): number {
  switch (type) {
    case 'decimal':
      return V_FLOAT;
    case 'integer':
    case 'currency':
    case 'percentage':
      return V_NUMBER;
    case 'date':
    case 'datetime':
      return V_DATE;
    case 'boolean':
      return V_BOOL;
    default:
      return V_TEXT;
  }
}

/** Counts of one column's values kept as text (one per column of a stream). */
export interface Misfits {
  /** did not fit the column's type. */
  count: number;
  /** numbers with more significant digits than Excel keeps (precision.ts), sent as their text. */
  long?: number;
  /** dates before 1900-01-01, sent as their ISO text (precision.ts). */
  early?: number;
}

function misfit(v: unknown, misfits: Misfits): CellValue {
  misfits.count++;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * A number that reaches here as a string: from Tableau, or a long JSON number token the scanner's
 * text kept as a string (precision.ts `quoteLongNumbers`, so JSON.parse could not round it). It stays
 * the exact text when a double would change its digits. In an integer column (Tableau's INTEGER is
 * 64-bit, so IDs up to 19 digits come as numbers) that is anything past Excel's 15 digits. In a
 * floating-point column (V_FLOAT: REAL, AVG, ...) Tableau already holds a double, and a 16- or
 * 17-digit token (0.30000000000000004, an AVG of 3.3333333333333335) is that very double: it stays a
 * number, or every computed measure would land as text; only more digits than a double has
 * (DOUBLE_DIGITS), in a text that is not a double's own (1e17 prints as 18 digits), mean an exact
 * decimal that Number() would round.
 */
function numberFromText(kind: number, v: string, misfits: Misfits): CellValue {
  if (v === '') return null;
  if ((kind === V_FLOAT ? tooLongForDouble(v) : tooLongForNumber(v, EXCEL_DIGITS)) && isJsonNumeral(v)) {
    misfits.long = (misfits.long ?? 0) + 1;
    return v;
  }
  const n = Number(v);
  return Number.isFinite(n) ? n : misfit(v, misfits);
}

export function convertVdsValue(kind: number, v: unknown, misfits: Misfits): CellValue {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case V_NUMBER:
    case V_FLOAT:
      if (typeof v === 'number') return v;
      if (typeof v === 'string') return numberFromText(kind, v, misfits);
      return misfit(v, misfits);
    case V_DATE:
      if (typeof v === 'string') {
        if (v === '') return null;
        if (scanDate(v) && dt.family === F_ISO) {
          const serial = excelSerial(dt.year, dt.a, dt.b, dt.h, dt.mi, dt.sec);
          if (serial === serial) return serial;
          if (dt.year < 1900 && isValidDate(dt.year, dt.a, dt.b)) {
            // Before Excel's first day (precision.ts): the ISO text as Tableau sent it, counted.
            misfits.early = (misfits.early ?? 0) + 1;
            return v;
          }
        }
      }
      return misfit(v, misfits);
    case V_BOOL:
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'TRUE' || v === 'True') return true;
      if (v === 'false' || v === 'FALSE' || v === 'False') return false;
      return misfit(v, misfits);
    default:
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      return JSON.stringify(v);
  }
}
