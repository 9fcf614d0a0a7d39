/**
 * One column's converted values while csv-columns.ts reads a CSV, kept so that numbers are never
 * boxed: numbers go to an array that holds nothing but numbers (NaN where the row has none),
 * created at the first number, anything else (text, booleans, a long decimal kept as text) to a second array created at the
 * first such value. `toArray` gives the column as `CellValue[]` once the last row is read: for a
 * column of numbers only, the numbers array itself.
 *
 * Why: V8 stores a JS array's numbers unboxed only while the array holds nothing but numbers, and
 * an array literal's elements kind is learned per allocation site
 * (https://v8.dev/blog/elements-kinds): once one column array from a site turned generic (a text
 * column), every later array from that site started generic, so each "$1,234.56" of a million
 * became a heap number of its own for the garbage collector to copy and scan. `newNumbers` is a
 * site that only ever sees numbers. In the csv_1m bench that storage was about a quarter of the
 * typed path's CPU (bench/csv.ts; docs/performance.md, CSV).
 */
import type { CellValue } from '../../common/stream.js';

export class ColumnBuilder {
  /**
   * From the first number: row r's number, or NaN when row r holds none (a converted number is never
   * NaN). A text column never has one.
   */
  private numbers: number[] | null = null;
  /**
   * From the first value that is neither a number nor null: row r's value, undefined for a number
   * (in `numbers`) and for a null before this array began.
   */
  private others: Array<CellValue | undefined> | null = null;
  /** Rows that hold no number. */
  private nonNumbers = 0;
  length = 0;

  push(value: CellValue): void {
    const r = this.length++;
    const others = this.others;
    if (typeof value === 'number') {
      (this.numbers ?? this.startNumbers(r)).push(value);
      if (others !== null) others.push(undefined);
      return;
    }
    this.numbers?.push(NaN);
    this.nonNumbers++;
    if (others !== null) others.push(value);
    else if (value !== null) this.startOthers(r, value);
  }

  /** `push` of a number, in a call small enough to be inlined, so the number is never boxed. */
  pushNumber(value: number): void {
    const numbers = this.numbers;
    if (numbers === null || this.others !== null) return this.push(value);
    numbers.push(value);
    this.length++;
  }

  /** The column as values by row; the builder is spent. */
  toArray(): CellValue[] {
    const { numbers, others, length } = this;
    if (others === null) {
      if (numbers === null) return new Array<CellValue>(length).fill(null);
      return this.nonNumbers === 0 ? numbers : numbersOrNull(numbers, length);
    }
    for (let r = 0; r < length; r++) {
      if (others[r] === undefined) {
        const n = numbers === null ? NaN : numbers[r];
        others[r] = n === n ? n : null;
      }
    }
    return others as CellValue[];
  }

  private startNumbers(r: number): number[] {
    const numbers = newNumbers();
    for (let i = 0; i < r; i++) numbers.push(NaN);
    this.numbers = numbers;
    return numbers;
  }

  private startOthers(r: number, value: CellValue): void {
    const others: Array<CellValue | undefined> = [];
    for (let i = 0; i < r; i++) others.push(undefined);
    others.push(value);
    this.others = others;
  }
}

/** The one allocation site of the numbers arrays: only numbers are ever stored in them (see above). */
function newNumbers(): number[] {
  return [];
}

function numbersOrNull(numbers: readonly number[], length: number): CellValue[] {
  const out = new Array<CellValue>(length);
  for (let r = 0; r < length; r++) {
    const n = numbers[r];
    out[r] = n === n ? n : null;
  }
  return out;
}
