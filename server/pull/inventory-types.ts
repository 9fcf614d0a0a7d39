/**
 * Column types of flattened inventory values, decided from ALL values of a column. REST JSON converted
 * from XML carries numbers and booleans as strings ("totalViewCount": "7", "showTabs": "true" —
 * docs/tableau-rest.md#json-shapes), so strings are read too: plain numbers (no leading zeros: "00123" stays text),
 * "true"/"false", ISO dates and date-times ("2016-08-03T20:34:04Z" → its UTC wall time; Excel has no
 * time zones).
 */
import type { CellValue, ColumnSpec, ColumnType } from '../../common/stream.js';
import { excelSerial, isValidDate } from '../../common/typed-values.js';
import { dt, F_ISO, scanDate } from './infer/date-scan.js';
import type { FlatValue } from './inventory-flatten.js';
import { tooLongForNumber } from './precision.js';

const PLAIN_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** A plain number of at most 15 significant digits (precision.ts): more would change in a double. */
function asNumber(v: FlatValue): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && PLAIN_NUMBER.test(v) && !tooLongForNumber(v)) return Number(v);
  return null;
}

/** A plain number with more significant digits than Excel keeps ("1234567890123456789"). */
function isLongNumber(v: FlatValue): boolean {
  return typeof v === 'string' && PLAIN_NUMBER.test(v) && tooLongForNumber(v);
}

function asBoolean(v: FlatValue): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

/** An ISO date's serial; `early` (serial NaN) for a real date before 1900-01-01, which Excel cannot hold. */
function asSerial(v: FlatValue): { serial: number; withTime: boolean; early: boolean } | null {
  if (typeof v !== 'string' || !scanDate(v) || dt.family !== F_ISO || dt.yearDigits !== 4) return null;
  const serial = excelSerial(dt.year, dt.a, dt.b, dt.h, dt.mi, dt.sec);
  if (serial === serial) return { serial, withTime: dt.hasTime, early: false };
  return dt.year < 1900 && isValidDate(dt.year, dt.a, dt.b) ? { serial, withTime: dt.hasTime, early: true } : null;
}

export interface InventoryColumn {
  spec: ColumnSpec;
  convert: (v: FlatValue) => CellValue;
  /** Values written as text because Excel would change their digits (precision.ts). */
  longNumbers: number;
  /** Dates before 1900-01-01 written as their ISO text (precision.ts). */
  earlyDates: number;
}

export function inventoryColumn(name: string, values: FlatValue[]): InventoryColumn {
  const present = values.filter((v) => v !== null && v !== '');
  const text: InventoryColumn = {
    spec: { name, type: 'text', format: '@' },
    convert: (v) => (v === null || v === '' ? null : String(v)),
    longNumbers: 0,
    earlyDates: 0,
  };
  if (present.length === 0) return text;
  const make = (type: ColumnType, format: string, convert: (v: FlatValue) => CellValue, earlyDates = 0): InventoryColumn => ({
    spec: { name, type, format },
    convert: (v) => (v === null || v === '' ? null : convert(v)),
    longNumbers: 0,
    earlyDates,
  });
  if (present.every((v) => asBoolean(v) !== null)) return make('boolean', 'General', (v) => asBoolean(v));
  if (present.every((v) => asNumber(v) !== null)) {
    const integral = present.every((v) => Number.isInteger(asNumber(v)));
    return integral ? make('integer', '#,##0', asNumber) : make('decimal', 'General', asNumber);
  }
  // Numbers some of which have more than 15 significant digits, as the view CSV treats them
  // (infer/column-stats.ts MAX_DIGITS): a long integer is an ID (a 19-digit job number) and makes
  // the whole column text, since an ID column is matched and looked up and a mix of number and text
  // cells would not match (VLOOKUP of 123 finds no "123"); long decimals are a measure's values:
  // the column stays decimal and only those cells are their text.
  const long = present.filter(isLongNumber);
  if (long.length > 0 && present.every((v) => asNumber(v) !== null || isLongNumber(v))) {
    if (long.some((v) => !String(v).includes('.'))) return { ...text, longNumbers: long.length };
    return { ...make('decimal', 'General', (v) => (isLongNumber(v) ? String(v) : asNumber(v))), longNumbers: long.length };
  }
  const dates = present.map(asSerial);
  // A date column needs at least one date Excel can hold; dates before 1900 in it stay their ISO text.
  if (dates.every((d) => d !== null) && dates.some((d) => !d!.early)) {
    const withTime = dates.some((d) => d!.withTime);
    const early = dates.filter((d) => d!.early).length;
    const convert = (v: FlatValue) => {
      const d = asSerial(v);
      return d && !d.early ? d.serial : String(v);
    };
    return withTime ? make('datetime', 'yyyy-mm-dd hh:mm:ss', convert, early) : make('date', 'yyyy-mm-dd', convert, early);
  }
  return text;
}
