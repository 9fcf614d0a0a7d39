/**
 * View CSV (formatted values, docs/tableau-rest.md#view-data-csv) → typed result stream.
 *
 * An export that ends within `inMemoryChars` (most views) is typed whole, in one pass that converts
 * each cell as it is read (csv-columns.ts, measured by bench/csv.ts). A longer one, or a pull with a
 * row limit (which should stop reading early), streams in two passes without holding the data:
 * pass 1 reads the text in slices of ~1 M characters (csv-slices.ts, uDSV) and converts every cell
 * by the best guess so far (ColumnStats.take, as csv-columns.ts), keeping the cells (cell-spool.ts)
 * and the text (text-spool.ts); then `meta` goes out and pass 2 turns the kept cells into `rows`
 * batches, converting texts by the final plan, and parses the kept text again only for the leading
 * rows whose guess the final plan does not keep. One parse and one number scan per cell, where
 * parsing and converting again cost ~20 % more CPU (docs/performance.md, CSV).
 */
import type { CellValue, StreamMessage } from '../../common/stream.js';
import { CellSpool } from './cell-spool.js';
import { type CsvInput, textChunks } from './csv-chunks.js';
import { csvTextToTypedColumns } from './csv-columns.js';
import { emptyCsvError, isBlankRow, raggedRowError } from './csv-rows.js';
import { CsvSliceStream } from './csv-slices.js';
import { toStreamError, withRowCount } from './errors.js';
import { convertCell } from './infer/convert.js';
import { localeRule } from './infer/locale.js';
import { TableTyper } from './infer/table-typer.js';
import { batchSize, RowBatcher } from './row-batcher.js';
import { TextSpool } from './text-spool.js';
import { pullWork } from './turn-budget.js';

export interface CsvToTypedOptions {
  /** 'en-US', 'de-DE', ... or 'auto' (default): how the view formatted its numbers and dates. */
  locale?: string;
  /** Stop after this many rows; `end.truncated` tells when more existed. */
  limit?: number;
  /** Where the spool file goes (default: the OS temp dir). */
  tmpDir?: string;
  source?: string;
  /** Characters of text kept in memory before spooling to disk (default 4 M, ~50,000 rows). */
  memoryChars?: number;
  /**
   * Exports up to this many characters are typed whole in memory; 0 always streams. Default 32 M:
   * at 30 M characters (380,000 rows × 10 columns) the heap peaked at ~190 MB this way and ~220 MB
   * streaming (heapUsed, garbage included), so the cap bounds memory the way the spool does.
   */
  inMemoryChars?: number;
  /**
   * Characters the streaming path reads at a time (csv-slices.ts; default 1 M). 0 is the tests'
   * reference: chunk by chunk with papaparse, every cell converted from its text in pass 2.
   */
  sliceChars?: number;
}

const IN_MEMORY_CHARS = 32 * 1024 * 1024;
const MEMORY_CHARS = 4_000_000; // text-spool.ts's default

export async function* csvToTyped(input: CsvInput, opts: CsvToTypedOptions = {}): AsyncGenerator<StreamMessage> {
  const spool = new TextSpool({ memoryChars: opts.memoryChars, tmpDir: opts.tmpDir });
  // Data rows read from the export so far: a body that Tableau cuts is reported with this count.
  const progress = { rows: 0 };
  try {
    if (opts.locale && opts.locale !== 'auto') localeRule(opts.locale); // fail before reading anything
    const texts = textChunks(input);
    const head =
      opts.limit === undefined ? await readUpTo(texts, opts.inMemoryChars ?? IN_MEMORY_CHARS, progress) : { text: [], ended: false };
    if (head.ended) yield* typeWhole(head.text.join(''), opts);
    else yield* typeCsv(continued(head.text, texts), opts, spool, progress);
  } catch (err) {
    yield toStreamError(withRowCount(err, progress.rows));
  } finally {
    await spool.dispose();
  }
}

/**
 * The first text chunks, up to `max` characters; `ended` when that was all of it. When the input
 * breaks off here, `progress.rows` is set to the complete data rows received (counted only then).
 */
async function readUpTo(
  texts: AsyncIterator<string>,
  max: number,
  progress: { rows: number },
): Promise<{ text: string[]; ended: boolean }> {
  const text: string[] = [];
  let length = 0;
  try {
    while (length <= max) {
      const next = await texts.next();
      if (next.done) return { text, ended: true };
      text.push(next.value);
      length += next.value.length;
    }
  } catch (err) {
    progress.rows = Math.max(0, completeRecords(text) - 1);
    throw err;
  }
  return { text, ended: false };
}

/** Records ended by a line break outside quotes (RFC 4180: a quoted field may hold line breaks). */
function completeRecords(texts: string[]): number {
  let quoted = false;
  let records = 0;
  for (const t of texts) {
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 34) quoted = !quoted;
      else if (c === 10 && !quoted) records++;
    }
  }
  return records;
}

/** The chunks already read, then the rest of the same input (closed when the reader stops early). */
async function* continued(head: string[], rest: AsyncIterator<string>): AsyncGenerator<string> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

/**
 * Typing and each batch of rows are slices of the server's shared budget per turn (turn-budget.ts);
 * typing is one slice (~20 ms for 10,000 rows × 10 columns on this machine's cores, more for a
 * longer export up to `inMemoryChars`).
 */
async function* typeWhole(text: string, opts: CsvToTypedOptions): AsyncGenerator<StreamMessage> {
  const typed = await pullWork.run(() => csvTextToTypedColumns(text, { locale: opts.locale }));
  yield { kind: 'meta', columns: typed.columns, ...(opts.source ? { source: opts.source } : {}) };
  const { values, rowCount } = typed;
  const size = batchSize(values.length);
  for (let start = 0; start < rowCount; start += size) {
    const end = Math.min(rowCount, start + size);
    const rows = await pullWork.run(() => {
      const batch: CellValue[][] = [];
      for (let r = start; r < end; r++) batch.push(values.map((column) => column[r]));
      return batch;
    });
    yield { kind: 'rows', rows };
  }
  const warnings = typed.warnings;
  yield { kind: 'end', rowCount, truncated: false, ...(warnings.length ? { warnings } : {}) };
}

async function* typeCsv(
  input: AsyncIterable<string>,
  opts: CsvToTypedOptions,
  spool: TextSpool,
  progress: { rows: number },
): AsyncGenerator<StreamMessage> {
  const limit = opts.limit ?? Infinity;
  let typer: TableTyper | null = null;
  let width = 0;
  let rowNumber = 1; // the header is row 1, as a spreadsheet user counts
  let kept = 0;
  let truncated = false;
  const pass1 = new CsvSliceStream({
    sliceChars: opts.sliceChars,
    // With a row limit, read no further than the rows it takes (and one more, to tell `truncated`).
    rowsWanted: limit === Infinity ? undefined : () => limit - kept + (typer ? 1 : 2),
  });
  let stats: TableTyper['stats'] = [];
  // What pass 1 read, for pass 2 (cell-spool.ts); made with the header.
  let cells: CellSpool | null = null;
  const observe = (row: string[]): boolean => {
    if (!typer) {
      typer = new TableTyper(row, opts.locale);
      stats = typer.stats;
      width = row.length;
      cells = new CellSpool(width, { memoryBytes: 2 * (opts.memoryChars ?? MEMORY_CHARS), tmpDir: opts.tmpDir });
      return true;
    }
    rowNumber++;
    if (row.length !== width) {
      if (isBlankRow(row)) return true;
      throw raggedRowError(rowNumber, row.length, width);
    }
    if (kept >= limit) {
      truncated = true;
      return false; // stops reading: the rest of the input is never read
    }
    // As csv-columns.ts: a number or date of the column's common shape straight from the scan (unboxed).
    for (let j = 0; j < width; j++) {
      const cell = row[j];
      const stat = stats[j];
      if (stat.takeFast(cell)) cells!.push(stat.number);
      else {
        const value = stat.take(cell);
        if (typeof value === 'number') cells!.push(value);
        else cells!.pushText(cell);
      }
    }
    progress.rows = ++kept;
    return true;
  };
  try {
    yield* convertSpooled();
  } finally {
    (cells as CellSpool | null)?.dispose();
  }

  async function* convertSpooled(): AsyncGenerator<StreamMessage> {
    for await (const _ of pass1.rows(spooled(input, spool), observe));
    if (!typer) throw emptyCsvError();
    const typed: TableTyper = typer;
    const table = typed.finish();
    const spooledCells = cells!;
    // Rows whose guessed values the final plan does not keep, per column: converted from the text
    // again (sliceChars 0, the tests' reference: every row, as before cell-spool.ts).
    const redo = table.plans.map((plan, j) => (opts.sliceChars === 0 ? Infinity : typed.rowsToRedo(j, plan)));
    const redoRows = Math.min(kept, Math.max(0, ...redo));
    yield { kind: 'meta', columns: table.columns, ...(opts.source ? { source: opts.source } : {}) };
    const plans = table.plans;
    const batcher = new RowBatcher(batchSize(width));
    const batches: CellValue[][][] = [];
    let rowCount = 0;
    /** The next row pass 1 kept: its numbers as they were taken, its texts converted by the final plan. */
    const keptRow = (): CellValue[] => {
      const block = spooledCells.nextRow(width);
      const at = spooledCells.rowStart;
      const out: CellValue[] = [];
      for (let j = 0; j < width; j++) {
        const n = block[at + j];
        out.push(n === n ? n : convertCell(plans[j], spooledCells.nextText())); // NaN marks a kept text
      }
      return out;
    };
    if (redoRows > 0) {
      // The first `redoRows` rows from the spooled text, read the same way (with pass 1's line end).
      let header = true;
      const redoRow = (row: string[]): boolean => {
        if (header) {
          header = false;
          return true;
        }
        if (row.length !== width) return true; // a blank line (pass 1 stopped at any other)
        if (rowCount === redoRows) return false;
        const out = keptRow();
        // The columns whose guess the final plan does not keep, from the text again.
        for (let j = 0; j < width; j++) if (rowCount < redo[j]) out[j] = convertCell(plans[j], row[j]);
        rowCount++;
        const full = batcher.push(out);
        if (full) batches.push(full);
        return true;
      };
      const pass2 = new CsvSliceStream({ sliceChars: opts.sliceChars, newline: pass1.newline });
      for await (const _ of pass2.rows(spool.texts(), redoRow)) {
        for (const rows of batches) yield { kind: 'rows', rows };
        batches.length = 0;
      }
      for (const rows of batches) yield { kind: 'rows', rows };
    }
    // The other rows from the cells pass 1 kept: no text to parse, no number to scan again. A
    // batch's rows are a slice of the server's shared budget per turn (turn-budget.ts).
    while (rowCount < kept) {
      const full = await pullWork.run(() => {
        for (; rowCount < kept;) {
          const out = keptRow();
          rowCount++;
          const batch = batcher.push(out);
          if (batch) return batch;
        }
        return null;
      });
      if (full) yield { kind: 'rows', rows: full };
    }
    const last = batcher.flush();
    if (last) yield { kind: 'rows', rows: last };
    const warnings = typed.warnings(table);
    yield { kind: 'end', rowCount, truncated, ...(warnings.length ? { warnings } : {}) };
  }
}

/** The input's text, also kept in the spool for pass 2. */
async function* spooled(input: AsyncIterable<string>, spool: TextSpool): AsyncGenerator<string> {
  for await (const text of input) {
    await spool.add(text);
    yield text;
  }
}
