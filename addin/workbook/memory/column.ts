/**
 * One column of a worksheet in the in-memory Excel (sheet.ts), stored the way it is written and
 * read: values in typed arrays by row (a kind byte per row, numbers in a Float64Array, strings in
 * one array), formulas in a sparse map, number formats as runs of rows ("rows 2–1,000,001: 0.00")
 * rather than a format per cell. Setting the number format of a million rows is one run, as
 * Range.numberFormat with a 1×1 array is one operation in Excel (office-js-docs-reference#578:
 * https://github.com/OfficeDev/office-js-docs-reference/issues/578).
 */
import { MAX_ROWS } from '../address.js';
import type { Scalar } from './formula.js';

/** One cell as the sheet hands it out: a copy, present only when the cell has a value, formula or format. */
export interface MemCell {
  value: Scalar | null;
  formula?: string;
  format?: string;
}

/** What a cell holds (a byte per row); MemoryWorkbook's write loop fills its plan with the same codes. */
export const EMPTY = 0;
export const NUMBER = 1;
export const TRUE = 2;
export const FALSE = 3;
export const STRING = 4;

/**
 * A copy of `rows` rows of one column, in the column's own layout (typed arrays by offset from the
 * first row): what a Range.copyFrom takes of its source before writing, since source and
 * destination may overlap (copy.ts).
 */
export interface ColumnSlice {
  readonly rows: number;
  readonly kinds: Uint8Array;
  readonly numbers: Float64Array;
  /** Strings by offset (shorter than `rows` when the last ones hold none), or null when none. */
  strings: (string | undefined)[] | null;
  /** Formulas by offset. */
  readonly formulas: Map<number, string>;
  /** Number-format runs [start, end, format] by offset. */
  readonly formats: [number, number, string][];
}

/** No value and no formula at offset `i` (what copyFrom's skipBlanks skips). */
export function isBlankAt(s: ColumnSlice, i: number): boolean {
  return s.kinds[i] === EMPTY && !s.formulas.has(i);
}

/** Puts a value into a slice at offset `i` (copy.ts: a formula's computed value for "Values"). */
export function setSliceValue(s: ColumnSlice, i: number, v: Scalar | null): void {
  if (v === null) s.kinds[i] = EMPTY;
  else if (typeof v === 'number') {
    s.kinds[i] = NUMBER;
    s.numbers[i] = v;
  } else if (typeof v === 'string') {
    s.strings ??= [];
    while (s.strings.length < i) s.strings.push(undefined);
    s.kinds[i] = STRING;
    s.strings[i] = v;
  } else s.kinds[i] = v ? TRUE : FALSE;
}

/** Removes the value at offset `i` of a slice (a formula cell's value is computed, never kept with it). */
export function dropSliceValue(s: ColumnSlice, i: number): void {
  s.kinds[i] = EMPTY;
}

/** Number formats of one column as sorted, non-overlapping runs [start, end) of one format each. */
export class FormatRuns {
  private starts: number[] = [];
  private ends: number[] = [];
  private formats: string[] = [];

  /** Index of the last run starting at or before `r`, or -1. */
  private at(r: number): number {
    let lo = 0,
      hi = this.starts.length - 1,
      found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= r) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  get(r: number): string | undefined {
    const i = this.at(r);
    return i >= 0 && r < this.ends[i] ? this.formats[i] : undefined;
  }

  /** Rows [from, to) get `format` (undefined = General, i.e. no run). Neighbouring runs of the same format merge. */
  set(from: number, to: number, format: string | undefined): void {
    if (to <= from) return;
    let i = this.at(from);
    if (i < 0 || this.ends[i] <= from) i++;
    let j = i;
    while (j < this.starts.length && this.starts[j] < to) j++;
    // Runs i..j-1 overlap [from, to): keep their parts outside it.
    const s: number[] = [];
    const e: number[] = [];
    const f: string[] = [];
    const push = (a: number, b: number, x: string) => {
      const k = s.length - 1;
      if (k >= 0 && e[k] === a && f[k] === x) e[k] = b;
      else {
        s.push(a);
        e.push(b);
        f.push(x);
      }
    };
    // Merge with the run just before when it touches `from`.
    let first = i;
    if (first > 0 && this.ends[first - 1] === from && format !== undefined && this.formats[first - 1] === format) first--;
    for (let k = first; k < i; k++) push(this.starts[k], this.ends[k], this.formats[k]);
    if (i < j && this.starts[i] < from) push(this.starts[i], from, this.formats[i]);
    if (format !== undefined) push(from, to, format);
    if (i < j && this.ends[j - 1] > to) push(to, this.ends[j - 1], this.formats[j - 1]);
    let last = j;
    if (last < this.starts.length && s.length && e[s.length - 1] === this.starts[last] && f[s.length - 1] === this.formats[last]) {
      push(this.starts[last], this.ends[last], this.formats[last]);
      last++;
    }
    this.starts.splice(first, last - first, ...s);
    this.ends.splice(first, last - first, ...e);
    this.formats.splice(first, last - first, ...f);
  }

  /** The end of the run holding row `r`, or -1 when `r` has no format. */
  endOfRunAt(r: number): number {
    const i = this.at(r);
    return i >= 0 && r < this.ends[i] ? this.ends[i] : -1;
  }

  /** The runs inside [from, to), clipped to it, as [start, end, format]. */
  runsIn(from: number, to: number): [number, number, string][] {
    const out: [number, number, string][] = [];
    for (let k = Math.max(0, this.at(from)); k < this.starts.length && this.starts[k] < to; k++) {
      const a = Math.max(from, this.starts[k]);
      const b = Math.min(to, this.ends[k]);
      if (a < b) out.push([a, b, this.formats[k]]);
    }
    return out;
  }

  /** Rows [at, at + n) take the formats of `runs` [off, off + n) (runs by offset, as ColumnSlice.formats): run by run. */
  paste(runs: readonly [number, number, string][], off: number, n: number, at: number): void {
    this.set(at, at + n, undefined);
    for (const [a, b, f] of runs) {
      const s = Math.max(a, off);
      const e = Math.min(b, off + n);
      if (s < e) this.set(at + s - off, at + e - off, f);
    }
  }

  /** Rows in [from, to) without a format get `format` (the gaps between runs), as a growing table extends a column's format. */
  fillGaps(from: number, to: number, format: string): void {
    let gap = from;
    for (const [a, b] of this.runsIn(from, to)) {
      if (gap < a) this.set(gap, a, format);
      gap = b;
    }
    if (gap < to) this.set(gap, to, format);
  }

  /** One past the last formatted row (0 when none). */
  end(): number {
    return this.ends.length ? this.ends[this.ends.length - 1] : 0;
  }

  /** First and last formatted rows inside [from, to), or null. */
  bounds(from: number, to: number): [number, number] | null {
    let lo = -1,
      hi = -1;
    for (let k = 0; k < this.starts.length; k++) {
      const a = Math.max(from, this.starts[k]);
      const b = Math.min(to, this.ends[k]);
      if (a >= b) continue;
      if (lo < 0) lo = a;
      hi = b - 1;
    }
    return lo < 0 ? null : [lo, hi];
  }
}

export class Column {
  private kinds = new Uint8Array(0);
  /**
   * Numbers by row: empty until the column's first number, then as long as `kinds` (a column of
   * text never holds the 8 bytes a row, nor copies them at each growth).
   */
  private numbers: Float64Array<ArrayBuffer> = new Float64Array(0);
  /**
   * Strings by row, allocated on the first string and grown by appending (rows arrive in order), so
   * the array stays a packed one and never holds a hole per row of another kind's column.
   */
  private strings: (string | undefined)[] | null = null;
  /** Rows holding a value lie within [low, high]; `loose` once a value at an edge was removed. */
  private low = Infinity;
  private high = -1;
  private loose = false;
  readonly formulas = new Map<number, string>();
  readonly formats = new FormatRuns();

  private grow(r: number): void {
    let cap = Math.max(64, this.kinds.length);
    while (cap <= r) cap *= 2;
    // Rows with a format are where values are coming (a table's column formats are set before its
    // values): room for all of them at once rather than a copy at every doubling on the way. Not
    // for a format that runs to the sheet's last row: that is a whole-column format (a user's
    // A:A), which says nothing about how many rows will get values; pre-sizing for it would hold
    // 9 MB for one value.
    const formattedEnd = this.formats.endOfRunAt(r);
    if (formattedEnd < MAX_ROWS) cap = Math.max(cap, formattedEnd);
    cap = Math.min(cap, MAX_ROWS);
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    this.kinds = kinds;
    if (this.numbers.length > 0) this.numbersFor();
  }

  /** The numbers array, as long as `kinds` (allocated at the column's first number). */
  private numbersFor(): Float64Array<ArrayBuffer> {
    if (this.numbers.length < this.kinds.length) {
      const numbers = new Float64Array(this.kinds.length);
      numbers.set(this.numbers);
      this.numbers = numbers;
    }
    return this.numbers;
  }

  value(r: number): Scalar | null {
    if (r >= this.kinds.length) return null;
    switch (this.kinds[r]) {
      case NUMBER:
        return this.numbers[r];
      case STRING:
        return this.strings![r]!;
      case TRUE:
        return true;
      case FALSE:
        return false;
      default:
        return null;
    }
  }

  setValue(r: number, v: Scalar | null): void {
    if (v === null) {
      if (r >= this.kinds.length || this.kinds[r] === EMPTY) return;
      this.kinds[r] = EMPTY;
      if (this.strings && r < this.strings.length) this.strings[r] = undefined;
      if (r === this.low || r === this.high) this.loose = true;
      return;
    }
    if (r >= this.kinds.length) this.grow(r);
    if (typeof v === 'number') {
      this.kinds[r] = NUMBER;
      this.numbersFor()[r] = v;
    } else if (typeof v === 'string') {
      this.strings ??= [];
      while (this.strings.length < r) this.strings.push(undefined);
      this.kinds[r] = STRING;
      this.strings[r] = v;
    } else this.kinds[r] = v ? TRUE : FALSE;
    if (r < this.low) this.low = r;
    if (r > this.high) this.high = r;
  }

  /**
   * Rows from `row` on get the values of a write plan (MemoryWorkbook.writeCells): plan[at + i] is
   * NUMBER (numbers[at + i]), TRUE, FALSE or STRING (the string grid[i][col], the write's own input:
   * no copy of it into the plan) for row + i; any other code leaves that row alone. As setValue for
   * each, and no formula stays in a written cell.
   */
  setPlanned(
    row: number,
    count: number,
    plan: Uint8Array,
    at: number,
    numbers: Float64Array,
    grid: readonly (readonly unknown[])[],
    col: number,
  ): void {
    let first = -1;
    let last = -1;
    for (let i = count - 1; i >= 0; i--)
      if (plan[at + i] >= NUMBER && plan[at + i] <= STRING) {
        last = row + i;
        break;
      }
    if (last < 0) return;
    for (let i = 0; i < count; i++)
      if (plan[at + i] >= NUMBER && plan[at + i] <= STRING) {
        first = row + i;
        break;
      }
    if (last >= this.kinds.length) this.grow(last);
    // The arrays in locals and the bounds set once: this loop runs once per written cell.
    const kinds = this.kinds;
    let own = this.numbers;
    let texts = this.strings;
    const formulas = this.formulas.size > 0 ? this.formulas : null;
    for (let i = 0; i < count; i++) {
      const h = plan[at + i];
      const r = row + i;
      if (h === NUMBER) {
        if (own.length === 0) own = this.numbersFor();
        own[r] = numbers[at + i];
      } else if (h === STRING) {
        texts ??= this.strings = [];
        while (texts.length < r) texts.push(undefined);
        texts[r] = grid[i][col] as string;
      } else if (h !== TRUE && h !== FALSE) continue;
      kinds[r] = h;
      formulas?.delete(r);
    }
    if (first < this.low) this.low = first;
    if (last > this.high) this.high = last;
  }

  /** Removes the values and formulas of rows [from, to) (formats stay). */
  clearContents(from: number, to: number): void {
    this.clearValues(from, to);
    this.deleteFormulas(from, to);
  }

  /** Removes the values of rows [from, to): a fill of the typed arrays, not a row at a time. */
  private clearValues(from: number, to: number): void {
    const end = Math.min(to, this.kinds.length);
    if (end <= from) return;
    this.kinds.fill(EMPTY, from, end);
    if (this.strings && from < this.strings.length) this.strings.fill(undefined, from, Math.min(end, this.strings.length));
    if (from <= this.high && end > this.low) this.loose = true;
  }

  /** Removes the formulas of rows [from, to), walking whichever is shorter: the rows or the formulas. */
  deleteFormulas(from: number, to: number): void {
    if (this.formulas.size === 0) return;
    if (this.formulas.size <= to - from) {
      for (const r of this.formulas.keys()) if (r >= from && r < to) this.formulas.delete(r);
    } else for (let r = from; r < to; r++) this.formulas.delete(r);
  }

  /** A copy of rows [from, from + n): typed-array slices, the formulas and format runs inside, by offset. */
  slice(from: number, n: number): ColumnSlice {
    const kinds = new Uint8Array(n);
    const numbers = new Float64Array(n);
    const end = Math.min(from + n, this.kinds.length);
    if (end > from) {
      kinds.set(this.kinds.subarray(from, end));
      if (this.numbers.length > 0) numbers.set(this.numbers.subarray(from, end));
    }
    const strings = this.strings && from < this.strings.length ? this.strings.slice(from, from + n) : null;
    const formulas = new Map<number, string>();
    if (this.formulas.size <= n) {
      for (const [r, f] of this.formulas) if (r >= from && r < from + n) formulas.set(r - from, f);
    } else
      for (let i = 0; i < n; i++) {
        const f = this.formulas.get(from + i);
        if (f !== undefined) formulas.set(i, f);
      }
    const formats = this.formats.runsIn(from, from + n).map(([a, b, f]): [number, number, string] => [a - from, b - from, f]);
    return { rows: n, kinds, numbers, strings, formulas, formats };
  }

  /**
   * Rows [at, at + n) take the values of offsets [off, off + n) of `s` — typed-array `set`s, the
   * strings assigned in order — leaving formulas and formats alone.
   */
  putValues(s: ColumnSlice, off: number, n: number, at: number): void {
    let first = -1,
      last = -1,
      filled = 0;
    for (let i = off; i < off + n; i++)
      if (s.kinds[i] !== EMPTY) {
        if (first < 0) first = i;
        last = i;
        filled++;
      }
    if (first < 0) return this.clearValues(at, at + n);
    if (at + n > this.kinds.length) this.grow(at + n - 1);
    if (filled < n && at <= this.high && at + n > this.low) this.loose = true;
    const numbers = this.numbersFor();
    if (n > 16) {
      this.kinds.set(s.kinds.subarray(off, off + n), at);
      numbers.set(s.numbers.subarray(off, off + n), at);
    } else
      for (let i = 0; i < n; i++) {
        // A few rows (a small source repeated down a column): no typed-array views to allocate.
        this.kinds[at + i] = s.kinds[off + i];
        numbers[at + i] = s.numbers[off + i];
      }
    const src = s.strings;
    if (src || (this.strings && at < this.strings.length)) {
      const dst = (this.strings ??= []);
      for (let i = 0; i < n; i++) {
        const isString = s.kinds[off + i] === STRING;
        const r = at + i;
        if (r < dst.length) dst[r] = isString ? src![off + i] : undefined;
        else if (isString) {
          while (dst.length < r) dst.push(undefined);
          dst.push(src![off + i]);
        }
      }
    }
    this.low = Math.min(this.low, at + first - off);
    this.high = Math.max(this.high, at + last - off);
  }

  /** Rows of [from, from + n) whose cell holds a formula or a value other than "" (1) or not (0), by offset. */
  contentMask(from: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    const end = Math.min(from + n, this.kinds.length);
    for (let r = from; r < end; r++) {
      const k = this.kinds[r];
      if (k !== EMPTY && !(k === STRING && this.strings![r] === '')) out[r - from] = 1;
    }
    if (this.formulas.size <= n) {
      for (const r of this.formulas.keys()) if (r >= from && r < from + n) out[r - from] = 1;
    } else for (let i = 0; i < n; i++) if (this.formulas.has(from + i)) out[i] = 1;
    return out;
  }

  cell(r: number): MemCell | undefined {
    const value = this.value(r);
    const formula = this.formulas.get(r);
    const format = this.formats.get(r);
    if (value === null && formula === undefined && format === undefined) return undefined;
    return { value, ...(formula !== undefined ? { formula } : {}), ...(format !== undefined ? { format } : {}) };
  }

  /** Tightens [low, high] after values at its edges were removed. */
  private valueBounds(): [number, number] | null {
    if (this.loose) {
      this.loose = false;
      this.low = Infinity;
      this.high = -1;
      for (let r = 0; r < this.kinds.length; r++)
        if (this.kinds[r] !== EMPTY) {
          this.low = r;
          break;
        }
      for (let r = this.kinds.length - 1; r >= 0; r--)
        if (this.kinds[r] !== EMPTY) {
          this.high = r;
          break;
        }
    }
    return this.high < 0 ? null : [this.low, this.high];
  }

  /** One past the last row with a value or formula (or a format, when `withFormats`). */
  extent(withFormats: boolean): number {
    let end = (this.valueBounds()?.[1] ?? -1) + 1;
    for (const r of this.formulas.keys()) end = Math.max(end, r + 1);
    if (withFormats) end = Math.max(end, this.formats.end());
    return end;
  }

  /** First and last rows in [from, to) holding a value or formula (or a format, unless valuesOnly), or null. */
  bounds(from: number, to: number, valuesOnly: boolean): [number, number] | null {
    let lo = Infinity,
      hi = -1;
    const vb = this.valueBounds();
    if (vb) {
      const a = Math.max(from, vb[0]);
      const b = Math.min(to - 1, vb[1]);
      if (a <= b) {
        let r = a;
        while (r <= b && this.kinds[r] === EMPTY) r++;
        let s = b;
        while (s >= r && this.kinds[s] === EMPTY) s--;
        if (r <= s) {
          lo = r;
          hi = s;
        }
      }
    }
    for (const r of this.formulas.keys())
      if (r >= from && r < to) {
        lo = Math.min(lo, r);
        hi = Math.max(hi, r);
      }
    if (!valuesOnly) {
      const fb = this.formats.bounds(from, to);
      if (fb) {
        lo = Math.min(lo, fb[0]);
        hi = Math.max(hi, fb[1]);
      }
    }
    return hi < 0 ? null : [lo, hi];
  }

  /** Rows in [from, to) with a value or formula (or a format too), in order. */
  *rowsWithContent(from: number, to: number, withFormats: boolean): Generator<number> {
    for (let r = from; r < to; r++)
      if ((r < this.kinds.length && this.kinds[r] !== EMPTY) || this.formulas.has(r) || (withFormats && this.formats.get(r) !== undefined))
        yield r;
  }
}
