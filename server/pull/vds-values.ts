/**
 * VDS JSON values → Excel-ready cells for a column type. VDS values are typed JSON (numbers are
 * numbers) except dates, which come as text ("2024-01-05", date-times with a time part; the exact
 * form is unverified, docs/tableau-rest.md#results, so ISO with ' ' or 'T', fractions and zones are read).
 * A value that does not fit its column is kept as text and counted, so the stream can warn.
 */
import type { CellValue, ColumnType } from '../../common/stream.js';
import { excelSerial } from '../../common/typed-values.js';
import { dt, F_ISO, scanDate } from './infer/date-scan.js';

export const V_NUMBER = 1,
  V_DATE = 2,
  V_BOOL = 3,
  V_TEXT = 4;

export function converterFor(type: ColumnType): number {
  switch (type) {
    case 'integer':
    case 'decimal':
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

/** Counts values kept as text because they did not fit their column (one per stream). */
export interface Misfits {
  count: number;
}

function misfit(v: unknown, misfits: Misfits): CellValue {
  misfits.count++;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function convertVdsValue(kind: number, v: unknown, misfits: Misfits): CellValue {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case V_NUMBER:
      if (typeof v === 'number') return v;
      if (typeof v === 'string') {
        if (v === '') return null;
        const n = Number(v);
        return Number.isFinite(n) ? n : misfit(v, misfits);
      }
      return misfit(v, misfits);
    case V_DATE:
      if (typeof v === 'string') {
        if (v === '') return null;
        if (scanDate(v) && dt.family === F_ISO) {
          const serial = excelSerial(dt.year, dt.a, dt.b, dt.h, dt.mi, dt.sec);
          if (serial === serial) return serial;
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
