import fc from 'fast-check';
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

describe('generated view-CSV columns past 1,024 rows: the same answer as the streaming path (the full converter)', () => {
  /** Cells of every kind a view writes, and text that nearly reads as one. */
  const cell = fc.oneof(
    fc.integer({ min: -99999, max: 99999 }).map(String),
    fc.integer({ min: 0, max: 9_999_999 }).map((n) => `"${n.toLocaleString('en-US')}"`),
    fc
      .double({ min: -5000, max: 5000, noNaN: true })
      .map((v) => `"${v < 0 ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}"`),
    fc.integer({ min: 0, max: 1000 }).map((n) => `${(n / 10).toFixed(1)}%`),
    fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1890, max: 2030 }))
      .map(([m, d, y]) => `${m}/${d}/${y}`),
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(5, '0')), // a ZIP with a leading zero
    fc.constantFrom('', 'True', 'N/A', '1.2.3', '$', '12 apples', '1234567890123456789', '0.12345678901234567', '"1.234,5"'),
  );
  /** Columns that lean to one kind for long runs, so the fast paths and the builder's growth are exercised. */
  const table = fc
    .array(fc.array(fc.tuple(cell, fc.integer({ min: 1, max: 400 })), { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 3 })
    .map((columns) => {
      const cols = columns.map((runs) => runs.flatMap(([c, n]) => Array.from({ length: n }, () => c)));
      const rows = Math.max(...cols.map((c) => c.length));
      const header = cols.map((_, j) => `C${j}`).join(',');
      return lines(
        header,
        Array.from({ length: rows }, (_, r) => cols.map((c) => c[r % c.length]).join(',')),
      );
    });

  it('numbers with and without separators, negatives, percents, currency, dates, empties, ZIPs, near-numbers', async () => {
    await fc.assert(
      fc.asyncProperty(table, async (csv) => {
        await expectSameAsStreaming(csv);
      }),
      { numRuns: 15 },
    );
  });
});
