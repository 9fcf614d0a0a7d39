/**
 * View CSV (formatted values, docs/tableau-rest.md#view-data-csv) → typed result stream.
 *
 * An export that ends within `inMemoryChars` (most views) is typed whole, in one pass that converts
 * each cell as it is read (csv-columns.ts, measured by bench/csv.ts). A longer one, or a pull with a
 * row limit (which should stop reading early), streams in two passes without holding the data:
 * pass 1 parses and observes every value while spooling the text (text-spool.ts); then `meta` goes
 * out and pass 2 parses the spooled text again and converts its rows into `rows` batches.
 */
import type { CellValue, StreamMessage } from '../../common/stream.js';
import { type CsvInput, csvRowChunks, textChunks } from './csv-chunks.js';
import { csvTextToTypedColumns } from './csv-columns.js';
import { emptyCsvError, isBlankRow, raggedRowError } from './csv-rows.js';
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
}

const IN_MEMORY_CHARS = 32 * 1024 * 1024;

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
  for await (const chunk of csvRowChunks(spooled(input, spool))) {
    let start = 0;
    if (!typer) {
      typer = new TableTyper(chunk[0], opts.locale);
      width = chunk[0].length;
      start = 1;
    }
    const observing = typer;
    // One chunk's rows are a slice of the server's shared budget per turn (turn-budget.ts).
    await pullWork.run(() => {
      for (let i = start; i < chunk.length; i++) {
        const row = chunk[i];
        rowNumber++;
        if (row.length !== width) {
          if (isBlankRow(row)) continue;
          throw raggedRowError(rowNumber, row.length, width);
        }
        if (kept >= limit) {
          truncated = true;
          break;
        }
        observing.observeRow(row);
        kept++;
      }
    });
    progress.rows = kept;
    if (truncated) break; // leaving the loop closes the input: the rest is never read
  }
  if (!typer) throw emptyCsvError();
  const table = typer.finish();
  yield { kind: 'meta', columns: table.columns, ...(opts.source ? { source: opts.source } : {}) };
  const plans = table.plans;
  const batcher = new RowBatcher(batchSize(width));
  let rowCount = 0;
  let header = true;
  // The same text, parsed the same way: the same rows, of which pass 1 kept the first `kept`.
  let allKept = false;
  for await (const chunk of csvRowChunks(spool.texts())) {
    yield* pullWork.slice(function* () {
      for (const row of chunk) {
        if (header) {
          header = false;
          continue;
        }
        if (row.length !== width) continue; // a blank line (pass 1 stopped at any other)
        if (rowCount === kept) {
          allKept = true;
          return;
        }
        const out = row as CellValue[];
        for (let j = 0; j < width; j++) out[j] = convertCell(plans[j], row[j] as string);
        rowCount++;
        const full = batcher.push(out);
        if (full) yield { kind: 'rows', rows: full } satisfies StreamMessage;
      }
    });
    if (allKept) break;
  }
  const last = batcher.flush();
  if (last) yield { kind: 'rows', rows: last };
  const warnings = typer.warnings(table);
  yield { kind: 'end', rowCount, truncated, ...(warnings.length ? { warnings } : {}) };
}

/** The input's text, also kept in the spool for pass 2. */
async function* spooled(input: AsyncIterable<string>, spool: TextSpool): AsyncGenerator<string> {
  for await (const text of input) {
    await spool.add(text);
    yield text;
  }
}
