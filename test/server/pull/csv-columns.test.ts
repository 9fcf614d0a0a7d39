import { describe, expect, it } from 'vitest';
import { csvTextToTypedColumns } from '../../../server/pull/csv-columns.js';
import { csvToTyped } from '../../../server/pull/csv-typed.js';
import { collect, rowsOf } from './helpers.js';

/** The streaming path (two passes over spooled rows, no speculation) as the reference answer. */
async function streamed(csv: string) {
  const out = await collect(csvToTyped((async function* () {
    yield csv;
  })()));
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
      lines('Id,When,Ok,Note,Amount', ['1,1/5/2024,True,"a, b",', '2,,False,"say ""hi""","$1,234.50"', '3,2/29/2024,,=SUM(A1),-$5.00', ',,,,']),
    );
  });

  it('one-column tables: blank lines are empty rows, the final line end is not a row', async () => {
    expect(csvTextToTypedColumns('A\n1\n\n2\n').values[0]).toEqual([1, null, 2]);
    expect(csvTextToTypedColumns('A\n1\n\n\n').values[0]).toEqual([1, null, null]); // two blank lines, then the line end
    expect(csvTextToTypedColumns('A\n1').values[0]).toEqual([1]);
    await expectSameAsStreaming('A\n1\n\n2\n');
  });

  it('blank lines in a wider table are skipped; CRLF and lone CR line ends', async () => {
    expect(csvTextToTypedColumns('a,b\r\n1,2\r\n\r\n3,4\r\n').values).toEqual([[1, 3], [2, 4]]);
    expect(csvTextToTypedColumns('a,b\r1,2\r3,4\r').values).toEqual([[1, 3], [2, 4]]);
  });

  it.each([
    ['an empty text', '', /CSV is empty/],
    ['a blank line only', '\n', /CSV is empty/],
    ['a ragged row', 'a,b\n1,2\n3\n', /row 3 has 1 value but the header has 2 columns/],
    ['an unclosed quote', 'a,b\n"1,2\n3,4\n', /quoted value is never closed/],
  ])('%s is a clear error', (_name, csv, message) => {
    expect(() => csvTextToTypedColumns(csv)).toThrow(message);
  });

  it('a header alone is a table with no rows', () => {
    const t = csvTextToTypedColumns('Region,Sales\n');
    expect(t.rowCount).toBe(0);
    expect(t.values).toEqual([[], []]);
    expect(t.columns.map((c) => c.name)).toEqual(['Region', 'Sales']);
  });
});
