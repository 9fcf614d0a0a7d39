/**
 * Fast path for ARRAYS rows: re-encodes a JSON text of rows ("[[...],[...]]", from vds-scanner.ts)
 * straight into the typed rows' JSON, replacing date text by Excel serials and copying every other
 * cell as it is. It answers undefined whenever any cell needs more than that (a number sent as
 * text, a misfit, a nested value, whitespace that could hold a newline, a row of the wrong width):
 * the caller then takes the general path (JSON.parse + convertVdsValue), which stays the reference.
 */
import { EXCEL_DIGITS, significantDigits, tooLongForDouble } from './precision.js';
import { convertVdsValue, V_BOOL, V_DATE, V_FLOAT, V_NUMBER, V_TEXT } from './vds-values.js';

const Q = 0x22,
  BS = 0x5c,
  LB = 0x5b,
  RB = 0x5d,
  COMMA = 0x2c;

export interface Transcoded {
  json: string;
  count: number;
  /**
   * Per column, number tokens written as strings because a double would change their digits
   * (precision.ts); absent when there were none.
   */
  long?: Int32Array;
}

/** Date text → serial text, per stream (a result holds few distinct dates). */
export interface DateMemo {
  texts: Map<string, string>;
  /** "YYYY-MM-DD" by its digits as one number (yyyymmdd), read without making a string. */
  days: Map<number, string>;
}

export function dateMemo(): DateMemo {
  return { texts: new Map(), days: new Map() };
}

const NO_MISFITS = { count: 0 };

function dateSerialText(text: string, memo?: Map<string, string>): string | undefined {
  let out = memo?.get(text);
  if (out !== undefined) return out;
  const v = convertVdsValue(V_DATE, text, NO_MISFITS);
  if (v === null) out = 'null';
  else if (typeof v === 'number') out = String(v);
  else return undefined; // a misfit: the general path counts it
  memo?.set(text, out);
  return out;
}

function digit(s: string, at: number): number {
  const d = s.charCodeAt(at) - 0x30;
  return d >= 0 && d <= 9 ? d : NaN;
}

/** The serial text of a "YYYY-MM-DD" at s[start, start+10), or '' when it is another form. */
function isoDaySerial(s: string, start: number, days: Map<number, string>): string {
  if (s.charCodeAt(start + 4) !== 0x2d || s.charCodeAt(start + 7) !== 0x2d) return '';
  const key =
    ((digit(s, start) * 10 + digit(s, start + 1)) * 100 + digit(s, start + 2) * 10 + digit(s, start + 3)) * 10000 +
    (digit(s, start + 5) * 10 + digit(s, start + 6)) * 100 +
    digit(s, start + 8) * 10 +
    digit(s, start + 9);
  if (key !== key) return '';
  const known = days.get(key);
  if (known !== undefined) return known;
  const text = dateSerialText(s.slice(start, start + 10));
  if (text === undefined) return '';
  days.set(key, text);
  return text;
}

function isNumberStart(c: number): boolean {
  return c === 0x2d || (c >= 0x30 && c <= 0x39);
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45;
}

export function transcodeArrays(s: string, kinds: readonly number[], memo: DateMemo): Transcoded | undefined {
  const width = kinds.length;
  const n = s.length;
  if (n < 2 || s.charCodeAt(0) !== LB || s.charCodeAt(n - 1) !== RB) return undefined;
  const parts: string[] = [];
  let copied = 0; // s[copied, i) is still to be copied
  let count = 0;
  let long: Int32Array | undefined;
  let i = 1;
  let nextBs = s.indexOf('\\');
  if (s.charCodeAt(i) === RB) return i === n - 1 ? { json: '[]', count: 0 } : undefined;
  for (;;) {
    if (s.charCodeAt(i) !== LB) return undefined;
    i++;
    for (let col = 0; ; col++) {
      if (col >= width) return undefined;
      const kind = kinds[col];
      const c = s.charCodeAt(i);
      if (c === Q) {
        const start = i + 1;
        // Native searches, not a loop per character: the closing quote, unless a backslash comes first.
        let j = s.indexOf('"', start);
        if (j < 0) return undefined;
        if (nextBs !== -1 && nextBs < start) nextBs = s.indexOf('\\', start);
        const escaped = nextBs !== -1 && nextBs < j;
        if (escaped) {
          j = start;
          for (;;) {
            if (j >= n) return undefined;
            const d = s.charCodeAt(j);
            if (d === Q) break;
            j += d === BS ? 2 : 1;
          }
        }
        if (kind === V_DATE) {
          if (escaped) return undefined;
          const serial = (j - start === 10 && isoDaySerial(s, start, memo.days)) || dateSerialText(s.slice(start, j), memo.texts);
          if (serial === undefined) return undefined;
          parts.push(s.slice(copied, i), serial);
          copied = j + 1;
        } else if (kind !== V_TEXT) return undefined;
        i = j + 1;
      } else if (c === 0x6e) {
        if (!s.startsWith('null', i)) return undefined;
        i += 4;
      } else if (c === 0x74 || c === 0x66) {
        if (kind !== V_BOOL) return undefined;
        if (s.startsWith('true', i)) i += 4;
        else if (s.startsWith('false', i)) i += 5;
        else return undefined;
      } else if (isNumberStart(c)) {
        if (kind !== V_NUMBER && kind !== V_FLOAT) return undefined;
        const start = i;
        i++;
        while (i < n && isNumberChar(s.charCodeAt(i))) i++;
        // More digits than the column can hold as a double: the token goes out as a string of the
        // same characters (the rule of vds-values.ts `numberFromText`).
        const tooLong =
          kind === V_FLOAT ? tooLongForDouble(s, start, i) : i - start > EXCEL_DIGITS && significantDigits(s, start, i) > EXCEL_DIGITS;
        if (tooLong) {
          parts.push(s.slice(copied, start), '"', s.slice(start, i), '"');
          copied = i;
          (long ??= new Int32Array(width))[col]++;
        }
      } else return undefined;
      const sep = s.charCodeAt(i);
      if (sep === COMMA) {
        i++;
        continue;
      }
      if (sep !== RB || col !== width - 1) return undefined;
      i++;
      break;
    }
    count++;
    const next = s.charCodeAt(i);
    if (next === COMMA) {
      i++;
      continue;
    }
    if (next === RB && i === n - 1) break;
    return undefined;
  }
  if (copied === 0) return { json: s, count };
  parts.push(s.slice(copied));
  return { json: parts.join(''), count, ...(long ? { long } : {}) };
}
