/**
 * 64-bit hashes of typed cell values: what lets a refresh compare a new result with the old one
 * without keeping a second copy of the old one's values (the old rows are reduced to hashes).
 *
 * The mixing is cyrb53's (bryc, public domain,
 * https://github.com/bryc/code/blob/master/jshash/experimental/cyrb53.js): two 32-bit lanes
 * multiplied by odd constants with Math.imul and an avalanche step at the end. Both lanes are kept,
 * so a hash has 64 bits: two different keys of a 1,000,000-row table share a hash with probability
 * about n²/2⁶⁵ ≈ 3·10⁻⁸.
 */
import type { CellValue } from '../stream.js';

/**
 * Excel keeps at most 32,767 characters in a cell
 * (https://support.microsoft.com/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3);
 * a longer text is written cut (addin/workbook/write-core.ts), so only that much is compared, or a
 * long text would look changed on every refresh.
 */
const EXCEL_TEXT_LIMIT = 32_767;

const TAG_EMPTY = 1;
const TAG_TEXT = 2;
const TAG_NUMBER = 3;
const TAG_TRUE = 4;
const TAG_FALSE = 5;

const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);

/** A reusable accumulator (no allocation per value: a million rows are hashed in one pass). */
export class Hasher {
  /** The two 32-bit halves of the last finish(). */
  a = 0;
  b = 0;
  private h1 = 0;
  private h2 = 0;

  reset(seed = 0): this {
    this.h1 = 0xdeadbeef ^ seed;
    this.h2 = 0x41c6ce57 ^ seed;
    return this;
  }

  word(w: number): void {
    this.h1 = Math.imul(this.h1 ^ w, 2654435761);
    this.h2 = Math.imul(this.h2 ^ w, 1597334677);
  }

  /**
   * A typed value: its kind is part of the hash, so the text "1" and the number 1 differ. An empty
   * cell is the same whether it arrived as null (the stream) or as "" (Excel reads an empty cell so).
   */
  value(v: CellValue): void {
    if (v === null || v === '') this.word(TAG_EMPTY);
    else if (typeof v === 'string') {
      this.word(TAG_TEXT);
      const end = Math.min(v.length, EXCEL_TEXT_LIMIT);
      for (let i = 0; i < end; i++) this.word(v.charCodeAt(i));
      this.word(end);
    } else if (typeof v === 'number') {
      this.word(TAG_NUMBER);
      float[0] = v === 0 ? 0 : v; // -0 and 0 are the same cell value
      this.word(words[0]);
      this.word(words[1]);
    } else this.word(v ? TAG_TRUE : TAG_FALSE);
  }

  /** Ends the hash: `a` and `b` hold it (unsigned). */
  finish(): void {
    let { h1, h2 } = this;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    this.a = h1 >>> 0;
    this.b = h2 >>> 0;
  }
}
