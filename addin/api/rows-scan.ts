/**
 * A `rows` line of the result stream (common/stream.ts; server/pull/encoded-rows.ts writes it as
 * `{"kind":"rows","rows":[[…],…]}`) read from its UTF-8 bytes straight into columnar form
 * (columnar.ts), for the pull worker (pull-worker-core.ts). Decoding the text and JSON.parse would
 * build a string of the whole line, an array per row and a value per cell only for toColumnar to take
 * them apart again: most of the worker's CPU in a 1,000,000-row insert.
 *
 * It gives exactly what `toColumnar(JSON.parse(utf8(line)).rows, width)` gives for any rows
 * JSON.stringify writes (test/addin/api/rows-scan.test.ts compares them on random rows), or null,
 * and then the caller does just that: a line it does not read in one pass (whitespace, another
 * member order, a row of another width, anything not valid JSON) takes the JSON.parse path, which
 * also reports a damaged line. Strings: UTF-8 never uses the bytes of `"` or `\` inside a
 * multi-byte character (RFC 3629 §3, https://www.rfc-editor.org/rfc/rfc3629#section-3), so a
 * string ends at its first `"` not escaped. Each distinct string of the line is decoded once: ASCII
 * without escapes as its bytes, any other by the WHATWG decoder the whole line would go through
 * (https://encoding.spec.whatwg.org/#utf-8-decode, without BOM stripping: a BOM is stripped only at
 * the start of a stream), one with an escape by JSON.parse of its own token. Strings are told apart
 * by their bytes, so one spelled two ways in the line ("é" and "\u00e9", which JSON.stringify never
 * writes) is kept twice, each cell with its own value. Numbers: a JSON number of at most 15 digits and no
 * exponent is m / 10^k with m and 10^k exact doubles, so one IEEE division gives the correctly
 * rounded value, as JSON.parse does (ECMA-262 RoundMVResult, https://tc39.es/ecma262/#sec-roundmvresult;
 * W. D. Clinger, "How to read floating point numbers accurately", 1990); any other number is
 * checked against JSON's grammar (RFC 8259 §6, https://www.rfc-editor.org/rfc/rfc8259#section-6)
 * and read by Number(), which rounds the same way.
 *
 * It also counts each row's JSON bytes as the chunk planner does (workbook/chunks.ts rowBytes: the
 * UTF-8 length of JSON.stringify(row) and a comma), so the pane's thread does not count them again:
 * the row's own text when that is what JSON.stringify writes (a number of at most 15 digits without
 * trailing zeros, "-0" or an exponent form, an ASCII string without escapes), json-bytes.ts for any
 * other cell.
 */
import { jsonNumberBytes, jsonStringBytes } from '../workbook/json-bytes.js';
import { type ColumnarRows, FALSE, NUMBER, STRING, TRUE } from './columnar.js';

const PREFIX = new TextEncoder().encode('{"kind":"rows","rows":[');

/** 10^0 … 10^22, each exactly a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** JSON's number grammar (RFC 8259 §6), for a number off the fast path. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const BRACE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

const char = String.fromCharCode;

/**
 * The ASCII bytes line[s … s + n) as a string, n ≤ 16: fromCharCode with the bytes as arguments,
 * a third of the CPU of fromCharCode.apply over a subarray (measured in Node 20 on the bench's
 * rows: 3,900 distinct strings a line), where most of a rows line's distinct strings are this short.
 */
function ascii(l: Uint8Array, s: number, n: number): string {
  // prettier-ignore
  switch (n) {
    case 0: return '';
    case 1: return char(l[s]);
    case 2: return char(l[s], l[s + 1]);
    case 3: return char(l[s], l[s + 1], l[s + 2]);
    case 4: return char(l[s], l[s + 1], l[s + 2], l[s + 3]);
    case 5: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4]);
    case 6: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5]);
    case 7: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6]);
    case 8: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6], l[s + 7]);
    case 9: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6], l[s + 7], l[s + 8]);
    case 10: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6], l[s + 7], l[s + 8], l[s + 9]);
    case 11: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6], l[s + 7], l[s + 8], l[s + 9], l[s + 10]);
    case 12: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6], l[s + 7], l[s + 8], l[s + 9], l[s + 10], l[s + 11]);
    case 13: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6], l[s + 7], l[s + 8], l[s + 9], l[s + 10], l[s + 11], l[s + 12]);
    case 14: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6], l[s + 7], l[s + 8], l[s + 9], l[s + 10], l[s + 11], l[s + 12], l[s + 13]);
    case 15: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6], l[s + 7], l[s + 8], l[s + 9], l[s + 10], l[s + 11], l[s + 12], l[s + 13], l[s + 14]);
    default: return char(l[s], l[s + 1], l[s + 2], l[s + 3], l[s + 4], l[s + 5], l[s + 6], l[s + 7], l[s + 8], l[s + 9], l[s + 10], l[s + 11], l[s + 12], l[s + 13], l[s + 14], l[s + 15]);
  }
}

/** Thrown inside the scan when the line needs JSON.parse; never escapes scanRowsLine. */
class NotFast extends Error {}
const NOT_FAST = new NotFast();

/** True when `line` starts like a rows message as our server writes it. */
function isRowsLine(line: Uint8Array): boolean {
  if (line.length < PREFIX.length + 2) return false;
  for (let i = 0; i < PREFIX.length; i++) if (line[i] !== PREFIX[i]) return false;
  return true;
}

/** The line's rows in columnar form, or null: then JSON.parse and toColumnar decide. */
export function scanRowsLine(line: Uint8Array, width: number): ColumnarRows | null {
  if (width < 1 || !isRowsLine(line) || line[line.length - 1] !== BRACE || line[line.length - 2] !== CLOSE) return null;
  try {
    return new Scan(line, width).run();
  } catch (error) {
    if (error === NOT_FAST) return null;
    throw error;
  }
}

class Scan {
  /** The index of the rows array's closing ']'. */
  private readonly end: number;
  private capacity: number;
  private kinds: Uint8Array;
  private slots: Float64Array;
  private readonly strings: string[] = [];
  // The line's distinct strings by hash (open addressing): where each first appeared in the line.
  private table = new Int32Array(1 << 12).fill(-1);
  private starts: number[] = [];
  private lengths: number[] = [];
  private hashes: number[] = [];
  /** Per distinct string: its JSON bytes minus its bytes in the line (0 for ASCII). */
  private stringExtra: number[] = [];
  /** The current row's JSON bytes minus its bytes in the line. */
  private extra = 0;
  private rowBytes: Uint32Array;
  /** Per column, the previous row's string (where its bytes start, how many, its index), or -1 for none yet. */
  private readonly prevStart: Int32Array;
  private readonly prevLength: Int32Array;
  private readonly prevIndex: Int32Array;

  constructor(
    private readonly line: Uint8Array,
    private readonly width: number,
  ) {
    this.end = line.length - 2;
    // Room for a line of cells of 8 bytes or more at once (a pull of the bench's rows takes ~9 a
    // cell), grown if not: the arrays are zeroed when made, so a bound of 2 bytes a cell ("1,")
    // cost more than the growing it saved.
    this.capacity = Math.max(width, Math.min(1 << 20, (this.end - PREFIX.length) >> 3));
    this.kinds = new Uint8Array(this.capacity);
    this.slots = new Float64Array(this.capacity);
    this.rowBytes = new Uint32Array(Math.ceil(this.capacity / width));
    this.prevStart = new Int32Array(width);
    this.prevLength = new Int32Array(width).fill(-1);
    this.prevIndex = new Int32Array(width);
  }

  run(): ColumnarRows {
    const { line, width, end } = this;
    let i = PREFIX.length;
    let cell = 0;
    let rows = 0;
    if (i < end)
      for (;;) {
        if (line[i] !== OPEN) throw NOT_FAST;
        const rowStart = i;
        this.extra = 0;
        i++;
        if (cell + width > this.capacity) this.grow();
        const kinds = this.kinds;
        for (let c = 0; c < width; c++, cell++) {
          const ch = line[i];
          if (ch === QUOTE) {
            i = this.string(i, cell, c);
            kinds[cell] = STRING;
          } else if ((ch >= ZERO && ch <= NINE) || ch === MINUS) {
            i = this.number(i, cell);
            kinds[cell] = NUMBER;
          } else if (ch === 0x6e && line[i + 1] === 0x75 && line[i + 2] === 0x6c && line[i + 3] === 0x6c) {
            i += 4; // null: kinds[cell] stays 0, an empty cell
          } else if (ch === 0x74 && line[i + 1] === 0x72 && line[i + 2] === 0x75 && line[i + 3] === 0x65) {
            kinds[cell] = TRUE;
            i += 4;
          } else if (ch === 0x66 && line[i + 1] === 0x61 && line[i + 2] === 0x6c && line[i + 3] === 0x73 && line[i + 4] === 0x65) {
            kinds[cell] = FALSE;
            i += 5;
          } else throw NOT_FAST;
          if (line[i] !== (c < width - 1 ? COMMA : CLOSE)) throw NOT_FAST;
          i++;
        }
        // '[' … ']' as written, corrected where JSON.stringify writes a cell otherwise, and the comma.
        this.rowBytes[rows] = i - rowStart + this.extra + 1;
        rows++;
        if (i === end) break;
        if (line[i] !== COMMA) throw NOT_FAST;
        i++;
      }
    if (i !== end) throw NOT_FAST;
    const size = rows * width;
    // Views of the cells read, not copies: the buffers are transferred whole (pull-worker-core.ts).
    return {
      rows,
      width,
      kinds: this.kinds.subarray(0, size),
      slots: this.slots.subarray(0, size),
      strings: this.strings,
      rowBytes: this.rowBytes.subarray(0, rows),
    };
  }

  private grow(): void {
    this.capacity *= 2;
    const kinds = new Uint8Array(this.capacity);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const slots = new Float64Array(this.capacity);
    slots.set(this.slots);
    this.slots = slots;
    const rowBytes = new Uint32Array(Math.ceil(this.capacity / this.width));
    rowBytes.set(this.rowBytes);
    this.rowBytes = rowBytes;
  }

  /** The string whose opening quote is at `i`: its index among the line's distinct strings goes to slots[cell]. */
  private string(i: number, cell: number, column: number): number {
    const line = this.line;
    const start = i + 1;
    // The same bytes as the previous row's string in this column, then a quote: that string again
    // (rows of one order repeat most of their text). Its bytes were read through to their unescaped
    // closing quote before, so these are too.
    const same = this.prevLength[column];
    if (same >= 0) {
      const from = this.prevStart[column];
      let k = 0;
      while (k < same && line[start + k] === line[from + k]) k++;
      if (k === same && line[start + same] === QUOTE) {
        const s = this.prevIndex[column];
        this.slots[cell] = s;
        this.extra += this.stringExtra[s];
        return start + same + 1;
      }
    }
    let j = start;
    let h = 0x811c9dc5;
    let plain = true;
    for (let b = line[j]; b !== QUOTE; b = line[++j]) {
      // A raw control character (not JSON) or no closing quote: JSON.parse decides.
      if (b < 0x20 || j >= this.end) throw NOT_FAST;
      if (b >= 0x80) plain = false;
      else if (b === BACKSLASH) {
        // An escape: the string is read by JSON.parse (add); its next byte is not the end.
        plain = false;
        h = Math.imul(h ^ b, 0x01000193);
        b = line[++j];
        if (j >= this.end) throw NOT_FAST;
      }
      h = Math.imul(h ^ b, 0x01000193);
    }
    const length = j - start;
    const table = this.table;
    const mask = table.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = table[slot];
      if (k === -1) {
        table[slot] = this.add(start, length, h, plain);
        break;
      }
      if (this.hashes[k] === h && this.lengths[k] === length && this.same(this.starts[k], start, length)) {
        this.slots[cell] = k;
        this.extra += this.stringExtra[k];
        this.prevStart[column] = start;
        this.prevLength[column] = length;
        this.prevIndex[column] = k;
        return j + 1;
      }
    }
    const k = this.strings.length - 1;
    this.slots[cell] = k;
    this.extra += this.stringExtra[k];
    this.prevStart[column] = start;
    this.prevLength[column] = length;
    this.prevIndex[column] = k;
    if (this.strings.length * 2 > table.length) this.rehash();
    return j + 1;
  }

  /** A new distinct string: `plain` when its bytes are ASCII without escapes (then they are its characters). */
  private add(start: number, length: number, h: number, plain: boolean): number {
    const s = plain
      ? length <= 16
        ? ascii(this.line, start, length)
        : length < 64
          ? String.fromCharCode.apply(null, this.line.subarray(start, start + length) as unknown as number[])
          : utf8.decode(this.line.subarray(start, start + length))
      : this.text(start, length);
    this.strings.push(s);
    // Plain ASCII is written as it is; other text as json-bytes.ts counts it.
    this.stringExtra.push(plain ? 0 : jsonStringBytes(s) - (length + 2));
    this.starts.push(start);
    this.lengths.push(length);
    this.hashes.push(h);
    return this.strings.length - 1;
  }

  /** A string with an escape or a non-ASCII character: its JSON token (quotes included) read by JSON.parse. */
  private text(start: number, length: number): string {
    const token = utf8.decode(this.line.subarray(start - 1, start + length + 1));
    if (token.indexOf('\\') < 0) return token.slice(1, -1);
    try {
      return JSON.parse(token) as string;
    } catch {
      throw NOT_FAST; // a bad escape: the line's JSON.parse reports it
    }
  }

  private same(a: number, b: number, length: number): boolean {
    const line = this.line;
    for (let k = 0; k < length; k++) if (line[a + k] !== line[b + k]) return false;
    return true;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let k = 0; k < this.hashes.length; k++) {
      let slot = this.hashes[k] & mask;
      while (table[slot] !== -1) slot = (slot + 1) & mask;
      table[slot] = k;
    }
    this.table = table;
  }

  /** The number at `i` into slots[cell]; returns the index after it. */
  private number(i: number, cell: number): number {
    const line = this.line;
    const start = i;
    const negative = line[i] === MINUS;
    if (negative) i++;
    let m = 0;
    let digits = 0;
    let decimals = 0;
    let last = 0;
    let ch = line[i];
    if (ch === ZERO) {
      ch = line[++i];
      if (ch >= ZERO && ch <= NINE) throw NOT_FAST; // a leading zero: not JSON
    } else if (ch > ZERO && ch <= NINE) {
      do {
        m = m * 10 + (ch - ZERO);
        digits++;
        ch = line[++i];
      } while (ch >= ZERO && ch <= NINE);
    } else throw NOT_FAST;
    if (ch === DOT) {
      ch = line[++i];
      if (!(ch >= ZERO && ch <= NINE)) throw NOT_FAST;
      do {
        last = ch;
        m = m * 10 + (ch - ZERO);
        decimals++;
        ch = line[++i];
      } while (ch >= ZERO && ch <= NINE);
    }
    if (ch === 0x65 || ch === 0x45 || digits + decimals > 15) return this.slowNumber(start, cell);
    const a = decimals === 0 ? m : m / POW10[decimals];
    const v = negative ? -a : a;
    this.slots[cell] = v;
    // JSON.stringify writes such a number as these digits (at most 15 significant digits are the
    // shortest that read back, json-bytes.ts), unless it is -0 ("0"), has trailing zeros, or is
    // below 10^-6 (exponent form, ECMA-262 Number::toString).
    if ((negative && m === 0) || last === ZERO || (decimals > 0 && a < 1e-6)) this.extra += jsonNumberBytes(v) - (i - start);
    return i;
  }

  /** A number off the fast path (an exponent, more than 15 digits): JSON's grammar, then Number(). */
  private slowNumber(start: number, cell: number): number {
    const line = this.line;
    let i = start;
    for (let ch = line[i]; (ch >= ZERO && ch <= NINE) || ch === MINUS || ch === 0x2b || ch === DOT || ch === 0x65 || ch === 0x45;)
      ch = line[++i];
    const token = String.fromCharCode.apply(null, line.subarray(start, i) as unknown as number[]);
    if (!JSON_NUMBER.test(token)) throw NOT_FAST;
    const v = Number(token);
    this.slots[cell] = v;
    this.extra += jsonNumberBytes(v) - token.length;
    return i;
  }
}
