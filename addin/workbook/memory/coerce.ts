/**
 * What Excel does with ONE element of a `Range.values` assignment — the in-memory Excel's model of
 * Excel's data-entry coercion. Pure: no workbook access; the caller applies the result to the cell.
 *
 * Modelled locale: en-US (Excel reads what you type with the regional settings of the machine, so
 * "1/5/2024" is 5 January only in month-first locales; other locales are not modelled).
 *
 * Rules, in the order they apply (sources):
 *  1. `null`/`undefined` → 'unchanged': "If a cell value is null, the cell is left unchanged"
 *     https://learn.microsoft.com/javascript/api/excel/excel.range#excel-excel-range-values-member
 *  2. Numbers keep 15 significant digits; digits after the 15th become zeros (truncation):
 *     https://learn.microsoft.com/office/troubleshoot/excel/long-numbers-incorrectly-in-excel
 *     (1234567890123456789 → 1234567890123450000). The largest typed number is 9.99999999999999E+307
 *     and the smallest positive one 2.2251E-308 (Excel specifications and limits,
 *     https://support.microsoft.com/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3).
 *     NaN/±Infinity: no document says what Office.js does (JSON has no NaN: JSON.stringify sends
 *     null, which would leave the cell unchanged). Verify in Excel: modelled as the stricter
 *     `InvalidArgument` error for the whole request.
 *  3. Booleans stay booleans.
 *  4. "" empties the cell (the add-in relies on it: addin/workbook/text.ts).
 *  5. Text longer than 32,767 characters: "Total number of characters that a cell can contain: 32,767"
 *     (Excel specifications and limits, above). What Office.js does with a longer string is not
 *     documented (no office-js issue settles it). Verify in Excel: modelled as the stricter
 *     `InvalidArgument` error (not a silent cut), counting the raw string including a leading
 *     apostrophe. Formulas are limited to 8,192 characters (same page; "Length of formula
 *     contents"), modelled the same way.
 *  6. A leading apostrophe is the quote-prefix style, not part of the value: the value is the rest,
 *     as text (https://github.com/OfficeDev/office-js/issues/6687). Verify in Excel: modelled as
 *     consumed even in a cell formatted "@" (the stricter reading — a writer that sends raw text to
 *     "@" cells loses a real leading apostrophe).
 *  7. A cell whose number format is "@" (Text) keeps any other string exactly as text, "=1+1"
 *     included ("Numbers formatted as text": format the cell as Text before typing,
 *     https://learn.microsoft.com/office/troubleshoot/excel/long-numbers-incorrectly-in-excel).
 *  8. "=…" is a formula. "+…" and "-…" that are not numbers become formulas "=+…"/"=-…": excel.d.ts
 *     `Range.values`: "If the returned value starts with a plus ("+"), minus ("-"), or equal sign
 *     ("="), Excel interprets this value as a formula." (Range.values page above). "@name(…)" is read
 *     as a function call (Lotus compatibility; OWASP CSV injection,
 *     https://owasp.org/www-community/attacks/CSV_Injection). Verify in Excel: "=" alone, "+" alone
 *     and "-" alone are modelled as text; a formula Excel cannot parse is NOT rejected here (the
 *     evaluator shows #NAME?) — real Excel may reject the whole request instead.
 *  9. Numeric text (spaces around it trimmed; leading zeros dropped): "123", "1,234.5", "1e3",
 *     "12%" (0.12), "$1,234.50", "(123)" (−123, accounting negative). Excel assigns a number format
 *     when the cell is General: "If a number contains the letter E … scientific notation"; a
 *     currency symbol → currency; a percent sign → percentage
 *     (https://learn.microsoft.com/office/troubleshoot/excel/format-cells-settings).
 *     Verify in Excel: the exact codes ("0%"/"0.00%", "$#,##0"/"$#,##0.00", "#,##0"/"#,##0.00",
 *     "0.00E+00"; none for "(123)") and that commas are accepted anywhere after the first digit.
 * 10. "TRUE"/"false" (any case, trimmed) → booleans. Verify in Excel: the trimming.
 * 11. Error literals "#N/A", "#DIV/0!", … → error values, returned as the string Office.js reads
 *     back in `values` (with `valueType: 'Error'`, as `Range.valueTypes` reports them,
 *     https://learn.microsoft.com/javascript/api/excel/excel.rangevaluetype). Verify in Excel: the
 *     newer codes (#SPILL!, #CALC!, …) and lower-case input are modelled as errors too.
 * 12. Dates and times as en-US data entry reads them: "If a number contains a slash mark (/) or
 *     hyphen (-), it may be converted to a date format. If a number contains a colon (:), or is
 *     followed by a space and the letter A or P, it may be converted to a time format"
 *     (format-cells-settings, above). Serials: 1900 system with the fictitious 1900-02-29 = 60
 *     (https://learn.microsoft.com/office/troubleshoot/excel/wrongly-assumes-1900-is-leap-year);
 *     1904 system: 1904-01-01 = 0, every serial 1,462 smaller
 *     (https://learn.microsoft.com/office/troubleshoot/excel/1900-and-1904-date-system). Two-digit
 *     years 00–29 → 20xx, 30–99 → 19xx
 *     (https://learn.microsoft.com/office/troubleshoot/excel/two-digit-year-numbers). A date
 *     without a year gets the current year ("If you leave off the year, Excel assumes the current
 *     year"). Dates before the system's first day stay text. Formats assigned (Verify in Excel: each
 *     code): "1/5/2024" → "m/d/yyyy"; "2024-01-05" → "yyyy-mm-dd"; "Jan 5"/"5-Jan"/"1/5" → "d-mmm";
 *     "5-Jan-2024" → "d-mmm-yy"; "Jan 2024" → "mmm-yy"; "Jan-24": 24 can be a day, so it is modelled
 *     as 24 January of the current year ("d-mmm"), while "Jan-32" is January 1932 ("mmm-yy");
 *     "12:30" → "h:mm"; "12:30:15" → "h:mm:ss"; "1:30 PM" → "h:mm AM/PM"; "1/5/2024 12:30" →
 *     "m/d/yyyy h:mm". The format is assigned when the cell is General or its format is not already
 *     a date/time format (Verify in Excel). ISO "2024-01-05T12:30" stays text (Verify in Excel).
 * 13. Everything else is text.
 */

const MAX_CELL_CHARS = 32_767;
const MAX_FORMULA_CHARS = 8_192;
const MAX_NUMBER = 9.99999999999999e307;
const MIN_POSITIVE = 2.2251e-308;
/** Days between the 1900 and the 1904 date systems (1900-and-1904-date-system, above). */
export const DAYS_1904_OFFSET = 1_462;

/** Excel error values (https://learn.microsoft.com/javascript/api/excel/excel.errorcellvalue). */
const EXCEL_ERRORS = [
  '#NULL!',
  '#DIV/0!',
  '#VALUE!',
  '#REF!',
  '#NAME?',
  '#NUM!',
  '#N/A',
  '#GETTING_DATA',
  '#SPILL!',
  '#CALC!',
  '#FIELD!',
  '#BLOCKED!',
  '#CONNECT!',
  '#BUSY!',
  '#UNKNOWN!',
] as const;

type CoercedCell = {
  value: number | string | boolean | null;
  formula?: string;
  /** Number format Excel assigns to the cell (only when it changes it). */
  format?: string;
  quotePrefix?: boolean;
  /** Set for error literals: Range.valueTypes reports 'Error' while `values` reads the string. */
  valueType?: 'Error';
};
export type CoerceResult = CoercedCell | { error: { code: string; message: string } } | 'unchanged';

const TEXT_FORMAT = '@';
const GENERAL = 'general';

const invalid = (message: string): CoerceResult => ({ error: { code: 'InvalidArgument', message } });

/** One element of a `Range.values` assignment, as Excel stores it (see the rules above). */
export function coerceCellInput(input: unknown, cell: { format?: string }, opts: { date1904: boolean; today?: Date }): CoerceResult {
  if (input === null || input === undefined) return 'unchanged';
  if (typeof input === 'boolean') return { value: input };
  if (typeof input === 'number') {
    const n = fifteenDigits(input);
    if (n === null) return invalid(`The number ${String(input)} cannot be stored in a cell.`);
    return { value: n };
  }
  if (typeof input !== 'string') return invalid('A cell value must be a string, number, boolean or null.');
  const s = input;
  if (s === '') return { value: null };
  if (s.length > MAX_CELL_CHARS) return invalid(`Text of ${s.length} characters exceeds Excel's ${MAX_CELL_CHARS}-character cell limit.`);
  if (s.startsWith("'")) return { value: s.slice(1), quotePrefix: true };
  const format = cell.format ?? 'General';
  if (format === TEXT_FORMAT) return { value: s };
  if (s.length > 1 && s.startsWith('=')) return formula(s);

  const t = s.trim();
  const num = parseNumber(t);
  if (num) return withFormat(num.value, num.format, format, false);

  if (/^(true|false)$/i.test(t)) return { value: t.toLowerCase() === 'true' };
  const err = EXCEL_ERRORS.find((e) => e === t.toUpperCase());
  if (err) return { value: err, valueType: 'Error' };

  const dt = parseDateTime(t, opts.date1904, (opts.today ?? new Date()).getFullYear());
  if (dt) return withFormat(dt.value, dt.format, format, true);

  if (s.length > 1 && (s.startsWith('+') || s.startsWith('-'))) return formula(`=${s}`);
  if (/^@[A-Za-z_][\w.]*\(/.test(s)) return formula(`=${s.slice(1)}`);
  return { value: s };
}

/**
 * Inputs Excel stores exactly as they are given (no formula, no number format assigned, no quote
 * prefix, no error), the most of a table write: for these coerceCellInput's result is `{ value: input }`,
 * so the in-memory Excel's write loop (workbook.ts) stores them without a result object per cell.
 * A number Excel keeps digit for digit (rule 2; -0 and 0 are not among them: they go the full way).
 */
export function keepsItsDigits(n: number): boolean {
  // An integer below 10^15 has at most 15 digits; any other number whose 15-digit rounding reads
  // back as itself has at most 15 significant digits in its shortest form (the digits
  // toExponential() gives), so both are kept as they are — what the digit-string path of
  // fifteenDigits would return.
  const abs = Math.abs(n);
  if (abs < 1e15 && abs >= 1 && Number.isInteger(n)) return true;
  // Up to four decimals (prices, sales, ratios): n is m/10^4 for an integer m of at most 15 digits
  // (the division is correctly rounded), so that decimal of ≤ 15 digits reads back as n.
  const scaled = Math.round(n * 1e4);
  if (scaled !== 0 && Math.abs(scaled) < 1e15 && scaled / 1e4 === n) return true;
  return abs >= MIN_POSITIVE && abs <= MAX_NUMBER && Number(n.toPrecision(15)) === n;
}

/** Text Excel stores as it is (rules 4–7): not empty, within the cell limit, no leading apostrophe, in a cell formatted "@". */
export function isPlainText(s: string, format: string | undefined): boolean {
  return format === TEXT_FORMAT && s !== '' && s.length <= MAX_CELL_CHARS && s.charCodeAt(0) !== 0x27;
}

function formula(f: string): CoerceResult {
  if (f.length > MAX_FORMULA_CHARS)
    return invalid(`A formula of ${f.length} characters exceeds Excel's ${MAX_FORMULA_CHARS}-character limit.`);
  return { value: null, formula: f };
}

const DATE_FORMAT = /(^|[^"\\])[dmyhs]/i;
function withFormat(value: number, assigned: string | undefined, current: string, isDate: boolean): CoercedCell {
  if (!assigned) return { value };
  const general = current.toLowerCase() === GENERAL || current === '';
  const replaceable = general || (isDate && !DATE_FORMAT.test(current.replace(/\[[^\]]*\]|"[^"]*"/g, '')));
  return replaceable ? { value, format: assigned } : { value };
}

/**
 * A JS number as Excel stores it: 15 significant digits (later digits become zeros), subnormal-range
 * values become 0; null when Excel cannot hold it (NaN, ±Infinity, beyond 9.99999999999999E+307).
 */
function fifteenDigits(n: number): number | null {
  // Fast paths first: most numbers written (a million-row insert writes millions) keep their digits.
  if (keepsItsDigits(n)) return n;
  if (!Number.isFinite(n)) return null;
  if (n === 0 || Math.abs(n) < MIN_POSITIVE) return 0;
  const [mantissa, exp] = n.toExponential().split('e');
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace(/[-.]/g, '');
  const out = digits.length > 15 ? Number(`${sign}${digits.slice(0, 15)}e${Number(exp) - 14}`) : n;
  return Math.abs(out) > MAX_NUMBER ? null : out;
}

/** Truncates a digit string (no sign, may contain ".") to 15 significant digits. */
function truncateDigits(intPart: string, frac: string): string {
  const all = (intPart + frac).replace(/^0+/, '');
  if (all.length <= 15) return `${intPart}.${frac}`;
  // Zero every significant digit after the 15th, keeping the decimal point where it was.
  let kept = 0;
  let seen = false;
  const zero = (ch: string) => {
    if (ch !== '0') seen = true;
    if (!seen) return ch;
    return kept++ < 15 ? ch : '0';
  };
  const i = [...intPart].map(zero).join('');
  const f = [...frac].map(zero).join('');
  return `${i}.${f}`;
}

const NUMBER_TEXT = /^([+-]?)(\$?)([+-]?)(\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?(%?)$/;

/** en-US numeric text → value and the format Excel assigns; null when it is not a number. */
function parseNumber(t: string): { value: number; format?: string } | null {
  let body = t;
  let negative = false;
  const paren = /^\((.+)\)$/.exec(body);
  if (paren) {
    body = paren[1].trim();
    negative = true;
  }
  const m = NUMBER_TEXT.exec(body);
  if (!m) return null;
  const [, sign1, dollar, sign2, digits, exp, pct] = m;
  if (sign1 && sign2) return null;
  if (paren && (sign1 || sign2)) return null;
  if (dollar && (exp || pct)) return null;
  if (exp && pct) return null;
  if (digits.includes(',') && exp) return null;
  const sign = sign1 || sign2;
  if (sign === '-') negative = !negative;
  const [intPart, frac = ''] = digits.replace(/,/g, '').split('.');
  let value = Number(`${truncateDigits(intPart || '0', frac)}e${exp ?? 0}`);
  if (!Number.isFinite(value) || Math.abs(value) > MAX_NUMBER) return null;
  if (pct) value = value / 100;
  const v = fifteenDigits(negative ? -value : value);
  if (v === null) return null;
  const decimals = frac.length > 0;
  let format: string | undefined;
  if (pct) format = decimals ? '0.00%' : '0%';
  else if (dollar) format = decimals ? '$#,##0.00' : '$#,##0';
  else if (exp) format = '0.00E+00';
  else if (digits.includes(',')) format = decimals ? '#,##0.00' : '#,##0';
  return { value: v, format };
}

// ── dates ────────────────────────────────────────────────────────────────────

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const FULL_MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
function monthIndex(name: string): number | null {
  const n = name.toLowerCase();
  const i = n.length === 3 ? MONTHS.indexOf(n) : FULL_MONTHS.indexOf(n);
  return i < 0 ? null : i + 1;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
function daysInMonth(y: number, m: number, date1904: boolean): number {
  if (m === 2 && y === 1900 && !date1904) return 29; // Excel's fictitious 1900-02-29
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

const MS_PER_DAY = 86_400_000;

/**
 * Serial of a calendar date in the workbook's date system. Month and day may overflow (as in DATE).
 * 1900 system: 1900-01-01 = 1, 1900-02-29 (fictitious) = 60, 1900-03-01 = 61; 1904 system:
 * 1904-01-01 = 0 (sources in the header).
 */
export function serialFromYmd(y: number, m: number, d: number, date1904: boolean): number {
  const months = y * 12 + (m - 1);
  const year = Math.floor(months / 12);
  const month = months - year * 12; // 0-based
  const t = utc(year, month, 1);
  let serial: number;
  if (date1904) serial = (t - utc(1904, 0, 1)) / MS_PER_DAY;
  else {
    serial = (t - utc(1899, 11, 31)) / MS_PER_DAY;
    if (t >= utc(1900, 2, 1)) serial += 1; // the 1900 leap-year bug: every serial from 1900-03-01 on is one higher
  }
  return Math.round(serial) + d - 1;
}

function utc(y: number, m0: number, d: number): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, m0, d);
  dt.setUTCHours(0, 0, 0, 0);
  return dt.getTime();
}

/** Calendar date of a serial (integer part) in the workbook's date system; null for negative serials. */
export function ymdFromSerial(serial: number, date1904: boolean): { y: number; m: number; d: number } | null {
  const s = Math.floor(serial);
  if (s < 0) return null;
  let t: number;
  if (date1904) t = utc(1904, 0, 1) + s * MS_PER_DAY;
  else {
    if (s === 0) return { y: 1900, m: 1, d: 0 }; // Excel shows serial 0 as 1900-01-00
    if (s === 60) return { y: 1900, m: 2, d: 29 };
    t = utc(1899, 11, 31) + (s < 60 ? s : s - 1) * MS_PER_DAY;
  }
  const dt = new Date(t);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

function twoDigitYear(text: string): number {
  const n = Number(text);
  if (text.length > 2) return n;
  return n < 30 ? 2000 + n : 1900 + n;
}

function dateSerial(y: number, m: number, d: number, date1904: boolean): number | null {
  if (m < 1 || m > 12 || d < 1 || y > 9999) return null;
  if (y < (date1904 ? 1904 : 1900)) return null;
  if (d > daysInMonth(y, m, date1904)) return null;
  return serialFromYmd(y, m, d, date1904);
}

const MON = '([A-Za-z]{3}|[A-Za-z]{4,9})';
const DATE_PATTERNS: {
  re: RegExp;
  read: (m: RegExpExecArray, year: number) => { y: number; m: number; d: number; format: string } | null;
}[] = [
  // 2024-01-05, 2024/01/05
  { re: /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/, read: (m) => ({ y: +m[1], m: +m[2], d: +m[3], format: 'yyyy-mm-dd' }) },
  // 1/5/2024, 1-5-24
  { re: /^(\d{1,2})[-/](\d{1,2})[-/](\d{1,2}|\d{4})$/, read: (m) => ({ y: twoDigitYear(m[3]), m: +m[1], d: +m[2], format: 'm/d/yyyy' }) },
  // 1/5 (current year)
  { re: /^(\d{1,2})[-/](\d{1,2})$/, read: (m, year) => ({ y: year, m: +m[1], d: +m[2], format: 'd-mmm' }) },
  // 5-Jan, 5 Jan, 15-Feb (current year)
  {
    re: new RegExp(`^(\\d{1,2})[- ]${MON}$`),
    read: (m, year) => {
      const mo = monthIndex(m[2]);
      return mo ? { y: year, m: mo, d: +m[1], format: 'd-mmm' } : null;
    },
  },
  // 5-Jan-2024, 5 Jan 24
  {
    re: new RegExp(`^(\\d{1,2})[- ]${MON}[- ](\\d{2}|\\d{4})$`),
    read: (m) => {
      const mo = monthIndex(m[2]);
      return mo ? { y: twoDigitYear(m[3]), m: mo, d: +m[1], format: 'd-mmm-yy' } : null;
    },
  },
  // Jan 5, 2024 / January 5 2024
  {
    re: new RegExp(`^${MON}[- ](\\d{1,2}),? (\\d{4})$`),
    read: (m) => {
      const mo = monthIndex(m[1]);
      return mo ? { y: +m[3], m: mo, d: +m[2], format: 'd-mmm-yy' } : null;
    },
  },
  // Jan 2024, Jan-2024 (first of month)
  {
    re: new RegExp(`^${MON}[- ](\\d{4})$`),
    read: (m) => {
      const mo = monthIndex(m[1]);
      return mo ? { y: +m[2], m: mo, d: 1, format: 'mmm-yy' } : null;
    },
  },
  // Jan 5 / Jan-24: a day of the current year when the number can be one, else a two-digit year (Jan-32 → 1932)
  {
    re: new RegExp(`^${MON}[- ](\\d{1,2})$`),
    read: (m, year) => {
      const mo = monthIndex(m[1]);
      if (!mo) return null;
      const n = +m[2];
      if (n >= 1 && n <= daysInMonth(year, mo, false)) return { y: year, m: mo, d: n, format: 'd-mmm' };
      return { y: twoDigitYear(m[2]), m: mo, d: 1, format: 'mmm-yy' };
    },
  },
];

function parseDate(t: string, date1904: boolean, year: number): { value: number; format: string } | null {
  for (const p of DATE_PATTERNS) {
    const m = p.re.exec(t);
    if (!m) continue;
    const r = p.read(m, year);
    if (!r) return null;
    const serial = dateSerial(r.y, r.m, r.d, date1904);
    return serial === null ? null : { value: serial, format: r.format };
  }
  return null;
}

const TIME = /^(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}(?:\.\d+)?))?(?:\s*([AaPp])[Mm]?)?$/;

function parseTime(t: string): { value: number; format: string } | null {
  const m = TIME.exec(t);
  if (!m) return null;
  const [, hh, mm, ss, ap] = m;
  if (mm === undefined && !ap) return null; // a bare number is a number, not a time
  let h = Number(hh);
  const min = Number(mm ?? 0);
  const sec = Number(ss ?? 0);
  if (min > 59 || sec >= 60) return null;
  if (ap) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (ap.toLowerCase() === 'p' ? 12 : 0);
  } else if (h > 23) return null;
  const value = (h * 3600 + min * 60 + sec) / 86_400;
  const format = ap ? (ss !== undefined ? 'h:mm:ss AM/PM' : 'h:mm AM/PM') : ss !== undefined ? 'h:mm:ss' : 'h:mm';
  return { value, format };
}

function parseDateTime(t: string, date1904: boolean, year: number): { value: number; format: string } | null {
  if (!/[-/: ]/.test(t) && !/\d\s*[AaPp][Mm]?$/.test(t)) return null;
  const d = parseDate(t, date1904, year);
  if (d) return d;
  const time = parseTime(t);
  if (time) return time;
  // "1/5/2024 12:30" — a date, a space, a time
  const sp = /^(.*\S)\s+(\d{1,2}(?::\d{1,2}){0,2}(?:\.\d+)?(?:\s*[AaPp][Mm]?)?)$/.exec(t);
  if (!sp) return null;
  const dd = parseDate(sp[1], date1904, year);
  const tt = dd && parseTime(sp[2]);
  if (!dd || !tt) return null;
  const dateFmt = dd.format === 'yyyy-mm-dd' ? 'yyyy-mm-dd' : 'm/d/yyyy';
  return { value: dd.value + tt.value, format: `${dateFmt} ${tt.format}` };
}
