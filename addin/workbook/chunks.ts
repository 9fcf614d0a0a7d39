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
import { jsonNumberBytes, jsonStringBytes } from './json-bytes.js';

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

/** JSON bytes of one cell (json-bytes.ts: exactly what JSON.stringify writes, without the string). */
function cellBytes(v: CellValue): number {
  if (typeof v === 'string') return jsonStringBytes(v);
  if (typeof v === 'number') return jsonNumberBytes(v);
  if (typeof v === 'boolean') return v ? 4 : 5;
  return 4; // null
}

/** JSON bytes of one row `[a,b,c]` followed by its separating comma. */
function rowBytes(row: readonly CellValue[], from = 0, to = row.length): number {
  let n = 2 + Math.max(0, to - from - 1) + 1;
  for (let c = from; c < to; c++) n += cellBytes(row[c]);
  return n;
}

/**
 * Row batches whose rows' JSON bytes (rowBytes, comma included) were counted where the batch was
 * decoded (the pull worker: api/rows-scan.ts, off the pane's thread), so the planner does not count
 * them again. Kept beside the batch, not in it: a batch is a plain CellValue[][] everywhere else.
 */
const counted = new WeakMap<object, Uint32Array>();

/** Marks `batch` with each row's JSON bytes; returns the batch. */
export function withRowBytes<T extends readonly unknown[]>(batch: T, bytes: Uint32Array): T {
  if (bytes.length === batch.length) counted.set(batch, bytes);
  return batch;
}

/** The row bytes withRowBytes marked `batch` with, if any. */
export function rowBytesOf(batch: readonly unknown[]): Uint32Array | undefined {
  return counted.get(batch);
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

  /**
   * `counted`: rows already measured (withRowBytes) — a row of `batch` that is the same array as
   * counted.rows[i] takes counted.bytes[i] instead of being counted again.
   */
  push(batch: readonly CellValue[][], counted?: { rows: readonly unknown[]; bytes: Uint32Array }): Chunk[] {
    const out: Chunk[] = [];
    for (let r = 0; r < batch.length; r++) {
      const row = batch[r];
      const b =
        counted && counted.rows[r] === row && row.length === this.columnCount ? counted.bytes[r] : rowBytes(row, 0, this.columnCount);
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
