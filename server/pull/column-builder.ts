/**
 * One column's converted values while csv-columns.ts reads a CSV, kept so that numbers are never
 * boxed: numbers go to a growing Float64Array, anything else (text, booleans, a long decimal kept
 * as text) to a plain array created at the first such value. `toArray` gives the column as
 * `CellValue[]` once the last row is read.
 *
 * Why: V8 stores a JS array's doubles unboxed only while the array holds nothing but numbers, and an
 * array literal's elements kind is learned per allocation site
 * (https://v8.dev/blog/elements-kinds): once one column array from a site turned generic (a text
 * column), every later array from that site starts generic, so each of a million "$1,234.56" became
 * its own heap number for the garbage collector to copy and scan. In the csv_1m bench that storage
 * cost about a quarter of the typed path's CPU (bench/csv.ts; README "Performance", CSV).
 */
import type { CellValue } from '../../common/stream.js';

const INITIAL_CAPACITY = 1024;

export class ColumnBuilder {
  /** Row r's number, or NaN when row r is no number (converted numbers are never NaN). */
  private numbers = new Float64Array(INITIAL_CAPACITY);
  /**
   * From the first value that is neither a number nor null: row r's value, undefined for a number
   * (in `numbers`) and for a null before this array began.
   */
  private others: Array<CellValue | undefined> | null = null;
  /** Rows that hold no number. */
  private nonNumbers = 0;
  length = 0;

  push(value: CellValue): void {
    const r = this.length;
    if (r === this.numbers.length) this.grow();
    this.length = r + 1;
    const others = this.others;
    if (typeof value === 'number') {
      this.numbers[r] = value;
      if (others !== null) others.push(undefined);
      return;
    }
    this.numbers[r] = NaN;
    this.nonNumbers++;
    if (others !== null) others.push(value);
    else if (value !== null) this.startOthers(r, value);
  }

  /** The column as values by row; the builder is spent. */
  toArray(): CellValue[] {
    const { numbers, others, length } = this;
    if (others === null) return this.nonNumbers === 0 ? onlyNumbers(numbers, length) : numbersOrNull(numbers, length);
    for (let r = 0; r < length; r++) {
      if (others[r] === undefined) {
        const n = numbers[r];
        others[r] = n === n ? n : null;
      }
    }
    return others as CellValue[];
  }

  private grow(): void {
    const bigger = new Float64Array(this.numbers.length * 2);
    bigger.set(this.numbers);
    this.numbers = bigger;
  }

  private startOthers(r: number, value: CellValue): void {
    const others: Array<CellValue | undefined> = [];
    for (let i = 0; i < r; i++) others.push(undefined);
    others.push(value);
    this.others = others;
  }
}

// Two functions, so two allocation sites: an array that only ever holds numbers keeps them unboxed
// even after a column with nulls made the other site's arrays generic.
function onlyNumbers(numbers: Float64Array, length: number): number[] {
  const out = new Array<number>(length);
  for (let r = 0; r < length; r++) out[r] = numbers[r];
  return out;
}

function numbersOrNull(numbers: Float64Array, length: number): CellValue[] {
  const out = new Array<CellValue>(length);
  for (let r = 0; r < length; r++) {
    const n = numbers[r];
    out[r] = n === n ? n : null;
  }
  return out;
}
