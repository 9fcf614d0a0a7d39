/**
 * Rows of a CSV text stream for the streaming path (csv-typed.ts), in large slices: the text is
 * gathered up to `sliceChars` and cut after its last line end, and each slice is read by
 * uDSV with the RowChecker of csv-reader.ts, which a 64 KB chunk could not afford (uDSV's setup per
 * call cost more than papaparse's parse there, docs/performance.md). The rows, blank lines and
 * errors are those of csvRowChunks (papaparse, csv-chunks.ts), to which the rest of the stream goes
 * from the first record that is not regular CSV, from the start when uDSV cannot read the header
 * (one column), and when no line end is ever found. A record the cut splits (a quoted line break)
 * is read again with the next slice; one longer than a slice goes to papaparse too.
 */
import { csvRowChunks, guessNewline, type LineEnd } from './csv-chunks.js';
import { CsvSliceReader, regularHeaderWidth } from './csv-reader.js';
import { pullWork } from './turn-budget.js';

export interface CsvSliceOptions {
  /**
   * Characters gathered before a slice is read (default 1 M); 0 reads every chunk as it comes with
   * papaparse alone, the reading the tests compare the slices against.
   */
  sliceChars?: number;
  /** The line end an earlier pass over the same text found (the spool is read in other chunks). */
  newline?: LineEnd | null;
  /**
   * How many more rows the caller may take before it stops (a row limit): a slice is read as soon
   * as the text holds that many line ends, so no more of the input is read than chunk by chunk.
   */
  rowsWanted?: () => number;
}

/** A blank line, as papaparse gives it (csv-rows.ts isBlankRow). */
const BLANK_ROW: readonly string[] = Object.freeze(['']);

export class CsvSliceStream {
  /** The line end, once one was found (csvRowChunks's guess, made on the same chunks). */
  newline: LineEnd | null;
  private readonly sliceChars: number;
  private reader: CsvSliceReader | null = null;
  /** papaparse's rows before the current slice (header, data rows, blank lines): its error rows count them. */
  private rowsBefore = 0;
  private stopped = false;

  constructor(private readonly opts: CsvSliceOptions = {}) {
    this.newline = opts.newline ?? null;
    this.sliceChars = opts.sliceChars ?? 1 << 20;
  }

  /**
   * Calls `onRow` with each row (the header first; the array is the caller's to keep or change,
   * except a blank line's, a shared `['']`); `onRow` answers false to stop reading (the input is closed then).
   * Yields after each slice, so that the caller can pass on what the rows made. When the input
   * fails, the records that had arrived are read before the error is thrown on.
   */
  async *rows(texts: AsyncIterable<string>, onRow: (cells: string[]) => boolean | void): AsyncGenerator<void> {
    const input = texts[Symbol.asyncIterator]();
    let pending = '';
    let lines = 0; // line ends in `pending`, counted only for a row limit
    let nextTry = this.sliceChars;
    const wanted = this.opts.rowsWanted;
    try {
      if (this.sliceChars === 0) return yield* this.papa('', this.guessing(input), onRow);
      for (;;) {
        let next: IteratorResult<string>;
        try {
          next = await input.next();
        } catch (err) {
          // The lines that arrived are read (uDSV, then papaparse from a record it cannot read, up
          // to the last line end, as chunk by chunk), and the break is reported after them.
          const end = this.newline ? pending.lastIndexOf(this.newline) + this.newline.length : 0;
          const regular = end > 0 ? yield* this.slice(pending.substring(0, end), onRow) : 0;
          if (this.stopped) return;
          if (end > 0 && regular < end) yield* this.papa(pending.substring(regular), failing(err), onRow);
          if (this.stopped) return;
          throw err;
        }
        if (next.done) break;
        const text = next.value;
        const known = this.newline !== null;
        pending += text;
        if (!known) this.newline = guessNewline(pending);
        if (!this.newline) continue;
        if (wanted) lines += countLineEnds(known ? text : pending, this.newline);
        if (pending.length < nextTry && !(wanted && lines >= wanted())) continue;
        const end = pending.lastIndexOf(this.newline) + this.newline.length;
        if (end < this.newline.length) {
          nextTry = pending.length * 2; // one long line so far: gather more before looking again
          continue;
        }
        const regular = yield* this.slice(pending.substring(0, end), onRow);
        if (this.stopped) return;
        if (regular === 0) {
          // The slice's first record: damaged, or longer than the slice (a quoted value's line
          // break, or the header's): papaparse reads on from there.
          yield* this.papa(pending, input, onRow);
          return;
        }
        // The slice may end inside a record (a quoted line break): it is read again with the next one.
        pending = pending.substring(regular);
        lines = wanted ? countLineEnds(pending, this.newline) : 0;
        nextTry = Math.max(this.sliceChars, pending.length + 1);
      }
      if (pending && this.newline) {
        const regular = yield* this.slice(pending, onRow);
        if (!this.stopped && regular < pending.length) yield* this.papa(pending.substring(regular), null, onRow);
      } else if (pending) yield* this.papa(pending, null, onRow); // no line end at all: one row, papaparse's
    } finally {
      await input.return?.();
    }
  }

  /**
   * Reads one slice (whole lines, or the text's end) with uDSV. Answers where its regular records
   * end: the slice's length when all of it is, else the start of the first record uDSV cannot read
   * (damaged, or cut by the slice's end), which is 0 also when uDSV cannot read the header.
   */
  private async *slice(text: string, onRow: (cells: string[]) => boolean | void): AsyncGenerator<void, number> {
    if (!this.reader) {
      const width = regularHeaderWidth(text, this.newline!);
      if (width === 0) return 0;
      this.reader = new CsvSliceReader(this.newline!, width);
    }
    const reader = this.reader;
    // Reading a slice is work of the server's shared budget per turn (turn-budget.ts): a slice of
    // ~1 M characters is one long step (~30 ms), but the pulls waiting take turns between steps.
    const read = await pullWork.run(() =>
      reader.read(
        text,
        (cells) => {
          this.rowsBefore++;
          if (onRow(cells) !== false) return true;
          this.stopped = true;
          return false;
        },
        () => {
          this.rowsBefore++;
          onRow(BLANK_ROW as string[]); // a blank line does not stop a reader (csv-typed.ts skips it)
        },
      ),
    );
    yield;
    return read.end;
  }

  /** The input, with the line end guessed on the way as csvRowChunks guesses it (for pass 2). */
  private async *guessing(input: AsyncIterator<string>): AsyncGenerator<string> {
    let head = '';
    for (let next = await input.next(); !next.done; next = await input.next()) {
      if (!this.newline) this.newline = guessNewline((head += next.value));
      yield next.value;
    }
  }

  /** papaparse (csvRowChunks) from a record on: `first`, then `rest`. */
  private async *papa(first: string, rest: AsyncIterator<string> | null, onRow: (cells: string[]) => boolean | void): AsyncGenerator<void> {
    const from = this.newline ? { newline: this.newline, rowsBefore: this.rowsBefore } : null;
    for await (const rows of csvRowChunks(prepend(first, rest), from)) {
      // A chunk's rows are a slice of the server's shared budget per turn (turn-budget.ts).
      await pullWork.run(() => {
        for (const row of rows) {
          this.rowsBefore++;
          if (onRow(row) === false) {
            this.stopped = true;
            return;
          }
        }
      });
      if (this.stopped) return;
      yield;
    }
  }
}

/** Line ends in `text`, an upper bound of the records it completes. */
function countLineEnds(text: string, lineEnd: LineEnd): number {
  const mark = lineEnd === '\r' ? '\r' : '\n';
  let n = 0;
  for (let at = text.indexOf(mark); at !== -1; at = text.indexOf(mark, at + 1)) n++;
  return n;
}

/** `first`, then the rest of an input (not closed here: its reader closes it). */
async function* prepend(first: string, rest: AsyncIterator<string> | null): AsyncGenerator<string> {
  if (first) yield first;
  if (!rest) return;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** An input that has nothing more but its error. */
function failing(err: unknown): AsyncIterator<string> {
  return { next: () => Promise.reject(err) };
}
