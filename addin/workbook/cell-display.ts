import type { CellValue } from '../../common/stream.js';

/**
 * Renders a cell the way Excel shows it for the number formats the pull produces
 * (common/stream.ts ColumnSpec.format: '$#,##0', '0.0%', 'yyyy-mm-dd', 'm/d/yyyy h:mm', '@', 'General').
 * Used by the browser-mode workbook grid (addin/workbook-grid) and the data preview table. Not a full Excel format engine:
 * sections (pos;neg;zero), quoted literals, escapes, [Color]/[$€-407] codes, thousands separators,
 * fixed and optional decimals, percent, and date/time parts.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Excel serial 25569 = 1970-01-01 (serials count days since 1899-12-30). */
const UNIX_EPOCH_SERIAL = 25569;

export function formatCell(value: CellValue | undefined, format = 'General'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '#NUM!';
  const fmt = format.trim();
  if (fmt === '' || fmt === '@' || /^general$/i.test(fmt)) return formatGeneral(value);
  const sections = splitSections(fmt);
  let section = sections[0];
  let number = value;
  let sign = '';
  if (value < 0 && sections.length > 1) {
    section = sections[1];
    number = -value;
  } else if (value === 0 && sections.length > 2) {
    section = sections[2];
  } else if (value < 0) {
    sign = '-';
    number = -value;
  }
  const cleaned = cleanCodes(section);
  if (isDateFormat(cleaned)) return formatDate(value, cleaned);
  return sign + formatNumber(number, cleaned);
}

function formatGeneral(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e11) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e11 || abs < 1e-9))
    return value
      .toExponential(5)
      .replace(/\.?0+e/, 'E')
      .replace('E+', 'E+');
  return String(Number(value.toPrecision(10)));
}

function splitSections(fmt: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch === '"') quoted = !quoted;
    if (ch === '\\' && !quoted) {
      cur += ch + (fmt[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === ';' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** [Red] → '', [$€-407] → '€', _x (padding) → ' ', *x (fill) → ''. */
function cleanCodes(section: string): string {
  return section
    .replace(/\[\$([^\]-]*)(-[0-9A-Fa-f]+)?\]/g, (_, symbol: string) => (symbol ? `"${symbol}"` : ''))
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_./g, ' ')
    .replace(/\*./g, '');
}

function unquoted(section: string): string {
  return section.replace(/"[^"]*"/g, '').replace(/\\./g, '');
}

function isDateFormat(section: string): boolean {
  return /[ydhs]|m(?!.*[#0?])/i.test(unquoted(section)) && !/[#?]/.test(unquoted(section)) && !/0\.0/.test(unquoted(section));
}

/** Splits "$#,##0.00" into literal text around one numeric pattern. */
function formatNumber(value: number, section: string): string {
  const percents = (unquoted(section).match(/%/g) ?? []).length;
  const scaled = value * 100 ** percents;
  let out = '';
  let done = false;
  for (let i = 0; i < section.length; i++) {
    const ch = section[i];
    if (ch === '"') {
      const end = section.indexOf('"', i + 1);
      out += section.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? section.length : end;
    } else if (ch === '\\') {
      out += section[i + 1] ?? '';
      i++;
    } else if (/[#0?]/.test(ch) || (ch === '.' && /[#0?]/.test(section[i + 1] ?? ''))) {
      let j = i;
      while (j < section.length && /[#0?,.]/.test(section[j])) j++;
      if (!done) out += renderDigits(scaled, section.slice(i, j));
      done = true;
      i = j - 1;
    } else out += ch;
  }
  return done ? out : out + formatGeneral(scaled);
}

function renderDigits(value: number, pattern: string): string {
  const trailingCommas = pattern.match(/,+$/)?.[0].length ?? 0;
  const core = pattern.slice(0, pattern.length - trailingCommas);
  const scaledValue = value / 1000 ** trailingCommas;
  const [intPart, fracPart = ''] = core.split('.');
  const maxDecimals = fracPart.replace(/[^#0?]/g, '').length;
  const minDecimals = (fracPart.match(/0/g) ?? []).length;
  const minInt = (intPart.match(/0/g) ?? []).length;
  const grouped = intPart.includes(',');
  let [i, f = ''] = scaledValue.toFixed(maxDecimals).split('.');
  while (f.length > minDecimals && f.endsWith('0')) f = f.slice(0, -1);
  if (i === '0' && minInt === 0) i = '';
  i = i.padStart(minInt, '0');
  if (grouped) i = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return f ? `${i}.${f}` : fracPart.length && minDecimals === 0 && maxDecimals > 0 ? i || '0' : i;
}

function formatDate(serial: number, section: string): string {
  // Excel counts the fictitious 1900-02-29 as serial 60, so serials below 61 are one day later than
  // days-since-1899-12-30 (https://learn.microsoft.com/office/troubleshoot/excel/wrongly-assumes-1900-is-leap-year).
  // Serial 60 itself has no real date: it shows as 1900-03-01 here.
  const real = serial < 61 ? serial + 1 : serial;
  const ms = Math.round((real - UNIX_EPOCH_SERIAL) * 86_400_000);
  const d = new Date(ms);
  const hasAmPm = /AM\/PM|A\/P/i.test(section);
  const parts = {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth(),
    day: d.getUTCDate(),
    wd: d.getUTCDay(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
  };
  const tokens = section.match(/"[^"]*"|\\.|AM\/PM|A\/P|yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|\.0+|./gi) ?? [];
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  let out = '';
  let lastWasHour = false;
  tokens.forEach((raw, idx) => {
    const t = raw.toLowerCase();
    const nextIsSeconds =
      tokens
        .slice(idx + 1)
        .find((x) => /^[a-z]/i.test(x))
        ?.toLowerCase()
        .startsWith('s') ?? false;
    if (raw.startsWith('"')) out += raw.slice(1, -1);
    else if (raw.startsWith('\\')) out += raw.slice(1);
    else if (t === 'am/pm') out += parts.h < 12 ? 'AM' : 'PM';
    else if (t === 'a/p') out += parts.h < 12 ? 'A' : 'P';
    else if (t === 'yyyy') out += pad(parts.y, 4);
    else if (t === 'yy') out += pad(parts.y % 100);
    else if (t.startsWith('m') && (lastWasHour || nextIsSeconds) && t.length <= 2) out += t === 'mm' ? pad(parts.mi) : String(parts.mi);
    else if (t === 'mmmmm') out += MONTHS[parts.mo][0];
    else if (t === 'mmmm') out += MONTHS[parts.mo];
    else if (t === 'mmm') out += MONTHS[parts.mo].slice(0, 3);
    else if (t === 'mm') out += pad(parts.mo + 1);
    else if (t === 'm') out += String(parts.mo + 1);
    else if (t === 'dddd') out += DAYS[parts.wd];
    else if (t === 'ddd') out += DAYS[parts.wd].slice(0, 3);
    else if (t === 'dd') out += pad(parts.day);
    else if (t === 'd') out += String(parts.day);
    else if (t === 'hh' || t === 'h') {
      const h = hasAmPm ? parts.h % 12 || 12 : parts.h;
      out += t === 'hh' ? pad(h) : String(h);
    } else if (t === 'ss') out += pad(parts.s);
    else if (t === 's') out += String(parts.s);
    else if (/^\.0+$/.test(t)) out += '.' + pad(parts.ms, 3).slice(0, t.length - 1);
    else out += raw;
    if (/^[a-z]/i.test(raw) && !raw.startsWith('"')) lastWasHour = t === 'h' || t === 'hh';
  });
  return out;
}
