import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';

import type { LineEnd } from '../../../server/pull/csv-chunks.js';
import { csvTextToTypedColumns } from '../../../server/pull/csv-columns.js';
import { readCsvRows } from '../../../server/pull/csv-reader.js';

/** Every row the reader gives, or null when it calls the text irregular. */
function readAll(text: string, lineEnd: LineEnd): string[][] | null {
  const rows: string[][] = [];
  return readCsvRows(text, lineEnd, (cells) => void rows.push([...cells])) ? rows : null;
}

/**
 * papaparse's reading of the same text in the product's terms: rows of the header's width, blank
 * lines skipped in a wider table, the blank "row" after the final line end dropped; null when
 * papaparse finds a quote error or a row of another width (the product reports both).
 */
function papaRows(text: string, lineEnd: LineEnd): string[][] | null {
  const parsed = Papa.parse<string[]>(text, { delimiter: ',', newline: lineEnd });
  if (parsed.errors.some((e) => e.type === 'Quotes')) return null;
  const rows = parsed.data;
  if (rows.length > 0 && text.endsWith(lineEnd) && rows.at(-1)!.length === 1 && rows.at(-1)![0] === '') rows.pop();
  if (rows.length === 0) return rows;
  const width = rows[0].length;
  const kept: string[][] = [];
  for (const row of rows) {
    if (row.length === width) kept.push(row);
    else if (!(row.length === 1 && row[0] === '')) return null;
  }
  return kept;
}

const LINE_ENDS: LineEnd[] = ['\n', '\r\n', '\r'];

/** A field as Tableau (any RFC 4180 writer) writes it: quoted when it holds a quote, comma or line end, sometimes anyway. */
const value = fc
  .array(
    fc.constantFrom('1', '$1,234.50', '', ' ', 'a', 'Janet Kowalski', '"', ',', '\n', '\r\n', '\r', '=SUM(A1)', '14.4%', 'x"y', 'é', '😀'),
    {
      maxLength: 4,
    },
  )
  .map((parts) => parts.join(''));
const field = fc
  .tuple(value, fc.boolean())
  .map(([v, quoteAnyway]) => (/[",\r\n]/.test(v) || quoteAnyway ? `"${v.replaceAll('"', '""')}"` : v));
const table = fc.integer({ min: 2, max: 5 }).chain((width) =>
  fc.record({
    header: fc.array(field, { minLength: width, maxLength: width }),
    lines: fc.array(
      fc.oneof(
        { weight: 12, arbitrary: fc.array(field, { minLength: width, maxLength: width }) },
        { weight: 1, arbitrary: fc.constant([]) },
      ),
      {
        maxLength: 12,
      },
    ),
    lineEnd: fc.constantFrom(...LINE_ENDS),
    finalLineEnd: fc.boolean(),
  }),
);

describe('readCsvRows (uDSV, each row checked against its text)', () => {
  it('reads regular CSV exactly as papaparse does: quotes, commas and line ends in values, CRLF, CR, blank lines, empty fields', () => {
    fc.assert(
      fc.property(table, ({ header, lines, lineEnd, finalLineEnd }) => {
        const text = [header, ...lines].map((cells) => cells.join(',')).join(lineEnd) + (finalLineEnd ? lineEnd : '');
        const ours = readAll(text, lineEnd);
        // A value that holds the other line-end styles is still regular: quoted values hold anything.
        expect(ours).toEqual(papaRows(text, lineEnd));
        expect(ours).not.toBeNull();
      }),
      { numRuns: 1500 },
    );
  });

  it('never accepts text that papaparse reads otherwise or calls damaged (random characters, random damage)', () => {
    const noise = fc
      .array(fc.constantFrom('a', 'bc', ',', ',', '"', '""', '\n', '\r', '\r\n', ''), { maxLength: 60 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(noise, fc.constantFrom(...LINE_ENDS), (text, lineEnd) => {
        const ours = readAll(text, lineEnd);
        if (ours !== null) expect({ text, rows: ours }).toEqual({ text, rows: papaRows(text, lineEnd) });
      }),
      { numRuns: 20000 },
    );
  });

  it.each([
    ['an unclosed quote', 'a,b\n"1,2\n3,4\n'],
    ['text after a closing quote', 'a,b\n"1"x,2\n'],
    ['a stray quote inside a quoted value', 'a,b\n"1"2",3\n'],
    ['a space between a closing quote and the comma', 'a,b\n"1" ,2\n'],
    ['a short row (uDSV would read on into the next row)', 'a,b\n1\n3,4\n'],
    ['a long row (uDSV would keep the extra comma in the last value)', 'a,b\n1,2,3\n'],
    ['a short last row without a line end (uDSV would drop it)', 'a,b\n1,2\n3'],
    ['a line end of another style after a closing quote', 'a,b\r\n"1"\n,2\r\n'],
  ])('calls %s irregular, so papaparse can say what is wrong', (_name, text) => {
    expect(readAll(text, text.includes('\r\n') ? '\r\n' : '\n')).toBeNull();
  });

  it('a header name that holds a comma', () => {
    expect(readAll('"Sales, net",Region\n"$1,234.50",East\n', '\n')).toEqual([
      ['Sales, net', 'Region'],
      ['$1,234.50', 'East'],
    ]);
  });

  it('stops when asked, with what was read so far regular', () => {
    const seen: string[] = [];
    expect(readCsvRows('a,b\n1,x\n2,y\n3,z\n', '\n', (cells) => (seen.push(cells[0]), seen.length < 2))).toBe(true);
    expect(seen).toEqual(['a', '1']);
  });

  it('leaves one-column text to papaparse (uDSV 0.7 reads only its last row), which the typed path then uses', () => {
    expect(readAll('A\n1\n\n2\n', '\n')).toBeNull();
    expect(csvTextToTypedColumns('A\n1\n\n2\n').values[0]).toEqual([1, null, 2]);
  });

  it('typed columns: a BOM, CRLF, and damaged text reported by papaparse with its row', () => {
    expect(csvTextToTypedColumns('\uFEFFId,Name\r\n1,"Kowalski, J"\r\n2,\r\n').values).toEqual([
      [1, 2],
      ['Kowalski, J', null],
    ]);
    expect(() => csvTextToTypedColumns('a,b\n1,2\n3\n')).toThrow(/row 3 has 1 value but the header has 2 columns/);
    expect(() => csvTextToTypedColumns('a,b\n1,2\n"3,4\n')).toThrow(/quoted value is never closed/);
  });
});
