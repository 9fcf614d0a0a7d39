/**
 * Chunk planner: which rows go into which context.sync().
 *
 * Excel on the web rejects any request over 5 MB with `RequestPayloadSizeLimitExceeded`, and large
 * writes also fail well below it as `GeneralException` / HTTP 500
 * (https://github.com/OfficeDev/office-js/issues/1314, https://github.com/OfficeDev/office-js/issues/1012).
 * Microsoft's guidance for large ranges is row blocks of a few thousand rows ("Start with 5k–20k
 * rows", "If you encounter a limit error, retry with a smaller block size":
 * https://learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-ranges-large). So a chunk
 * closes at whichever comes first: 1.5 MB of values JSON (a third of the limit: Office's own request
 * encoding is not ours to see), 5,000 rows, or 100,000 cells. write-core halves a chunk that still
 * fails. We plan by the size of the JSON Office sends: the values array dominates, so a chunk's cost
 * is the UTF-8 length of `JSON.stringify(rows)` plus a fixed overhead per queued operation. Rows are
 * kept whole unless a single row alone exceeds the budget; then that row is split by columns (one
 * cell is at most 32,767 characters, ≈ 200 KB of JSON).
 */
import type { CellValue } from '../../common/stream.js';

export const MB = 1024 * 1024;
/** Hard limit of Excel on the web per request. */
export const MAX_SYNC_BYTES = 5 * MB;
/** What we aim to fill each sync with, at most. */
export const TARGET_SYNC_BYTES = 1.5 * MB;
/** Rows per sync, at most ("blocks of a few thousand rows"). */
const DEFAULT_MAX_ROWS = 5_000;
/** Cell cap per sync, for wide tables of tiny cells. */
const DEFAULT_MAX_CELLS = 100_000;
/** Rough JSON cost of one queued operation (action, object path, property name, ids). */
export const OP_OVERHEAD_BYTES = 256;

export interface ChunkBudget {
  maxBytes: number;
  maxCells: number;
  maxRows: number;
}

export const DEFAULT_BUDGET: ChunkBudget = { maxBytes: TARGET_SYNC_BYTES, maxCells: DEFAULT_MAX_CELLS, maxRows: DEFAULT_MAX_ROWS };

/** One write: `rows` (full rows, or a column slice of one row) at rowOffset/colOffset of the data area. */
export interface Chunk {
  rowOffset: number;
  colOffset: number;
  rows: CellValue[][];
  /** Estimated payload of the values operation, overhead included. */
  bytes: number;
  cells: number;
}

/** Strings needing neither an escape nor a multi-byte character (most table text): one byte a character. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** UTF-8 length of a string as JSON (quotes and escapes included). */
export function jsonStringBytes(s: string): number {
  if (s.length < 64 && PLAIN.test(s)) return s.length + 2;
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) n += 2;
    else if (c < 0x20) n += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 6; // lone surrogate: JSON.stringify escapes it as \udXXX
    } else if (c >= 0xd800 && c <= 0xdfff) n += 6;
    else n += 3;
  }
  return n;
}

/** Decimal digits of a whole number 1 ≤ a < 10^15, by comparisons (powers of ten below 2^53 are exact). */
function digits(a: number): number {
  if (a < 1e5) return a < 10 ? 1 : a < 100 ? 2 : a < 1e3 ? 3 : a < 1e4 ? 4 : 5;
  if (a < 1e10) return a < 1e6 ? 6 : a < 1e7 ? 7 : a < 1e8 ? 8 : a < 1e9 ? 9 : 10;
  return a < 1e11 ? 11 : a < 1e12 ? 12 : a < 1e13 ? 13 : a < 1e14 ? 14 : 15;
}

function cellBytes(v: CellValue): number {
  if (typeof v === 'string') return jsonStringBytes(v);
  if (v === null || v === undefined) return 4;
  if (typeof v === 'boolean') return v ? 4 : 5;
  const a = v < 0 ? -v : v;
  const sign = v < 0 ? 1 : 0;
  // Integers (most numbers of a table) by counting digits: no string per cell.
  if (Number.isInteger(a) && a < 1e15) return a === 0 ? 1 : sign + digits(a);
  // Up to four decimals (prices, sales, ratios): when v is the nearest double to m/10^4 with
  // |m| < 10^15, no shorter decimal reads back as v (below 10^11 doubles are far closer together
  // than 10^-4), so JSON writes that decimal: sign, whole digits, ".", decimals without trailing
  // zeros. Its whole part is floor(|v|) and its decimals m − floor(|v|)·10^4, exact integers.
  const scaled = Math.round(a * 1e4);
  if (scaled < 1e15 && scaled / 1e4 === a) {
    const whole = Math.floor(a);
    const frac = scaled - whole * 1e4;
    const decimals = frac % 1000 === 0 ? 1 : frac % 100 === 0 ? 2 : frac % 10 === 0 ? 3 : 4;
    return sign + (whole === 0 ? 1 : digits(whole)) + 1 + decimals;
  }
  return Number.isFinite(v) ? String(v).length : 4;
}

/** JSON bytes of one row `[a,b,c]` followed by its separating comma. */
function rowBytes(row: readonly CellValue[], from = 0, to = row.length): number {
  let n = 2 + Math.max(0, to - from - 1) + 1;
  for (let c = from; c < to; c++) n += cellBytes(row[c]);
  return n;
}

/** Estimated payload of writing `rows` in one operation. */
export function chunkBytes(rows: readonly (readonly CellValue[])[]): number {
  let n = OP_OVERHEAD_BYTES + 2;
  for (const r of rows) n += rowBytes(r);
  return n;
}

/**
 * Streaming planner: push row batches as they arrive, get back the chunks that are full.
 * A chunk closes when the next row would exceed the byte or cell budget.
 */
export class ChunkAccumulator {
  private rows: CellValue[][] = [];
  private bytes = OP_OVERHEAD_BYTES + 2;
  private cells = 0;
  private nextRow = 0;
  private budget: ChunkBudget;

  constructor(
    private readonly columnCount: number,
    budget: Partial<ChunkBudget> = {},
  ) {
    this.budget = { ...DEFAULT_BUDGET, ...budget };
    if (columnCount < 1) throw new RangeError('A table needs at least one column.');
  }

  push(batch: readonly CellValue[][]): Chunk[] {
    const out: Chunk[] = [];
    for (const row of batch) {
      const b = rowBytes(row, 0, this.columnCount);
      const fitsEmpty = b + OP_OVERHEAD_BYTES + 2 <= this.budget.maxBytes && this.columnCount <= this.budget.maxCells;
      if (!fitsEmpty) {
        out.push(...this.close());
        out.push(...splitRow(row.slice(0, this.columnCount), this.nextRow, this.budget));
        this.nextRow++;
        continue;
      }
      if (
        this.bytes + b > this.budget.maxBytes ||
        this.cells + this.columnCount > this.budget.maxCells ||
        this.rows.length >= this.budget.maxRows
      ) {
        out.push(...this.close());
      }
      this.rows.push(row as CellValue[]);
      this.bytes += b;
      this.cells += this.columnCount;
    }
    return out;
  }

  flush(): Chunk[] {
    return this.close();
  }

  private close(): Chunk[] {
    if (this.rows.length === 0) return [];
    const chunk: Chunk = { rowOffset: this.nextRow, colOffset: 0, rows: this.rows, bytes: this.bytes, cells: this.cells };
    this.nextRow += this.rows.length;
    this.rows = [];
    this.bytes = OP_OVERHEAD_BYTES + 2;
    this.cells = 0;
    return [chunk];
  }
}

/** Splits one oversized row into column slices that each fit the budget. */
function splitRow(row: CellValue[], rowOffset: number, budget: ChunkBudget): Chunk[] {
  const out: Chunk[] = [];
  let start = 0;
  let bytes = OP_OVERHEAD_BYTES + 4;
  for (let c = 0; c < row.length; c++) {
    const b = cellBytes(row[c]) + 1;
    if (c > start && (bytes + b > budget.maxBytes || c - start >= budget.maxCells)) {
      out.push({ rowOffset, colOffset: start, rows: [row.slice(start, c)], bytes, cells: c - start });
      start = c;
      bytes = OP_OVERHEAD_BYTES + 4;
    }
    bytes += b;
  }
  out.push({ rowOffset, colOffset: start, rows: [row.slice(start)], bytes, cells: row.length - start });
  return out;
}

/** Plans a whole, known result. */
export function planChunks(rows: readonly CellValue[][], columnCount: number, budget: Partial<ChunkBudget> = {}): Chunk[] {
  const acc = new ChunkAccumulator(columnCount, budget);
  return [...acc.push(rows), ...acc.flush()];
}

/**
 * After `RequestPayloadSizeLimitExceeded`: halve the chunk (by rows, or by columns for one row).
 * Returns null when the chunk is a single cell and cannot shrink.
 */
export function halveChunk(chunk: Chunk): [Chunk, Chunk] | null {
  const make = (rowOffset: number, colOffset: number, rows: CellValue[][]): Chunk => ({
    rowOffset,
    colOffset,
    rows,
    bytes: chunkBytes(rows),
    cells: rows.length * (rows[0]?.length ?? 0),
  });
  if (chunk.rows.length > 1) {
    const mid = Math.ceil(chunk.rows.length / 2);
    return [
      make(chunk.rowOffset, chunk.colOffset, chunk.rows.slice(0, mid)),
      make(chunk.rowOffset + mid, chunk.colOffset, chunk.rows.slice(mid)),
    ];
  }
  const row = chunk.rows[0] ?? [];
  if (row.length < 2) return null;
  const mid = Math.ceil(row.length / 2);
  return [make(chunk.rowOffset, chunk.colOffset, [row.slice(0, mid)]), make(chunk.rowOffset, chunk.colOffset + mid, [row.slice(mid)])];
}
