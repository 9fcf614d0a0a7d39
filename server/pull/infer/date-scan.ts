/**
 * Scans one formatted date or date-time as Tableau's view CSV writes them ("1/5/2024",
 * "31.12.2024", "2024-01-05 13:45:00", "1/5/2024 1:45:00 PM", "January 2024", "January 1, 2024",
 * "1. Januar 2024", "Monday, January 1, 2024"). charCode checks, results in the scratch `dt`.
 *
 * Numeric day/month order ("1/5/2024": January 5 or May 1?) is NOT decided here: the scan keeps
 * both numbers (`a`, `b`) and the column decides from all its values and the locale.
 */

export const F_ISO = 1; // yyyy-mm-dd
export const F_ABY = 2; // a/b/yyyy, a.b.yyyy, a-b-yyyy: order decided per column
export const F_MONTH_YEAR = 3; // January 2024
export const F_MONTH_DAY_YEAR = 4; // January 1, 2024
export const F_DAY_MONTH_YEAR = 5; // 1 January 2024, 1. Januar 2024

export const T_SECONDS = 1,
  T_AMPM = 2,
  T_FRACTION = 4,
  T_ISO_T = 8,
  T_HOUR_SHORT = 16;

export interface DateScratch {
  /** Shape of the value without padding and time: equal shapes share one Excel format. */
  shape: number;
  family: number;
  sep: number;
  a: number;
  b: number;
  year: number;
  yearDigits: number;
  monthFull: boolean;
  weekday: number; // 0 none, 1 abbreviated, 2 full
  dayDot: boolean;
  padded: boolean;
  hasTime: boolean;
  timeShape: number;
  fractionDigits: number;
  h: number;
  mi: number;
  sec: number;
}

export const dt: DateScratch = {
  shape: 0,
  family: 0,
  sep: 0,
  a: 0,
  b: 0,
  year: 0,
  yearDigits: 0,
  monthFull: false,
  weekday: 0,
  dayDot: false,
  padded: false,
  hasTime: false,
  timeShape: 0,
  fractionDigits: 0,
  h: 0,
  mi: 0,
  sec: 0,
};

const MONTHS: Record<string, number> = {};
const MONTHS_FULL = new Set<string>();
function addMonths(names: string[], full: boolean): void {
  names.forEach((name, k) => {
    if (!name) return;
    for (const alias of name.split('|')) {
      MONTHS[alias] = k + 1;
      if (full) MONTHS_FULL.add(alias);
    }
  });
}
addMonths(['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'], true);
addMonths(['januar|jänner', 'februar', 'märz', '', 'mai', 'juni', 'juli', '', '', 'oktober', '', 'dezember'], true);
addMonths(['jan|jän', 'feb', 'mar|mär|mrz', 'apr', '', 'jun', 'jul', 'aug', 'sep|sept', 'oct|okt', 'nov', 'dec|dez'], false);

const WEEKDAYS_FULL = new Set([
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'montag',
  'dienstag',
  'mittwoch',
  'donnerstag',
  'freitag',
  'samstag',
  'sonntag',
]);
const WEEKDAYS_ABBR = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'mo', 'di', 'mi', 'do', 'fr', 'sa', 'so']);

let pos = 0; // cursor shared by the small readers below (single-threaded, reset per scan)
let intDigits = 0;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function readInt(s: string, maxDigits: number): number {
  let v = 0;
  const start = pos;
  while (pos < s.length && pos - start < maxDigits) {
    const c = s.charCodeAt(pos);
    if (!isDigit(c)) break;
    v = v * 10 + (c - 48);
    pos++;
  }
  intDigits = pos - start;
  if (intDigits > 1 && s.charCodeAt(start) === 48) dt.padded = true;
  return intDigits ? v : -1;
}

function readWord(s: string): string {
  const start = pos;
  while (pos < s.length) {
    const c = s.charCodeAt(pos);
    if (c === 32 || c === 44 || c === 46 || isDigit(c)) break;
    pos++;
  }
  return s.slice(start, pos).toLowerCase();
}

/** h:mm[:ss[.fff]][ AM|PM][Z|±hh:mm] from `pos` to the end. */
function readTime(s: string): boolean {
  const datePadded = dt.padded; // "00" minutes say nothing about how the date part is written
  const hourStart = pos;
  const h = readInt(s, 2);
  if (h < 0 || s.charCodeAt(pos) !== 58) return false;
  let shape = pos - hourStart === 1 ? T_HOUR_SHORT : 0; // "9:05" rather than "09:05"
  pos++;
  const mi = readInt(s, 2);
  if (intDigits !== 2 || mi > 59) return false;
  let sec = 0;
  if (s.charCodeAt(pos) === 58) {
    pos++;
    sec = readInt(s, 2);
    if (intDigits !== 2 || sec > 59) return false;
    shape |= T_SECONDS;
    if (s.charCodeAt(pos) === 46) {
      pos++;
      const fracStart = pos;
      let scale = 1;
      let frac = 0;
      while (pos < s.length && isDigit(s.charCodeAt(pos))) {
        if (pos - fracStart < 6) {
          frac = frac * 10 + (s.charCodeAt(pos) - 48);
          scale *= 10;
        }
        pos++;
      }
      if (pos === fracStart) return false;
      dt.fractionDigits = Math.min(pos - fracStart, 3);
      sec += frac / scale;
      shape |= T_FRACTION;
    }
  }
  let hour = h;
  if (s.charCodeAt(pos) === 32 && pos + 3 === s.length) {
    const m1 = s.charCodeAt(pos + 1) | 32;
    if ((m1 !== 97 && m1 !== 112) || (s.charCodeAt(pos + 2) | 32) !== 109) return false;
    if (h < 1 || h > 12) return false;
    hour = (h % 12) + (m1 === 112 ? 12 : 0);
    shape |= T_AMPM;
    pos += 3;
  } else if (hour > 23) {
    return false;
  }
  // A zone designator is accepted and ignored: Excel has no time zones, the wall time is kept.
  const z = s.charCodeAt(pos);
  if (z === 90) pos++;
  else if (z === 43 || z === 45) {
    pos++;
    readInt(s, 4);
    if (s.charCodeAt(pos) === 58) {
      pos++;
      readInt(s, 2);
    }
  }
  if (pos !== s.length) return false;
  dt.padded = datePadded;
  dt.hasTime = true;
  dt.timeShape |= shape;
  dt.h = hour;
  dt.mi = mi;
  dt.sec = sec;
  return true;
}

/** Records the date part found (`a`, `b`: the family's two fields); true, for a scanner to return. */
function setDate(family: number, a: number, b: number, year: number, yearDigits: number): true {
  dt.family = family;
  dt.a = a;
  dt.b = b;
  dt.year = year;
  dt.yearDigits = yearDigits;
  return true;
}

function sepCode(c: number): number {
  return c === 47 ? 1 : c === 45 ? 2 : c === 46 ? 3 : 0;
}

function scanNumericDate(s: string): boolean {
  const a = readInt(s, 4);
  const aDigits = intDigits;
  const sep = s.charCodeAt(pos);
  const code = sepCode(sep);
  if (a < 0 || code === 0) return false;
  pos++;
  const b = readInt(s, 2);
  if (b < 0 || s.charCodeAt(pos) !== sep) return false;
  pos++;
  const c = readInt(s, 4);
  const cDigits = intDigits;
  if (c < 0) return false;
  if (aDigits === 4 && code !== 3 && cDigits <= 2) {
    setDate(F_ISO, b, c, a, 4); // a year, b month, c day
  } else if (aDigits <= 2 && (cDigits === 4 || cDigits === 2)) {
    // Two-digit years follow Excel's own rule: 00-29 → 2000s, 30-99 → 1900s.
    setDate(F_ABY, a, b, cDigits === 4 ? c : c < 30 ? 2000 + c : 1900 + c, cDigits);
  } else {
    return false;
  }
  dt.sep = code;
  if (pos === s.length) return true;
  const t = s.charCodeAt(pos);
  if (t === 32 || (t === 84 && dt.family === F_ISO)) {
    if (t === 84) dt.timeShape |= T_ISO_T;
    pos++;
    return readTime(s);
  }
  return false;
}

function scanNamedDate(s: string): boolean {
  let word = readWord(s);
  if (s.charCodeAt(pos) === 44) {
    // "Monday, January 1, 2024"
    if (WEEKDAYS_FULL.has(word)) dt.weekday = 2;
    else if (WEEKDAYS_ABBR.has(word)) dt.weekday = 1;
    else return false;
    if (s.charCodeAt(pos + 1) !== 32) return false;
    pos += 2;
    if (isDigit(s.charCodeAt(pos))) return scanDayFirst(s);
    word = readWord(s);
  }
  const month = MONTHS[word];
  if (!month || s.charCodeAt(pos) !== 32) return false;
  dt.monthFull = MONTHS_FULL.has(word);
  pos++;
  const n = readInt(s, 4);
  if (n < 0) return false;
  if (intDigits === 4 && pos === s.length) {
    return setDate(F_MONTH_YEAR, month, 1, n, 4);
  }
  if (intDigits > 2 || s.charCodeAt(pos) !== 44 || s.charCodeAt(pos + 1) !== 32) return false;
  pos += 2;
  const y = readInt(s, 4);
  if (intDigits !== 4 || pos !== s.length) return false;
  return setDate(F_MONTH_DAY_YEAR, month, n, y, 4);
}

/** "1 January 2024", "1. Januar 2024" (after an optional weekday). */
function scanDayFirst(s: string): boolean {
  const d = readInt(s, 2);
  if (d < 0) return false;
  if (s.charCodeAt(pos) === 46) {
    dt.dayDot = true;
    pos++;
  }
  if (s.charCodeAt(pos) !== 32) return false;
  pos++;
  const word = readWord(s);
  const month = MONTHS[word];
  if (!month || s.charCodeAt(pos) !== 32) return false;
  dt.monthFull = MONTHS_FULL.has(word);
  pos++;
  const y = readInt(s, 4);
  if (intDigits !== 4 || pos !== s.length) return false;
  return setDate(F_DAY_MONTH_YEAR, month, d, y, 4);
}

/** True when `s` is a date or date-time; details are left in `dt`. */
export function scanDate(s: string): boolean {
  pos = 0;
  dt.family = 0;
  dt.sep = 0;
  dt.weekday = 0;
  dt.monthFull = false;
  dt.dayDot = false;
  dt.padded = false;
  dt.hasTime = false;
  dt.timeShape = 0;
  dt.fractionDigits = 0;
  dt.h = dt.mi = dt.sec = 0;
  const c0 = s.charCodeAt(0);
  let ok: boolean;
  if (isDigit(c0)) {
    ok = scanNumericDate(s);
    if (!ok && !dt.family) {
      // "1 January 2024" / "1. Januar 2024"
      pos = 0;
      dt.padded = false;
      ok = scanDayFirst(s);
    }
  } else if (s.length >= 3 && c0 > 64) {
    ok = scanNamedDate(s);
  } else {
    ok = false;
  }
  if (!ok) return false;
  dt.shape =
    dt.family | (dt.sep << 3) | (dt.yearDigits === 2 ? 32 : 0) | (dt.monthFull ? 64 : 0) | (dt.weekday << 7) | (dt.dayDot ? 512 : 0);
  return true;
}
