/**
 * Number formats per column and Excel serial dates.
 * Values arrive Excel-ready (common/stream.ts): the server already chose `format`. We only make
 * sure text is "@" (so strings stay text) and fill a sensible default when the format is empty.
 */
import type { ColumnSpec, ColumnType } from '../../common/stream.js';

export const TEXT_FORMAT = '@';
export const GENERAL_FORMAT = 'General';
export const TIMESTAMP_FORMAT = 'yyyy-mm-dd hh:mm:ss';

const DEFAULTS: Record<ColumnType, string> = {
  integer: '0',
  decimal: 'General',
  currency: '$#,##0.00',
  percentage: '0.0%',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
  boolean: 'General',
  text: TEXT_FORMAT,
};

export function columnFormat(col: ColumnSpec): string {
  if (col.type === 'text') return TEXT_FORMAT;
  const f = col.format?.trim();
  return f ? f : (DEFAULTS[col.type] ?? GENERAL_FORMAT);
}

/**
 * For a refresh: keep the user's format when it still suits the data (e.g. they changed "$#,##0" to
 * "$#,##0.00"); fall back to the source format when the cell was General or the type changed
 * between text and non-text.
 */
export function refreshFormat(col: ColumnSpec, existing: string | undefined): string {
  const source = columnFormat(col);
  if (!existing || existing === GENERAL_FORMAT) return source;
  const existingIsText = existing === TEXT_FORMAT;
  if (existingIsText !== (source === TEXT_FORMAT)) return source;
  return existing;
}

const MS_PER_DAY = 86_400_000;
/** Excel's day 0 is 1899-12-30 (the 1900 leap-year bug makes serials from 1900-03-01 on line up). */
const EPOCH_UTC = Date.UTC(1899, 11, 30);

/** Local wall-clock time as an Excel serial date-time (Excel has no time zones). */
export function toExcelSerial(d: Date): number {
  const wall = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
  return (wall - EPOCH_UTC) / MS_PER_DAY;
}
