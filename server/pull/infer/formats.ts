/**
 * Excel number formats that display a value the way Tableau's CSV showed it. Formats are written in
 * Excel's invariant (en-US) notation — Range.numberFormat, not numberFormatLocal — so "#,##0.00"
 * shows "1.234,56" in a German Excel, just as the de-DE view did.
 */
import {
  F_ABY,
  F_DAY_MONTH_YEAR,
  F_ISO,
  F_MONTH_DAY_YEAR,
  F_MONTH_YEAR,
  T_AMPM,
  T_FRACTION,
  T_HOUR_SHORT,
  T_ISO_T,
  T_SECONDS,
} from './date-scan.js';

export function numberBody(grouped: boolean, decimals: number): string {
  return (grouped ? '#,##0' : '0') + (decimals > 0 ? '.' + '0'.repeat(decimals) : '');
}

/** "$" needs no quotes in a format; other symbols are quoted literals ("€" would otherwise be fine in
 * most builds, but quoting is always valid). */
function symbolLiteral(code: number): string {
  const ch = String.fromCharCode(code);
  return ch === '$' ? '$' : `"${ch}"`;
}

export function currencyFormat(body: string, symbol: number, suffix: boolean, spaced: boolean, parens: boolean): string {
  const sym = symbolLiteral(symbol);
  const gap = spaced ? ' ' : '';
  const pos = suffix ? `${body}${gap}${sym}` : `${sym}${gap}${body}`;
  return parens ? `${pos};(${pos})` : pos;
}

export function percentFormat(body: string, spaced: boolean): string {
  return `${body}${spaced ? ' ' : ''}%`;
}

export function plainFormat(body: string, parens: boolean): string {
  return parens ? `${body};(${body})` : body;
}

const SEP_CHARS = ['', '/', '-', '.'];

export interface DateFormatInput {
  shape: number;
  padded: boolean;
  dayFirst: boolean;
  withTime: boolean;
  timeShape: number;
  fractionDigits: number;
}

export function dateFormat(f: DateFormatInput): string {
  const family = f.shape & 7;
  const sep = SEP_CHARS[(f.shape >> 3) & 3];
  const yy = f.shape & 32 ? 'yy' : 'yyyy';
  const month = f.shape & 64 ? 'mmmm' : 'mmm';
  const weekday = (f.shape >> 7) & 3;
  const dd = f.padded ? 'dd' : 'd';
  const mm = f.padded ? 'mm' : 'm';
  let date: string;
  switch (family) {
    case F_ISO:
      date = `yyyy${sep}${mm}${sep}${dd}`;
      break;
    case F_ABY:
      date = f.dayFirst ? `${dd}${sep}${mm}${sep}${yy}` : `${mm}${sep}${dd}${sep}${yy}`;
      break;
    case F_MONTH_YEAR:
      date = `${month} yyyy`;
      break;
    case F_MONTH_DAY_YEAR:
      date = `${month} ${dd}, yyyy`;
      break;
    case F_DAY_MONTH_YEAR:
      date = `${dd}${f.shape & 512 ? '.' : ''} ${month} yyyy`;
      break;
    default:
      date = 'yyyy-mm-dd';
  }
  if (weekday) date = `${weekday === 2 ? 'dddd' : 'ddd'}, ${date}`;
  if (!f.withTime) return date;
  const t = f.timeShape;
  const ampm = (t & T_AMPM) !== 0;
  let time = (ampm || t & T_HOUR_SHORT ? 'h' : 'hh') + ':mm';
  if (t & T_SECONDS) time += ':ss';
  if (t & T_FRACTION) time += '.' + '0'.repeat(Math.max(1, f.fractionDigits));
  if (ampm) time += ' AM/PM';
  return date + (t & T_ISO_T ? '"T"' : ' ') + time;
}
