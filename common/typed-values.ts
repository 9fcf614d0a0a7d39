/**
 * Excel date serials, shared by the server (which produces them) and the add-in (which previews them).
 *
 * An Excel serial counts days since 1899-12-30; the fraction is the time of day. Excel's "1900 date
 * system" keeps Lotus 1-2-3's bug of a 29 February 1900 (serial 60), so for 1900-01-01..1900-02-28 its
 * serials are ONE LESS than the true day count (Excel shows serial 1 as 1900-01-01, not 1899-12-31).
 * We follow Excel there so the cell shows the right date; from 1900-03-01 (serial 61) on, both agree.
 * Dates before 1900-01-01 or after 9999-12-31 cannot be Excel dates: `excelSerial` answers NaN, and the
 * server's typing code then sends the date as ISO text with an end warning, or keeps a column of only
 * such dates as text (server/pull/precision.ts): an analyst sees the date, never ####.
 * Source of the leap-year rule: https://learn.microsoft.com/office/troubleshoot/excel/wrongly-assumes-1900-is-leap-year
 */

/** Serial of 1970-01-01 (the Unix epoch) in Excel's 1900 date system. */
const UNIX_EPOCH_SERIAL = 25569;
const FIRST_TRUE_SERIAL = 61; // 1900-03-01: from here on Excel's serials are the true day count

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): no Date objects. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1];
}

export function isValidDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Excel serial for a date (and optional time of day); NaN when Excel cannot show it. */
export function excelSerial(y: number, m: number, d: number, h = 0, mi = 0, s = 0): number {
  if (y < 1900 || y > 9999) return NaN;
  let days = daysFromCivil(y, m, d) + UNIX_EPOCH_SERIAL;
  if (days < FIRST_TRUE_SERIAL) days -= 1;
  if (h === 0 && mi === 0 && s === 0) return days;
  return days + (h * 3600 + mi * 60 + s) / 86400;
}

export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Inverse of `excelSerial` (to the nearest millisecond), for previews and tests. */
export function excelSerialToParts(serial: number): DateTimeParts {
  let days = Math.floor(serial);
  let ms = Math.round((serial - days) * 86400000);
  if (ms >= 86400000) {
    days += 1;
    ms -= 86400000;
  }
  if (days < FIRST_TRUE_SERIAL) days += 1;
  const date = new Date((days - UNIX_EPOCH_SERIAL) * 86400000 + ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds() + date.getUTCMilliseconds() / 1000,
  };
}

/** ISO-like text of a serial ("2024-01-05" or "2024-01-05 13:45:00"), for previews. */
export function formatExcelSerial(serial: number, withTime: boolean): string {
  const p = excelSerialToParts(serial);
  const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
  const date = `${String(p.year).padStart(4, '0')}-${pad(p.month)}-${pad(p.day)}`;
  return withTime ? `${date} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` : date;
}
