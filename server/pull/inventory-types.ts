/**
 * Column types of flattened inventory values, decided from ALL values of a column. REST JSON converted
 * from XML carries numbers and booleans as strings ("totalViewCount": "7", "showTabs": "true" —
 * docs/tableau-rest.md#json-shapes), so strings are read too: plain numbers (no leading zeros: "00123" stays text),
 * "true"/"false", ISO dates and date-times ("2016-08-03T20:34:04Z" → its UTC wall time; Excel has no
 * time zones).
 */
import type { CellValue, ColumnSpec, ColumnType } from '../../common/stream.js';
import { excelSerial } from '../../common/typed-values.js';
import { dt, F_ISO, scanDate } from './infer/date-scan.js';
import type { FlatValue } from './inventory-flatten.js';

const PLAIN_NUMBER = /^-?(0|[1-9]\d{0,14})(\.\d+)?$/;

function asNumber(v: FlatValue): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && PLAIN_NUMBER.test(v)) return Number(v);
  return null;
}

function asBoolean(v: FlatValue): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

function asSerial(v: FlatValue): { serial: number; withTime: boolean } | null {
  if (typeof v !== 'string' || !scanDate(v) || dt.family !== F_ISO || dt.yearDigits !== 4) return null;
  const serial = excelSerial(dt.year, dt.a, dt.b, dt.h, dt.mi, dt.sec);
  return serial === serial ? { serial, withTime: dt.hasTime } : null;
}

export interface InventoryColumn {
  spec: ColumnSpec;
  convert: (v: FlatValue) => CellValue;
}

export function inventoryColumn(name: string, values: FlatValue[]): InventoryColumn {
  const present = values.filter((v) => v !== null && v !== '');
  const text: InventoryColumn = { spec: { name, type: 'text', format: '@' }, convert: (v) => (v === null || v === '' ? null : String(v)) };
  if (present.length === 0) return text;
  const make = (type: ColumnType, format: string, convert: (v: FlatValue) => CellValue): InventoryColumn => ({
    spec: { name, type, format },
    convert: (v) => (v === null || v === '' ? null : convert(v)),
  });
  if (present.every((v) => asBoolean(v) !== null)) return make('boolean', 'General', (v) => asBoolean(v));
  if (present.every((v) => asNumber(v) !== null)) {
    const integral = present.every((v) => Number.isInteger(asNumber(v)));
    return integral ? make('integer', '#,##0', asNumber) : make('decimal', 'General', asNumber);
  }
  const dates = present.map(asSerial);
  if (dates.every((d) => d !== null)) {
    const withTime = dates.some((d) => d!.withTime);
    return withTime
      ? make('datetime', 'yyyy-mm-dd hh:mm:ss', (v) => asSerial(v)?.serial ?? String(v))
      : make('date', 'yyyy-mm-dd', (v) => asSerial(v)?.serial ?? String(v));
  }
  return text;
}
