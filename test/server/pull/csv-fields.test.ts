import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';

import type { LineEnd } from '../../../server/pull/csv-chunks.js';
import { CsvFieldReader, IRREGULAR, TEXT_END } from '../../../server/pull/csv-fields.js';

/** Every row the reader gives, or IRREGULAR where it stopped. */
function readAll(text: string, lineEnd: LineEnd): Array<string[] | number> {
  const reader = new CsvFieldReader(text, lineEnd);
  const cells: string[] = [];
  const rows: Array<string[] | number> = [];
  for (;;) {
    const got = reader.readRow(cells);
    if (got === TEXT_END) return rows;
    if (got === IRREGULAR) return [...rows, IRREGULAR];
    rows.push(cells.slice(0, got));
  }
}

/** papaparse's rows of the same text, without the blank "row" its final line end leaves. */
function papaRows(text: string, lineEnd: LineEnd): string[][] {
  const parsed = Papa.parse<string[]>(text, { delimiter: ',', newline: lineEnd });
  expect(parsed.errors.filter((e) => e.type === 'Quotes')).toEqual([]);
  const rows = parsed.data;
  if (rows.length > 0 && text.endsWith(lineEnd) && rows.at(-1)!.length === 1 && rows.at(-1)![0] === '') rows.pop();
  return rows;
}

/** A small seeded generator, so a failure names a case that can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['1', '$1,234.50', '', ' ', 'a', 'Janet Kowalski', '"', ',', '\n', '\r\n', '\r', '=SUM(A1)', '14.4%', 'x"y'];

/** A CSV field as a writer following RFC 4180 writes it: quoted when it holds a quote, comma or line end. */
function field(rnd: () => number): string {
  let v = '';
  for (let k = Math.floor(rnd() * 4); k > 0; k--) v += PIECES[Math.floor(rnd() * PIECES.length)];
  return /[",\r\n]/.test(v) || rnd() < 0.1 ? `"${v.replaceAll('"', '""')}"` : v;
}

describe('CsvFieldReader', () => {
  it.each(['\n', '\r\n', '\r'] as LineEnd[])('reads what papaparse reads, for 300 random tables (line end %j)', (lineEnd) => {
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = random(seed);
      const width = 1 + Math.floor(rnd() * 5);
      const lines: string[] = [];
      for (let r = Math.floor(rnd() * 12); r >= 0; r--) {
        lines.push(rnd() < 0.08 ? '' : Array.from({ length: width }, () => field(rnd)).join(','));
      }
      const text = lines.join(lineEnd) + (rnd() < 0.5 ? lineEnd : '');
      // A field that is only a bare line end piece cannot be written unquoted; field() quotes it.
      expect({ seed, rows: readAll(text, lineEnd) }).toEqual({ seed, rows: papaRows(text, lineEnd) });
    }
  });

  it('keeps a quote inside an unquoted value, as papaparse does', () => {
    expect(readAll('a,b\nx"y,2\n', '\n')).toEqual([
      ['a', 'b'],
      ['x"y', '2'],
    ]);
  });

  it('a blank line is one empty field; the final line end is not a row', () => {
    expect(readAll('a\n\nb\n', '\n')).toEqual([['a'], [''], ['b']]);
    expect(readAll('a,b\n1,', '\n')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
    expect(readAll('', '\n')).toEqual([]);
  });

  it.each([
    ['an unclosed quote', 'a,b\n"1,2\n3,4\n'],
    ['text after a closing quote', 'a,b\n"1"x,2\n'],
    ['a space between a closing quote and the comma', 'a,b\n"1" ,2\n'],
    ['a line end of another style after a closing quote', 'a,b\r\n"1"\n,2\r\n'],
  ])('answers IRREGULAR for %s, so papaparse can say what is wrong', (_name, text) => {
    const lineEnd: LineEnd = text.includes('\r\n') ? '\r\n' : '\n';
    expect(readAll(text, lineEnd).at(-1)).toBe(IRREGULAR);
  });
});
