/**
 * The chunked writer of the gateway. It only talks to a WritePort (queue formats, queue values,
 * sync), so it is tested without Office:
 *  - number formats BEFORE values (text "@" first, so "=…" stays text): once per whole column when
 *    the row count is known, otherwise per chunk;
 *  - one sync per chunk (chunks.ts: ≤ 1.5 MB, ≤ 5,000 rows);
 *  - on `RequestPayloadSizeLimitExceeded` or `GeneralException` (what large writes on the web also
 *    fail with: https://github.com/OfficeDev/office-js/issues/1314): halve the chunk, retry, and keep
 *    the smaller budget ("If you encounter a limit error, retry with a smaller block size":
 *    https://learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-ranges-large). A
 *    GeneralException that survives halving down to a few rows is not about size: it is rethrown;
 *  - Cancel is honoured between chunks (the caller removes what was written);
 *  - the pane's thread is given back every 16 ms of the writer's own work (next-task.ts).
 */
import { throwIfAborted as throwIfAbortedWith } from '../../common/errors.js';
import type { CellValue } from '../../common/stream.js';
import type { Rect } from './address.js';
import { type Chunk, ChunkAccumulator, type ChunkBudget, DEFAULT_BUDGET, halveChunk, OP_OVERHEAD_BYTES, rowBytesOf } from './chunks.js';
import { TEXT_FORMAT } from './formats.js';
import { type RowSource, WorkbookError, type WriteProgress, type WriteStats } from './gateway.js';
import { taskSlicer } from './next-task.js';
import { toExcelRows, TRUNCATED_SAMPLE_SIZE } from './text.js';

type ExcelScalar = number | string | boolean;

export interface WritePort {
  /** Queue one number format for every cell of `rect` (Office: a 1×1 array broadcasts). */
  setFormat(rect: Rect, format: string): void;
  /** Queue values with their top-left cell at (row, col). */
  setValues(row: number, col: number, values: ExcelScalar[][]): void;
  /** Send the queued operations as one request (context.sync()). */
  sync(): Promise<void>;
}

interface WriteRowsInput {
  port: WritePort;
  /** Sheet row of the first data row. */
  firstRow: number;
  /** Sheet column for each source column (need not be contiguous: refresh maps by name). */
  targetCols: number[];
  /** Number format per source column ("@" for text). */
  formats: string[];
  rows: RowSource;
  totalRows?: number;
  /** How many rows fit below firstRow before something else is in the way. */
  maxRows: number;
  /** Column headers, to name truncated cells ("Comment, row 17"). */
  columnNames?: string[];
  /** 1-based table data row of the first written row (append mode: after the existing rows). */
  firstRowNumber?: number;
  /** Operations for the first request (header row …); queued again if that request is retried. */
  prelude?: () => void;
  signal?: AbortSignal;
  onProgress?(p: WriteProgress): void;
  budget?: Partial<ChunkBudget>;
}

const errorCode = (e: unknown): unknown => (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined);

function isPayloadTooLarge(e: unknown): boolean {
  return errorCode(e) === 'RequestPayloadSizeLimitExceeded';
}

/** Chunks at or below this many rows that still fail with GeneralException are not failing for their size. */
const GENERAL_EXCEPTION_FLOOR_ROWS = 8;

/** Worth halving and retrying: the request was too large, or failed the way too-large writes do on the web. */
function isSizeFailure(e: unknown, chunk: Chunk): boolean {
  if (isPayloadTooLarge(e)) return true;
  return errorCode(e) === 'GeneralException' && (chunk.rows.length > GENERAL_EXCEPTION_FLOOR_ROWS || chunk.bytes > 64 * 1024);
}

/** common/errors.ts throwIfAborted, throwing the gateway's own error type. */
export function throwIfAborted(signal?: AbortSignal): void {
  throwIfAbortedWith(signal, () => new WorkbookError('cancelled', 'The write was cancelled.'));
}

/** Batches of rows from any RowSource (one array = one batch). */
async function* batchesOf(rows: RowSource): AsyncGenerator<CellValue[][]> {
  if (Array.isArray(rows)) {
    yield rows as CellValue[][];
    return;
  }
  for await (const b of rows as AsyncIterable<CellValue[][]>) yield b;
}

/** Groups of adjacent source columns [from, to) whose sheet columns are contiguous (and, if asked, share a format). */
function runs(targetCols: number[], formats?: string[]): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= targetCols.length; i++) {
    const breaks = i === targetCols.length || targetCols[i] !== targetCols[i - 1] + 1 || (formats && formats[i] !== formats[i - 1]);
    if (breaks) {
      out.push([start, i]);
      start = i;
    }
  }
  return out;
}

export async function writeRows(input: WriteRowsInput): Promise<{ rowsWritten: number; stats: WriteStats }> {
  const { port, firstRow, targetCols, formats, signal } = input;
  const width = targetCols.length;
  const textCols = formats.map((f) => f === TEXT_FORMAT);
  const valueRuns = runs(targetCols);
  const formatRuns = runs(targetCols, formats);
  const formatsUpFront = input.totalRows !== undefined;
  const budget: ChunkBudget = { ...DEFAULT_BUDGET, ...input.budget };
  const acc = new ChunkAccumulator(width, budget);
  const stats: WriteStats = { syncs: 0, bytes: 0, truncatedCells: 0, truncatedSample: [] };
  let preludeDone = false;
  let rowsWritten = 0;

  const queuePrelude = () => {
    input.prelude?.();
    if (formatsUpFront && input.totalRows! > 0) {
      for (const [a, b] of formatRuns)
        port.setFormat({ row: firstRow, col: targetCols[a], rows: input.totalRows!, cols: b - a }, formats[a]);
    }
  };

  const queueChunk = (chunk: Chunk) => {
    const c0 = chunk.colOffset;
    const c1 = c0 + (chunk.rows[0]?.length ?? 0);
    const row = firstRow + chunk.rowOffset;
    for (const [a, b] of formatsUpFront ? [] : formatRuns) {
      const [x, y] = [Math.max(a, c0), Math.min(b, c1)];
      if (x < y) port.setFormat({ row, col: targetCols[x], rows: chunk.rows.length, cols: y - x }, formats[x]);
    }
    for (const [a, b] of valueRuns) {
      const [x, y] = [Math.max(a, c0), Math.min(b, c1)];
      // The whole chunk in one run (the usual case): its rows as they are, not a copy of each.
      if (x === c0 && y === c1) port.setValues(row, targetCols[x], chunk.rows as ExcelScalar[][]);
      else if (x < y)
        port.setValues(
          row,
          targetCols[x],
          chunk.rows.map((r) => (r as ExcelScalar[]).slice(x - c0, y - c0)),
        );
    }
  };

  const send = async (chunk: Chunk): Promise<void> => {
    if (chunk.bytes > budget.maxBytes && chunk.cells > 1) {
      const halves = halveChunk(chunk);
      if (halves) {
        for (const h of halves) await send(h);
        return;
      }
    }
    throwIfAborted(signal);
    if (chunk.rowOffset + chunk.rows.length > input.maxRows) {
      throw new WorkbookError(
        'collision',
        `Only ${input.maxRows} rows fit below the target before other data; the result has more.`,
        'Choose another place or a new sheet.',
      );
    }
    if (!preludeDone) queuePrelude();
    queueChunk(chunk);
    try {
      await port.sync();
    } catch (e) {
      if (!isSizeFailure(e, chunk)) throw e;
      const halves = halveChunk(chunk);
      if (!halves) throw new WorkbookError('payload-too-large', 'A single cell is larger than Excel accepts in one request.');
      budget.maxBytes = Math.max(4096, Math.floor(chunk.bytes / 2));
      for (const h of halves) await send(h);
      return;
    }
    preludeDone = true;
    stats.syncs++;
    stats.bytes += chunk.bytes + OP_OVERHEAD_BYTES;
    if (chunk.colOffset + (chunk.rows[0]?.length ?? 0) === width) rowsWritten = chunk.rowOffset + chunk.rows.length;
    input.onProgress?.({ rowsWritten, totalRows: input.totalRows });
  };

  let seen = 0;
  // Decoding and preparing batches between two syncs can hold the pane's thread when the rows are
  // already there (a fast stream): give it back every 16 ms of such work.
  const checkpoint = taskSlicer();
  for await (const batch of batchesOf(input.rows)) {
    const pause = checkpoint();
    if (pause) await pause;
    throwIfAborted(signal);
    const long = batch.findIndex((r) => !Array.isArray(r) || r.length > width);
    if (long >= 0)
      throw new WorkbookError(
        'invalid-input',
        `Row ${seen + long + 1} has ${Array.isArray(batch[long]) ? batch[long].length : 'no'} values; the table has ${width} columns.`,
      );
    const safe = toExcelRows(batch, textCols);
    stats.truncatedCells += safe.truncated;
    for (const at of safe.truncatedAt) {
      if (stats.truncatedSample.length >= TRUNCATED_SAMPLE_SIZE) break;
      const name = input.columnNames?.[at.col] ?? `Column ${at.col + 1}`;
      stats.truncatedSample.push(`${name}, row ${(input.firstRowNumber ?? 1) + seen + at.row}`);
    }
    seen += batch.length;
    // Rows toExcelRows kept as they are keep the bytes the pull worker counted (chunks.ts withRowBytes).
    const bytes = rowBytesOf(batch);
    for (const chunk of acc.push(safe.rows, bytes && { rows: batch, bytes })) await send(chunk);
  }
  for (const chunk of acc.flush()) await send(chunk);
  if (!preludeDone && input.prelude) {
    throwIfAborted(signal);
    queuePrelude();
    await port.sync();
    stats.syncs++;
    stats.bytes += OP_OVERHEAD_BYTES;
  }
  return { rowsWritten, stats };
}

/** Any failure as a WorkbookError (Office errors keep their code in the message for support). */
export function asWorkbookError(e: unknown): WorkbookError {
  if (e instanceof WorkbookError) return e;
  if (isPayloadTooLarge(e)) return new WorkbookError('payload-too-large', 'Excel rejected a request as too large even after splitting it.');
  const code = typeof e === 'object' && e !== null ? String((e as { code?: unknown }).code ?? '') : '';
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'ItemNotFound') return new WorkbookError('not-found', msg);
  return new WorkbookError('excel-error', code ? `Excel error ${code}: ${msg}` : msg);
}
