/**
 * Tableau-style display formatting for view CSV exports, which hold FORMATTED values
 * (populate_csv.csv: "$45,047", "5,004", 14.4%, "311,783.644", 0.144482316).
 */
import type { Value } from './datasets/types.js';
import { MS_PER_DAY } from './datasets/types.js';
import { ymd } from './vds/dates.js';

export type Locale = 'en-US' | 'de-DE';

export type Fmt =
  | { kind: 'currency'; decimals: number }
  | { kind: 'number'; decimals: number }
  | { kind: 'percent'; decimals: number }
  /** Tableau's "Automatic" number format as seen in Measure Values: up to 9 decimals, grouped. */
  | { kind: 'auto' }
  | { kind: 'date'; style: 'short' | 'long' | 'monthYear' }
  | { kind: 'datetime' }
  | { kind: 'boolean' }
  | { kind: 'text' };

const SEPARATORS: Record<Locale, { group: string; decimal: string }> = {
  'en-US': { group: ',', decimal: '.' },
  'de-DE': { group: '.', decimal: ',' },
};
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Digits with grouping and fixed (or, with trim, at most) `decimals` decimals; sign handled by callers. */
function groupDigits(abs: number, decimals: number, locale: Locale, trim = false): string {
  const { group, decimal } = SEPARATORS[locale];
  let [int, frac = ''] = abs.toFixed(decimals).split('.');
  if (trim) frac = frac.replace(/0+$/, '');
  int = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return frac ? `${int}${decimal}${frac}` : int;
}

function signed(v: number, decimals: number, body: (digits: string) => string, locale: Locale, trim = false): string {
  const digits = groupDigits(Math.abs(v), decimals, locale, trim);
  const negative = v < 0 && /[1-9]/.test(digits);
  return `${negative ? '-' : ''}${body(digits)}`;
}

function formatDate(day: number, style: 'short' | 'long' | 'monthYear', locale: Locale): string {
  const [y, m, d] = ymd(day);
  if (locale === 'de-DE')
    return style === 'monthYear'
      ? `${String(m).padStart(2, '0')}.${y}`
      : `${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}`;
  if (style === 'long') return `${MONTHS[m - 1]} ${d}, ${y}`;
  if (style === 'monthYear') return `${MONTHS[m - 1]} ${y}`;
  return `${m}/${d}/${y}`;
}

function formatDateTime(ms: number, locale: Locale): string {
  const day = Math.floor(ms / MS_PER_DAY);
  const secs = Math.floor((ms - day * MS_PER_DAY) / 1000);
  const [h, mi, s] = [Math.floor(secs / 3600), Math.floor(secs / 60) % 60, secs % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  if (locale === 'de-DE') return `${formatDate(day, 'short', locale)} ${two(h)}:${two(mi)}:${two(s)}`;
  return `${formatDate(day, 'short', locale)} ${h % 12 === 0 ? 12 : h % 12}:${two(mi)}:${two(s)} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Display text of a value; null is an empty cell. */
export function formatValue(v: Value, fmt: Fmt, locale: Locale): string {
  if (v === null) return '';
  switch (fmt.kind) {
    case 'currency':
      return signed(v as number, fmt.decimals, (d) => (locale === 'de-DE' ? `${d} €` : `$${d}`), locale);
    case 'number':
      return signed(v as number, fmt.decimals, (d) => d, locale);
    case 'percent':
      return signed((v as number) * 100, fmt.decimals, (d) => (locale === 'de-DE' ? `${d} %` : `${d}%`), locale);
    case 'auto':
      return signed(v as number, Number.isInteger(v) ? 0 : 9, (d) => d, locale, true);
    case 'date':
      return formatDate(v as number, fmt.style, locale);
    case 'datetime':
      return formatDateTime(v as number, locale);
    case 'boolean':
      return v ? 'True' : 'False';
    case 'text':
      return String(v);
  }
}

/** RFC 4180: quote when the text holds a separator, quote, CR or LF; double inner quotes. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
