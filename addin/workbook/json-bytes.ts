/**
 * The UTF-8 length of JSON.stringify(value), counted without building the string: what a request
 * weighs against Excel on the web's 5 MB limit — for the chunk planner (chunks.ts, per cell) and
 * for the in-memory Excel's own measure of a request (memory/api/context.ts). Exactly the
 * same count (test/addin/workbook/json-bytes.test.ts compares them on random values): the same
 * escapes (ECMA-262 JSON.stringify, QuoteJSONString: `\"`, `\\`, `\b \t \n \f \r`, `\u00XX` for
 * other controls and `\uDXXX` for a lone surrogate,
 * https://tc39.es/ecma262/#sec-quotejsonstring), the same numbers (Number::toString's shortest
 * round-trip digits, https://tc39.es/ecma262/#sec-numeric-types-number-tostring), toJSON and
 * omitted members. Anything unusual (a boxed primitive, a BigInt, a value nested very deep or in a
 * cycle) is handed to JSON.stringify itself, so it counts or fails just as the string would.
 */

/** Strings needing neither an escape nor a multi-byte character: one byte a character. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** UTF-8 length of a string as JSON (quotes and escapes included). */
export function jsonStringBytes(s: string): number {
  if (PLAIN.test(s)) return s.length + 2;
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) n += 2;
    else if (c < 0x20) n += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 6;
    } else if (c >= 0xdc00 && c <= 0xdfff) n += 6;
    else n += 3;
  }
  return n;
}

/** 10^0 … 10^21, each exactly a double. */
const POW10 = Array.from({ length: 22 }, (_, k) => Number(`1e${k}`));

/** Decimal digits of a whole number 1 ≤ a < 10^21 (compared with exact powers: no rounding). */
function digits(a: number): number {
  if (a < 1e5) return a < 10 ? 1 : a < 100 ? 2 : a < 1e3 ? 3 : a < 1e4 ? 4 : 5;
  let n = 6;
  while (a >= POW10[n]) n++;
  return n;
}

/** UTF-8 length of a number as JSON (null when not finite). */
export function jsonNumberBytes(v: number): number {
  if (!Number.isFinite(v)) return 4; // null
  const a = v < 0 ? -v : v;
  const sign = v < 0 ? 1 : 0;
  // Whole numbers below 10^21 print every digit (Number::toString step 6 with n ≤ 21); -0 prints "0".
  if (Number.isInteger(a) && a < 1e21) return a === 0 ? 1 : sign + digits(a);
  // Up to four decimals: v is the double nearest m/10^4 for a whole m below 10^15, so that decimal
  // (≤ 15 significant digits) is the shortest that reads back as v, and JSON writes it as
  // sign, whole digits, '.', decimals without trailing zeros (the four-decimal paths of
  // memory/coerce.ts fifteenDigits rests on the same fact).
  // Below 10^11 no such double is whole or on the other side of a whole number, so its whole part is
  // floor(a) and its decimals are m − floor(a)·10^4, both exact integers.
  const scaled = Math.round(a * 1e4);
  if (scaled < 1e15 && scaled / 1e4 === a) {
    const whole = Math.floor(a);
    const frac = scaled - whole * 1e4;
    const decimals = frac % 1000 === 0 ? 1 : frac % 100 === 0 ? 2 : frac % 10 === 0 ? 3 : 4;
    return sign + (whole === 0 ? 1 : digits(whole)) + 1 + decimals;
  }
  return String(v).length;
}

/** Deeper than this, JSON.stringify does the counting (and throws on a cycle, as it would). */
const MAX_DEPTH = 64;

class Unusual extends Error {}

/**
 * An upper bound of the UTF-8 length of a number as JSON: a 32-bit integer takes at most 11 bytes
 * ("-2147483648"), any other number at most 25 (Number::toString writes at most 17 significant
 * digits; the longest form is a sign, "0.", five zeros and 17 digits; an exponent form is at most
 * 24, "-1.2345678901234567e-308"; NaN and ±Infinity are "null"),
 * https://tc39.es/ecma262/#sec-numeric-types-number-tostring.
 */
const numberBytesAtMost = (v: number): number => ((v | 0) === v ? 11 : 25);

/**
 * An upper bound of the UTF-8 length of a string as JSON: 6 bytes a UTF-16 unit at most (`\u00XX` for a
 * control character, `\uDXXX` for a lone surrogate; 3 bytes for any other unit, 4 for a pair) and
 * the quotes (https://tc39.es/ecma262/#sec-quotejsonstring).
 */
const stringBytesAtMost = (s: string): number => 6 * s.length + 2;

/** bytesOf(value, …, atMost) for an array (its own toJSON already called): its rows walked without the general path. */
function arrayBytesAtMost(value: readonly unknown[], depth: number): number {
  let n = 2 + Math.max(0, value.length - 1);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v === 'number') n += numberBytesAtMost(v);
    else if (typeof v === 'string') n += stringBytesAtMost(v);
    else if (Array.isArray(v) && (v as { toJSON?: unknown }).toJSON === undefined && depth < MAX_DEPTH) n += arrayBytesAtMost(v, depth + 1);
    else n += bytesOf(v, i, depth + 1, true) ?? 4;
  }
  return n;
}

/**
 * `key` is the member's name or the element's index (made a string only for a toJSON call).
 * `atMost`: the numbers and strings of arrays (a request's values, almost all of its bytes) are
 * counted by their upper bounds above instead of exactly: jsonUtf8BytesAtMost.
 */
function bytesOf(value: unknown, key: string | number, depth: number, atMost = false): number | undefined {
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint')) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, String(key));
  }
  switch (typeof value) {
    case 'string':
      return jsonStringBytes(value);
    case 'number':
      return jsonNumberBytes(value);
    case 'boolean':
      return value ? 4 : 5;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new Unusual();
  }
  if (value === null) return 4;
  if (depth > MAX_DEPTH) throw new Unusual();
  if (Array.isArray(value)) {
    let n = 2 + Math.max(0, value.length - 1);
    if (atMost) return arrayBytesAtMost(value, depth);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      // Numbers and strings, most elements of a request (its values), without the general walk.
      n += typeof v === 'number' ? jsonNumberBytes(v) : typeof v === 'string' ? jsonStringBytes(v) : (bytesOf(v, i, depth + 1) ?? 4);
    }
    return n;
  }
  // Boxed primitives (new Number(1), Object(1n)) are written as their primitive.
  if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) throw new Unusual();
  const o = value as Record<string, unknown>;
  let n = 2;
  let members = 0;
  for (const k of Object.keys(o)) {
    const b = bytesOf(o[k], k, depth + 1, atMost);
    if (b === undefined) continue;
    n += jsonStringBytes(k) + 1 + b;
    members++;
  }
  return n + Math.max(0, members - 1);
}

/** UTF-8 bytes of JSON.stringify(value); 0 when it gives undefined (nothing to send). */
export function jsonUtf8Bytes(value: unknown): number {
  try {
    return bytesOf(value, '', 0) ?? 0;
  } catch (error) {
    if (!(error instanceof Unusual)) throw error;
    return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
  }
}

/**
 * Never less than jsonUtf8Bytes(value), and equal to it for a value without arrays of numbers or strings:
 * a walk of typeof and length per element instead of each number's digits and each string's
 * characters. Enough to know that a request is within a limit when this is; when it is not, only
 * jsonUtf8Bytes says whether the request is (memory/api/context.ts).
 */
export function jsonUtf8BytesAtMost(value: unknown): number {
  try {
    return bytesOf(value, '', 0, true) ?? 0;
  } catch (error) {
    if (!(error instanceof Unusual)) throw error;
    return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
  }
}
