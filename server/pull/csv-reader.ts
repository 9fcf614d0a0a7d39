/**
 * Reads well-formed comma-separated text row by row with uDSV (https://github.com/leeoniya/uDSV),
 * for the in-memory path (csv-columns.ts), which converts each cell as soon as it is read. uDSV is
 * the fastest well-kept JS CSV parser; with a row callback and no accumulation it reads the
 * 1,000,000-row bench export in about a fifth of the time a bare accumulating parse takes
 * (bench/csv.ts), since no million row arrays outlive their row.
 *
 * uDSV trusts its input: it reports no errors, reads a short row into the next one, lets the last
 * column swallow extra commas and skips blank lines. So each row it gives is checked against the
 * text it came from (`RowChecker`): the row must be exactly its cells written back (RFC 4180 quoting
 * where the text quotes, commas between, the line end after), which costs a few character
 * comparisons per cell. Anything else (a stray or unclosed quote, text after a closing quote, a
 * ragged row, another line-end style) makes `readCsvRows` answer false, and the caller hands the
 * whole text to papaparse, which reports it in detail; this reader never guesses at damaged input.
 */
import { initParser, type Schema } from 'udsv';

import type { LineEnd } from './csv-chunks.js';

const QUOTE = 34;
const COMMA = 44;

/**
 * Calls `onRow` with each row's fields, the header first (the array is the reader's: copy what
 * must outlive the call); `onRow` answers false to stop early. Blank lines are skipped. Answers
 * false when the text is not regular CSV of two columns or more (one column: see below), true
 * otherwise (also when stopped early). `text` has no BOM.
 */
export function readCsvRows(text: string, lineEnd: LineEnd, onRow: (cells: string[]) => boolean | void): boolean {
  if (text.length === 0) return true;
  const width = headerWidth(text, lineEnd);
  // uDSV 0.7 cannot read one column: after a value, it takes the line end for a blank line and
  // reads the next line over the value, so only the last row is left. papaparse reads those.
  if (width <= 1) return false;
  const checker = new RowChecker(text, lineEnd, width, onRow);
  initParser(textSchema(width, lineEnd)).stringArrs(text, (row: string[]) => checker.row(row));
  return checker.finish();
}

/**
 * A reader of one stream's slices (csv-slices.ts): regular CSV of `width` columns (≥ 2) and
 * `lineEnd`, each slice starting at a record. uDSV's parser is made once (its setup dominated 64 KB
 * calls) and keeps no state between calls made without its `chunk` streaming.
 */
export class CsvSliceReader {
  private readonly parser;

  constructor(
    private readonly lineEnd: LineEnd,
    readonly width: number,
  ) {
    this.parser = initParser(textSchema(width, lineEnd));
  }

  /**
   * The slice's rows to `onRow` (uDSV gives each row an array of its own, which `onRow` may keep),
   * each blank line to `onBlank` (papaparse's rows count them). Answers where the regular text
   * ends: `text.length` when all of it is regular CSV, else the start of the first row that is not
   * (after the blank lines before it), or where `onRow` answered false; `stopped` tells which.
   */
  read(text: string, onRow: (cells: string[]) => boolean | void, onBlank: () => void): { end: number; stopped: boolean } {
    const checker = new RowChecker(text, this.lineEnd, this.width, onRow, onBlank);
    this.parser.stringArrs(text, (row: string[]) => checker.row(row));
    return checker.end();
  }
}

/** The header's width, when `text` (the start of an export) is regular CSV that uDSV can read; else 0. */
export function regularHeaderWidth(text: string, lineEnd: LineEnd): number {
  const width = headerWidth(text, lineEnd);
  return width <= 1 ? 0 : width; // one column: see readCsvRows
}

/** Every column read as text (csv-columns.ts types the cells itself), the header as a row. */
function textSchema(width: number, lineEnd: LineEnd): Schema {
  const cols = Array.from({ length: width }, (_, i) => ({
    name: String(i),
    type: 's' as const,
    repl: { empty: undefined, null: undefined, NaN: undefined },
  }));
  const schema: Schema & { skip: number } = { col: ',', row: lineEnd, encl: '"', esc: '"', trim: false, cols, skip: 0 };
  return schema;
}

/**
 * The header's field count, or 0 when it is not regular. uDSV reads a fixed width, so the first
 * record's commas give an upper bound (a quoted name may hold a comma or a line end), and the widest width at
 * which uDSV's header, written back, is the first line is the one (uDSV's own schema guess
 * misreads a one-line probe).
 */
function headerWidth(text: string, lineEnd: LineEnd): number {
  // The first record ends at the first line end after an even number of quotes.
  let end = 0;
  let quotes = 0;
  for (let from = 0; ; from = end + 1) {
    end = text.indexOf(lineEnd, from);
    if (end === -1) end = text.length;
    for (let at = text.indexOf('"', from); at !== -1 && at < end; at = text.indexOf('"', at + 1)) quotes++;
    if (quotes % 2 === 0 || end === text.length) break;
  }
  let bound = 1;
  for (let at = text.indexOf(','); at !== -1 && at < end; at = text.indexOf(',', at + 1)) bound++;
  for (let width = bound; width >= 1; width--) {
    let header: string[] | null = null;
    initParser(textSchema(width, lineEnd)).stringArrs(text, (row: string[]) => {
      header = row;
      return false;
    });
    if (header && rowEnd(text, lineEnd, 0, header, width) !== -1) return width;
  }
  return 0;
}

/**
 * Where the row that starts at `pos` ends (past its line end), if `cells` written back are that
 * text: RFC 4180 quoting where the text quotes, commas between, the line end or the text's end
 * after. -1 when they are not.
 */
function rowEnd(text: string, lineEnd: LineEnd, pos: number, cells: readonly string[], width: number): number {
  for (let j = 0; j < width; j++) {
    const cell = cells[j];
    const last = j === width - 1;
    if (text.charCodeAt(pos) === QUOTE) {
      // Quoted: the value with every quote doubled, between quotes.
      const written = cell.includes('"') ? cell.replaceAll('"', '""') : cell;
      if (!text.startsWith(written, pos + 1)) return -1;
      pos += written.length + 1;
      if (text.charCodeAt(pos) !== QUOTE) return -1;
      pos++;
    } else {
      // Unquoted: the raw text, which cannot hold the separator that ends it (uDSV reads up to
      // the next comma, or to the line end in the last column; a short row would run on).
      if (last ? cell.includes(',') : cell.includes(lineEnd)) return -1;
      if (!text.startsWith(cell, pos)) return -1;
      pos += cell.length;
    }
    if (!last) {
      if (text.charCodeAt(pos) !== COMMA) return -1;
      pos++;
    }
  }
  if (pos === text.length) return pos;
  return text.startsWith(lineEnd, pos) ? pos + lineEnd.length : -1;
}

/**
 * rowEnd for the common row, in a few comparisons per cell: where uDSV and this walk start a cell
 * at the same place, an unquoted cell is by construction the text up to the next comma (or line
 * end, in the last column), so only its length and the separator after it are checked, and a
 * quoted one without a quote inside is exact when the first quote after the opening one closes it
 * at its length. A row with a quote inside a value, or a line end before its own (a quoted line
 * end, or a short row that uDSV ran into the next), gets the full check.
 */
function rowEndQuick(text: string, lineEnd: LineEnd, pos: number, cells: readonly string[], width: number): number {
  const start = pos;
  // A line-end character where a row starts, after the blank lines: uDSV may have skipped it.
  if (text.charCodeAt(start) === lineEnd.charCodeAt(0)) return rowEnd(text, lineEnd, start, cells, width);
  let lastQuoted = false;
  for (let j = 0; j < width; j++) {
    const length = cells[j].length;
    lastQuoted = text.charCodeAt(pos) === QUOTE;
    if (lastQuoted) {
      const close = pos + 1 + length;
      if (text.indexOf('"', pos + 1) !== close) return rowEnd(text, lineEnd, start, cells, width);
      pos = close + 1;
    } else {
      pos += length;
    }
    if (j < width - 1) {
      if (text.charCodeAt(pos) !== COMMA) return -1;
      pos++;
    }
  }
  // A long row: uDSV keeps its extra commas in the last value (only an unquoted one can hold them).
  if (!lastQuoted && cells[width - 1].includes(',')) return -1;
  const firstLineEnd = text.indexOf(lineEnd, start);
  if (firstLineEnd !== -1 && firstLineEnd < pos) return rowEnd(text, lineEnd, start, cells, width);
  if (pos === text.length) return pos;
  return text.startsWith(lineEnd, pos) ? pos + lineEnd.length : -1;
}

/** Walks the text beside uDSV: each row must be the text from the previous row's end to its line end. */
class RowChecker {
  private pos = 0;
  private regular = true;
  private stopped = false;

  constructor(
    private readonly text: string,
    private readonly lineEnd: LineEnd,
    private readonly width: number,
    private readonly onRow: (cells: string[]) => boolean | void,
    private readonly onBlank?: () => void,
  ) {}

  /** uDSV's row callback: false stops uDSV. */
  row(cells: string[]): boolean {
    this.blankLines();
    const end = rowEndQuick(this.text, this.lineEnd, this.pos, cells, this.width);
    if (end === -1) {
      this.regular = false;
      return false;
    }
    this.pos = end;
    if (this.onRow(cells) === false) {
      this.stopped = true;
      return false;
    }
    return true;
  }

  /** After uDSV: trailing blank lines, and nothing left over (uDSV drops an incomplete last row). */
  finish(): boolean {
    if (!this.regular) return false;
    if (this.stopped) return true;
    this.blankLines();
    return this.pos === this.text.length;
  }

  /** Where the regular text ends (CsvSliceReader.read): all of it, or the first irregular row. */
  end(): { end: number; stopped: boolean } {
    if (this.regular && !this.stopped) this.blankLines();
    return { end: this.pos, stopped: this.stopped };
  }

  /** Blank lines before a row: not rows in a table of several columns (as papaparse reads them). */
  private blankLines(): void {
    const { text, lineEnd } = this;
    while (this.pos < text.length && text.startsWith(lineEnd, this.pos)) {
      this.pos += lineEnd.length;
      this.onBlank?.();
    }
  }
}
