/**
 * Date arithmetic on day numbers (days since 1970-01-01, UTC calendar). Weeks start on Sunday,
 * Tableau's default for en-US data sources; WEEK() counts the partial first week of the year as 1.
 */
import { MS_PER_DAY } from '../datasets/types.js';

export type DatePartFn = 'YEAR' | 'QUARTER' | 'MONTH' | 'WEEK' | 'DAY';
export type TruncFn = 'TRUNC_YEAR' | 'TRUNC_QUARTER' | 'TRUNC_MONTH' | 'TRUNC_WEEK' | 'TRUNC_DAY';

export function ymd(day: number): [number, number, number] {
  const d = new Date(day * MS_PER_DAY);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function toDay(y: number, m: number, d: number): number {
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** 1970-01-01 was a Thursday: 0 = Sunday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function datePart(fn: DatePartFn, day: number): number {
  const [y, m, d] = ymd(day);
  switch (fn) {
    case 'YEAR':
      return y;
    case 'QUARTER':
      return Math.floor((m - 1) / 3) + 1;
    case 'MONTH':
      return m;
    case 'DAY':
      return d;
    case 'WEEK': {
      const jan1 = toDay(y, 1, 1);
      return Math.floor((day - jan1 + weekday(jan1)) / 7) + 1;
    }
  }
}

export function truncDay(fn: TruncFn, day: number): number {
  const [y, m] = ymd(day);
  switch (fn) {
    case 'TRUNC_YEAR':
      return toDay(y, 1, 1);
    case 'TRUNC_QUARTER':
      return toDay(y, Math.floor((m - 1) / 3) * 3 + 1, 1);
    case 'TRUNC_MONTH':
      return toDay(y, m, 1);
    case 'TRUNC_WEEK':
      return day - weekday(day);
    case 'TRUNC_DAY':
      return day;
  }
}

/** Adds whole months, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(day: number, months: number): number {
  const [y, m, d] = ymd(day);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = ymd(toDay(ny, nm + 1, 1) - 1)[2];
  return toDay(ny, nm, Math.min(d, last));
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** 'YYYY-MM-DD', the VDS date format. */
export function isoDate(day: number): string {
  const [y, m, d] = ymd(day);
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** 'YYYY-MM-DDTHH:MM:SS', the VDS date-time format. */
export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}
