/**
 * Reads well-formed comma-separated text row by row into a reused array, for the in-memory path
 * (csv-columns.ts), which converts each cell as soon as it is read. Papa.parse first builds every
 * row as an array of strings and keeps them all until the end; at a million rows that retained
 * garbage, not the parsing, was most of the cost (bench/csv.ts), and converted number cells never
 * need to outlive their row.
 *
 * Only the regular shape is read here: comma delimiter, one line-end style, RFC 4180 quoting
 * ("a ""b""", line ends inside quotes). Anything else (a stray or unclosed quote, text after a
 * closing quote) answers `IRREGULAR`, and the caller hands the whole text to papaparse, which
 * reports it in detail; this reader never guesses at damaged input.
 */

import type { LineEnd } from './csv-chunks.js';

/** `readRow` results that are not a field count. */
export const TEXT_END = 0;
export const IRREGULAR = -1;

const QUOTE = 34;
const COMMA = 44;

export class CsvFieldReader {
  private pos = 0;
  /** The next comma / line end at or after `pos` (text.length when none): indexOf once, not per field. */
  private nextComma = -1;
  private nextLineEnd = -1;

  constructor(
    private readonly text: string,
    /** csv-chunks.ts guessNewline */
    private readonly lineEnd: LineEnd,
  ) {}

  /**
   * Reads the next row's fields into `cells` (reused: only the first `count` entries are this row's)
   * and answers their count; TEXT_END when the text is used up, IRREGULAR when the row is not
   * well-formed. A blank line is one empty field, as papaparse reads it.
   */
  readRow(cells: string[]): number {
    const text = this.text;
    const n = text.length;
    let i = this.pos;
    if (i >= n) return TEXT_END;
    let count = 0;
    for (;;) {
      if (this.nextLineEnd < i) this.nextLineEnd = this.find(this.lineEnd, i);
      let end: number;
      if (text.charCodeAt(i) === QUOTE) {
        // Quoted: up to the quote that is not doubled; the value may hold commas and line ends.
        let close = text.indexOf('"', i + 1);
        let doubled = false;
        while (close !== -1 && text.charCodeAt(close + 1) === QUOTE) {
          doubled = true;
          close = text.indexOf('"', close + 2);
        }
        if (close === -1) return IRREGULAR;
        const value = text.substring(i + 1, close);
        cells[count++] = doubled ? value.replaceAll('""', '"') : value;
        end = close + 1;
        if (this.nextLineEnd < end) this.nextLineEnd = this.find(this.lineEnd, end);
        if (end < n && text.charCodeAt(end) !== COMMA && end !== this.nextLineEnd) return IRREGULAR;
      } else {
        if (this.nextComma < i) this.nextComma = this.find(',', i);
        end = this.nextComma < this.nextLineEnd ? this.nextComma : this.nextLineEnd;
        cells[count++] = text.substring(i, end);
      }
      if (end >= n) {
        this.pos = n;
        return count;
      }
      if (end === this.nextLineEnd) {
        this.pos = end + this.lineEnd.length;
        return count;
      }
      i = end + 1; // past the comma
    }
  }

  private find(what: string, from: number): number {
    const at = this.text.indexOf(what, from);
    return at === -1 ? this.text.length : at;
  }
}
