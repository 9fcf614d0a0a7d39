/**
 * Rows of a CSV text stream for the streaming path (csv-typed.ts), in large slices: the text is
 * gathered up to `sliceChars` and cut after its last complete record, and each slice is read by
 * uDSV with the RowChecker of csv-reader.ts, which a 64 KB chunk could not afford (uDSV's setup per
 * call cost more than papaparse's parse there, docs/performance.md). The rows, blank lines and
 * errors are those of csvRowChunks (papaparse, csv-chunks.ts), to which the rest of the stream goes
 * from the first record that is not regular CSV, from the start when uDSV cannot read the header
 * (one column), and when no line end is ever found.
 */
import { csvRowChunks, guessNewline, type LineEnd } from './csv-chunks.js';
import { CsvSliceReader, regularHeaderWidth } from './csv-reader.js';

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
          // The records that arrived go to uDSV; papaparse gets a line that may be damaged after them,
          // as it would have read it chunk by chunk, and names the damage before the break.
          const end = this.newline ? recordsEnd(pending, this.newline) : 0;
          if (end > 0 && !(yield* this.slice(pending.substring(0, end), failing(err), onRow))) return;
          if (this.newline && pending.includes(this.newline, end)) yield* this.papa(pending.substring(end), failing(err), onRow);
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
        const end = recordsEnd(pending, this.newline);
        if (end === 0) {
          nextTry = pending.length * 2; // one long record so far: gather more before looking again
          continue;
        }
        const slice = pending.substring(0, end);
        pending = pending.substring(end);
        lines = wanted ? countLineEnds(pending, this.newline) : 0;
        nextTry = this.sliceChars;
        if (!(yield* this.slice(slice, prepend(pending, input), onRow))) return;
      }
      if (pending && this.newline) yield* this.slice(pending, null, onRow);
      else if (pending) yield* this.papa(pending, null, onRow); // no line end at all: one row, papaparse's
    } finally {
      await input.return?.();
    }
  }

  /**
   * Reads one slice (whole records, or the text's end) with uDSV; from its first irregular record
   * on, papaparse reads the slice and `rest`, the input after it. Answers whether to read on (false
   * when papaparse took over, or `onRow` stopped).
   */
  private async *slice(
    text: string,
    rest: AsyncIterator<string> | null,
    onRow: (cells: string[]) => boolean | void,
  ): AsyncGenerator<void, boolean> {
    const newline = this.newline!;
    if (!this.reader) {
      const width = regularHeaderWidth(text, newline);
      if (width === 0) {
        yield* this.papa(text, rest, onRow);
        return false;
      }
      this.reader = new CsvSliceReader(newline, width);
    }
    const read = this.reader.read(
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
    );
    yield;
    if (this.stopped) return false;
    if (read.end === text.length) return true;
    yield* this.papa(text.substring(read.end), rest, onRow);
    return false;
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
      for (const row of rows) {
        this.rowsBefore++;
        if (onRow(row) === false) {
          this.stopped = true;
          return;
        }
      }
      yield;
    }
  }
}

/**
 * Where the last complete record of `text` ends (past its line end), or 0 when none does: the last
 * line end after an even number of quotes (RFC 4180 quotes a field that holds a line end, and
 * doubles a quote inside one). Text that is not RFC 4180 may be cut elsewhere; the RowChecker then
 * finds the slice irregular, and papaparse reads on from the last regular record.
 */
export function recordsEnd(text: string, lineEnd: LineEnd): number {
  let quotes = 0;
  for (let at = text.indexOf('"'); at !== -1; at = text.indexOf('"', at + 1)) quotes++;
  let quote = quotes > 0 ? text.lastIndexOf('"') : -1;
  for (let end = text.lastIndexOf(lineEnd); end !== -1; end = end > 0 ? text.lastIndexOf(lineEnd, end - 1) : -1) {
    while (quote > end) {
      quotes--;
      quote = quote > 0 ? text.lastIndexOf('"', quote - 1) : -1;
    }
    if (quotes % 2 === 0) return end + lineEnd.length;
  }
  return 0;
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
