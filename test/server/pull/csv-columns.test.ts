import Papa from 'papaparse';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { csvTextToTypedColumns } from '../../../server/pull/csv-columns.js';
import { csvToTyped } from '../../../server/pull/csv-typed.js';
import { collect, rowsOf } from './helpers.js';

/** The streaming path (two passes over spooled rows, no speculation) as the reference answer. */
async function streamed(csv: string) {
  const out = await collect(
    csvToTyped(
      (async function* () {
        yield csv;
      })(),
      { inMemoryChars: 0 },
    ),
  );
  const meta = out[0];
  if (meta.kind !== 'meta') throw new Error(JSON.stringify(meta));
  const rows = rowsOf(out);
  return { columns: meta.columns, values: meta.columns.map((_, j) => rows.map((r) => r[j])) };
}

async function expectSameAsStreaming(csv: string) {
  const mem = csvTextToTypedColumns(csv);
  const ref = await streamed(csv);
  expect(mem.columns).toEqual(ref.columns);
  expect(mem.values).toEqual(ref.values);
  expect(mem.rowCount).toBe(ref.values[0]?.length ?? 0);
  return mem;
}

const lines = (header: string, cells: string[]) => [header, ...cells].join('\n') + '\n';

describe('csvTextToTypedColumns (speculative conversion, redone only where the guess was wrong)', () => {
  it('a guess that turns late (text on the last row) redoes the whole column, exactly', async () => {
    const cells = [...Array.from({ length: 500 }, (_, i) => `0${i + 1}0`.slice(1)), 'N/A'];
    const t = await expectSameAsStreaming(lines('Code', cells));
    expect(t.columns[0].type).toBe('text');
    expect(t.values[0].slice(0, 3)).toEqual(['10', '20', '30']);
    expect(t.values[0].at(-1)).toBe('N/A');
  });

  it('a ZIP column that meets a leading zero on row 2 keeps row 1 as text too', async () => {
    const t = await expectSameAsStreaming(lines('ZIP,Sales', ['98105,"$1.00"', '02908,"$2.50"', '10001,"$3.00"']));
    expect(t.values[0]).toEqual(['98105', '02908', '10001']);
    expect(t.values[1]).toEqual([1, 2.5, 3]);
  });

  it('a date column whose day-first proof comes last converts every row day-first', async () => {
    const t = await expectSameAsStreaming(lines('Day', ['1/5/2024', '2/5/2024', '3/6/2024', '13/5/2024']));
    expect(t.columns[0].format).toMatch(/^d/);
    expect(t.values[0][0]).toBe(45413); // 1 May 2024
  });

  it('separators decided by the whole file: "1.234" rows before the comma-decimal evidence', async () => {
    await expectSameAsStreaming(lines('A,B', ['1.234,x', '2.000,y', '"1,5",z', '"2,75",w']));
  });

  it('numbers, dates, booleans, blanks and quoted text in one table', async () => {
    await expectSameAsStreaming(
      lines('Id,When,Ok,Note,Amount', [
        '1,1/5/2024,True,"a, b",',
        '2,,False,"say ""hi""","$1,234.50"',
        '3,2/29/2024,,=SUM(A1),-$5.00',
        ',,,,',
      ]),
    );
  });

  it('one-column tables: blank lines are empty rows, the final line end is not a row', async () => {
    expect(csvTextToTypedColumns('A\n1\n\n2\n').values[0]).toEqual([1, null, 2]);
    expect(csvTextToTypedColumns('A\n1\n\n\n').values[0]).toEqual([1, null, null]); // two blank lines, then the line end
    expect(csvTextToTypedColumns('A\n1').values[0]).toEqual([1]);
    await expectSameAsStreaming('A\n1\n\n2\n');
  });

  it('blank lines in a wider table are skipped; CRLF and lone CR line ends', async () => {
    expect(csvTextToTypedColumns('a,b\r\n1,2\r\n\r\n3,4\r\n').values).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(csvTextToTypedColumns('a,b\r1,2\r3,4\r').values).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it.each([
    ['an empty text', '', /CSV is empty/],
    ['a blank line only', '\n', /CSV is empty/],
    ['a ragged row', 'a,b\n1,2\n3\n', /row 3 has 1 value but the header has 2 columns/],
    ['an unclosed quote', 'a,b\n"1,2\n3,4\n', /quoted value is never closed/],
    ['a stray quote', 'a,b\n"1"x,2\n', /near row 2: a value has a stray quote/],
  ])('%s is a clear error', (_name, csv, message) => {
    expect(() => csvTextToTypedColumns(csv)).toThrow(message);
  });

  it('a header alone is a table with no rows', () => {
    const t = csvTextToTypedColumns('Region,Sales\n');
    expect(t.rowCount).toBe(0);
    expect(t.values).toEqual([[], []]);
    expect(t.columns.map((c) => c.name)).toEqual(['Region', 'Sales']);
  });
  it('a guess redone across blank lines lands on the right rows', async () => {
    const t = await expectSameAsStreaming('Code,Sales\n10,"$1.00"\n\n20,"$2.00"\n\n0123,"$3.00"\n');
    expect(t.values[0]).toEqual(['10', '20', '0123']);
  });
});

describe('which reader reads the text', () => {
  afterEach(() => vi.restoreAllMocks());

  it('regular CSV is read without papaparse; irregular CSV goes through it, with the same answer', async () => {
    const parse = vi.spyOn(Papa, 'parse');
    await expectSameAsStreaming('Id,Note\n1,"a, ""b"""\n2,"two\nlines"\n');
    // The streaming reference drives papaparse's core Parser, not Papa.parse: calls here are ours.
    expect(parse).not.toHaveBeenCalled();
    // A space between a closing quote and the comma: papaparse accepts it, the fast reader leaves it to papaparse.
    const t = await expectSameAsStreaming('Id,Note\n"1" ,a\n');
    expect(parse).toHaveBeenCalledTimes(1);
    expect(t.values[1]).toEqual(['a']);
  });
});

describe('random tables (numbers, dates, text, blanks, quoting): the same answer as the streaming path', () => {
  type Cell = (rnd: () => number) => string;
  const grouped = (v: string) => v.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const CELLS: Cell[] = [
    () => '',
    (r) => String(Math.floor(r() * 5000)),
    (r) => `"$${grouped((r() * 3000).toFixed(2))}"`,
    (r) => `${(r() * 100).toFixed(1)}%`,
    (r) => `${1 + Math.floor(r() * 12)}/${1 + Math.floor(r() * 28)}/20${10 + Math.floor(r() * 15)}`,
    (r) => `0${Math.floor(r() * 9999)}`,
    () => 'True',
    () => '"a ""quoted"", text"',
    () => 'N/A',
  ];
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i', async (seed) => {
    let s = seed * 7919;
    const rnd = () => (s = (s * 48271) % 2147483647) / 2147483647;
    const width = 1 + Math.floor(rnd() * 4);
    // Each column leans to one kind, with an occasional other value that may turn its guess.
    const kinds = Array.from({ length: width }, () => Math.floor(rnd() * CELLS.length));
    const cell = (k: number) => (rnd() < 0.9 ? CELLS[k] : CELLS[Math.floor(rnd() * CELLS.length)])(rnd);
    const rows = Array.from({ length: 5 + Math.floor(rnd() * 60) }, () => (rnd() < 0.05 && width > 1 ? '' : kinds.map(cell).join(',')));
    await expectSameAsStreaming(`${[kinds.map((_, j) => `C${j}`).join(','), ...rows].join('\n')}\n`);
  });
});
