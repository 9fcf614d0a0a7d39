/**
 * Scans one formatted number as Tableau's view CSV writes it ("$45,047", "14.4%", "(1,234.5)",
 * "1.234,56 €", "-5,004") with charCode checks only: no regex, no allocation. This runs for every
 * cell of a million-row export, so the result lives in a reused scratch object (`num`).
 *
 * The scan is locale-neutral: it records the digit runs and the separator between them. Which
 * separator is the decimal one is decided later by `readStyle` for a separator style, because
 * "1,234" is 1234 in en-US and 1.234 in de-DE and only the whole column/file can tell which.
 */

const MAX_RUNS = 16;

export interface NumberScratch {
  neg: boolean;
  parens: boolean;
  percent: boolean;
  /** char code of the currency symbol, 0 when none. */
  currency: number;
  currencySuffix: boolean;
  /** a space between the number and its symbol ("1.234,56 €", "14,4 %"). */
  spaced: boolean;
  /** all digits as one integer (exact while `digits` <= 15). */
  mantissa: number;
  digits: number;
  /** zeros before the first non-zero digit, and after the last one (for significant digits). */
  lead: number;
  trail: number;
  leadingZero: boolean;
  nRuns: number;
  runs: Int32Array;
  seps: Int32Array;
}

export const num: NumberScratch = {
  neg: false,
  parens: false,
  percent: false,
  currency: 0,
  currencySuffix: false,
  spaced: false,
  mantissa: 0,
  digits: 0,
  lead: 0,
  trail: 0,
  leadingZero: false,
  nRuns: 0,
  runs: new Int32Array(MAX_RUNS),
  seps: new Int32Array(MAX_RUNS),
};

/** Character codes the scans compare against (simple-cells.ts uses the same). */
export const C_DOLLAR = 36,
  C_EURO = 0x20ac,
  C_POUND = 0xa3,
  C_YEN = 0xa5,
  C_RUPEE = 0x20b9,
  C_PERCENT = 37,
  C_MINUS = 45,
  C_COMMA = 44,
  C_DOT = 46;
const C_LPAREN = 40,
  C_RPAREN = 41,
  C_PLUS = 43,
  C_UMINUS = 0x2212,
  C_APOS = 39,
  C_SPACE = 32,
  C_NBSP = 0xa0,
  C_NNBSP = 0x202f;

function isCurrencyChar(c: number): boolean {
  return c === C_DOLLAR || c === C_EURO || c === C_POUND || c === C_YEN || c === C_RUPEE;
}
function isSpaceChar(c: number): boolean {
  return c === C_SPACE || c === C_NBSP || c === C_NNBSP;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** True when `s` is a formatted number; details are left in `num`. */
export function scanNumber(s: string): boolean {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  num.neg = false;
  num.parens = false;
  num.percent = false;
  num.currency = 0;
  num.currencySuffix = false;
  num.spaced = false;
  if (c === C_LPAREN) {
    num.parens = num.neg = true;
    c = s.charCodeAt(++i);
  }
  if (c === C_MINUS || c === C_UMINUS || c === C_PLUS) {
    if (num.neg) return false;
    num.neg = c !== C_PLUS;
    c = s.charCodeAt(++i);
  }
  if (isCurrencyChar(c)) {
    num.currency = c;
    c = s.charCodeAt(++i);
    if (isSpaceChar(c)) {
      num.spaced = true;
      c = s.charCodeAt(++i);
    }
    if (c === C_MINUS || c === C_UMINUS) {
      if (num.neg) return false;
      num.neg = true; // "$-1,234"
      c = s.charCodeAt(++i);
    }
  }
  if (!isDigit(c)) return false;
  num.leadingZero = c === 48;
  let mantissa = 0;
  let digits = 0;
  let lead = -1; // -1 until a non-zero digit is seen
  let trail = 0;
  let run = 0;
  let nRuns = 0;
  const runs = num.runs;
  const seps = num.seps;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (isDigit(c)) {
      mantissa = mantissa * 10 + (c - 48);
      if (c === 48) trail++;
      else {
        if (lead < 0) lead = digits;
        trail = 0;
      }
      digits++;
      run++;
      continue;
    }
    if (c === C_COMMA || c === C_DOT || c === C_APOS || isSpaceChar(c)) {
      // A separator only when a digit follows; otherwise it starts the suffix ("14,4 %").
      if (i + 1 < n && isDigit(s.charCodeAt(i + 1))) {
        if (nRuns === MAX_RUNS - 1) return false;
        runs[nRuns] = run;
        seps[nRuns++] = c;
        run = 0;
        continue;
      }
    }
    break;
  }
  runs[nRuns++] = run;
  num.nRuns = nRuns;
  num.mantissa = mantissa;
  num.digits = digits;
  num.lead = lead < 0 ? digits : lead;
  num.trail = lead < 0 ? 0 : trail;
  num.leadingZero = num.leadingZero && runs[0] > 1; // "0.5" is fine, "02134" is a code
  if (i === n) return !num.parens;
  // Suffix: [space] ('%' | currency) [')'].
  c = s.charCodeAt(i);
  if (isSpaceChar(c)) {
    num.spaced = true;
    c = s.charCodeAt(++i);
  }
  if (c === C_PERCENT) {
    if (num.currency) return false;
    num.percent = true;
    c = s.charCodeAt(++i);
  } else if (isCurrencyChar(c)) {
    if (num.currency) return false;
    num.currency = c;
    num.currencySuffix = true;
    c = s.charCodeAt(++i);
  } else if (num.spaced && !num.currency) {
    return false; // "12 apples"
  }
  if (num.parens) {
    if (c !== C_RPAREN) return false;
    i++;
  }
  return i === n;
}

/** A separator style: the character that groups thousands and the decimal mark. */
export interface SeparatorStyle {
  group: number;
  decimal: number;
}
export const STYLE_DOT_DECIMAL: SeparatorStyle = { group: C_COMMA, decimal: C_DOT };
export const STYLE_COMMA_DECIMAL: SeparatorStyle = { group: C_DOT, decimal: C_COMMA };

/**
 * Result of `readStyle` (scratch, reused). `significant`: the number's significant digits (leading
 * zeros and a fraction's trailing zeros do not count), which Excel keeps only 15 of (precision.ts).
 */
export const styled = { decimals: 0, intDigits: 0, grouped: false, significant: 0 };

function isGroupChar(c: number, style: SeparatorStyle): boolean {
  // Thin separators (space, NBSP, narrow NBSP, apostrophe as in de-CH) group in every style.
  return c === style.group || c === C_APOS || isSpaceChar(c);
}

/**
 * Reads the last scanned number under a separator style: false when the separators do not fit it
 * (e.g. "$711.83" under comma-decimal, where '.' would have to group exactly three digits).
 */
export function readStyle(style: SeparatorStyle): boolean {
  const nRuns = num.nRuns;
  const runs = num.runs;
  const seps = num.seps;
  let intRuns = nRuns;
  styled.decimals = 0;
  if (nRuns > 1 && seps[nRuns - 2] === style.decimal) {
    intRuns = nRuns - 1;
    styled.decimals = runs[nRuns - 1];
  }
  styled.grouped = intRuns > 1;
  let intDigits = runs[0];
  if (intRuns > 1) {
    if (runs[0] > 3) return false;
    const g = seps[0];
    for (let j = 0; j < intRuns - 1; j++) {
      if (seps[j] !== g || !isGroupChar(g, style) || runs[j + 1] !== 3) return false;
      intDigits += 3;
    }
  }
  styled.intDigits = intDigits;
  styled.significant = num.digits - num.lead - Math.min(num.trail, styled.decimals);
  return true;
}

export const POW10: number[] = [];
for (let k = 0; k <= 22; k++) POW10.push(Number(`1e${k}`));

/**
 * The value of the last scanned number with `decimals` decimal places (percent → fraction).
 * Dividing two exact integers is correctly rounded, so 144/1000 gives the same double as "0.144"
 * (no 0.14400000000000002 from 14.4/100).
 */
export function numberValue(s: string, decimals: number): number {
  const scale = decimals + (num.percent ? 2 : 0);
  let v: number;
  if (num.digits <= 15 && scale <= 22) {
    v = num.mantissa / POW10[scale];
  } else {
    // Rare: more than 15 digits (the float mantissa is inexact). Rebuild the digits, let Number() round.
    let plain = '';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (isDigit(c)) plain += s[i];
    }
    v = Number(`${plain}e-${scale}`);
  }
  return num.neg ? -v : v;
}
