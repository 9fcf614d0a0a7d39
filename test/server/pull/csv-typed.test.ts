import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { csvTextToTypedColumns } from '../../../server/pull/csv-columns.js';
import { csvToTyped } from '../../../server/pull/csv-typed.js';
import { TABLEAU_REFERENCE } from '../../fixtures/reference.js';
import { chunks, collect, rowsOf } from './helpers.js';

const POPULATE = readFileSync(`${TABLEAU_REFERENCE}/tsc-assets/populate_csv.csv`);

// Every behaviour holds for both readers: the whole text typed in one pass, and the two-pass stream.
describe.each([
  ['whole text', {}],
  ['streamed', { inMemoryChars: 0 }],
] as const)('csvToTyped (%s)', (_reader, mode) => {
  it('types the recorded Tableau export (populate_csv.csv)', async () => {
    const out = await collect(csvToTyped(chunks(POPULATE, 4096), { ...mode, source: 'Superstore / Overview' }));
    expect(out[0]).toEqual({
      kind: 'meta',
      source: 'Superstore / Overview',
      columns: [
        { name: 'Measure Names', type: 'text', format: '@' },
        { name: 'Region', type: 'text', format: '@' },
        { name: 'Profit Ratio', type: 'percentage', format: '0.0%' },
        { name: 'Sales per Customer', type: 'currency', format: '$#,##0.00' },
        { name: 'Distinct count of Customer Name', type: 'integer', format: '#,##0' },
        { name: 'Measure Values', type: 'decimal', format: 'General' },
        { name: 'Profit', type: 'currency', format: '$#,##0' },
        { name: 'Quantity', type: 'integer', format: '#,##0' },
        { name: 'Sales', type: 'currency', format: '$#,##0' },
      ],
    });
    const rows = rowsOf(out);
    expect(rows).toHaveLength(24);
    expect(rows[0]).toEqual(['Count of Customers', 'South', 0.144, 711.83, 438, 438, 45047, 5004, 311784]);
    expect(rows[1][5]).toBe(311783.644);
    expect(rows[5][5]).toBe(0.144482316);
    expect(out.at(-1)).toEqual({ kind: 'end', rowCount: 24, truncated: false });
  });

  it.each([1, 2, 7, 64])('gives the same result with %i-byte chunks (CRLF, quotes split)', async (size) => {
    const whole = await collect(csvToTyped(chunks(POPULATE, 1 << 20), mode));
    expect(await collect(csvToTyped(chunks(POPULATE, size), mode))).toEqual(whole);
  });

  it('agrees with the in-memory path', async () => {
    const mem = csvTextToTypedColumns(POPULATE.toString('utf8'));
    const out = await collect(csvToTyped(chunks(POPULATE, 100), mode));
    expect(out[0].kind === 'meta' && out[0].columns).toEqual(mem.columns);
    const rows = rowsOf(out);
    expect(mem.values.map((col) => col)).toEqual(mem.columns.map((_, j) => rows.map((r) => r[j])));
  });

  it('limit truncates and says so; the exact limit is not truncated', async () => {
    const cut = await collect(csvToTyped(chunks(POPULATE, 50), { ...mode, limit: 5 }));
    expect(rowsOf(cut)).toHaveLength(5);
    expect(cut.at(-1)).toEqual({ kind: 'end', rowCount: 5, truncated: true });
    const exact = await collect(csvToTyped(chunks(POPULATE, 50), { ...mode, limit: 24 }));
    expect(exact.at(-1)).toEqual({ kind: 'end', rowCount: 24, truncated: false });
  });

  it('strips a BOM and keeps UTF-8 split across chunks', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Stadt,Wert\nMünchen 😀,"1,5"\n')]);
    const out = await collect(csvToTyped(chunks(csv, 1), mode));
    expect(out[0]).toMatchObject({ columns: [{ name: 'Stadt' }, { name: 'Wert' }] });
    expect(rowsOf(out)).toEqual([['München 😀', 1.5]]);
  });

  it('reads quoted values with commas, quotes and line breaks', async () => {
    const csv = 'Name,Note\n"Smith, Jane","She said ""hi""\nthen left"\n';
    for (const size of [1, 3, 100]) {
      expect(rowsOf(await collect(csvToTyped(chunks(csv, size), mode)))).toEqual([['Smith, Jane', 'She said "hi"\nthen left']]);
    }
  });

  it('makes duplicate and empty headers unique', async () => {
    const out = await collect(csvToTyped(chunks('Sales,Sales,\n1,2,3\n', 100), mode));
    expect(out[0]).toMatchObject({ columns: [{ name: 'Sales' }, { name: 'Sales (2)' }, { name: 'Column 3' }] });
  });

  it.each([
    ['a ragged row', 'a,b\n1,2\n3\n', /row 3 has 1 value but the header has 2 columns/],
    ['a row with too many values', 'a,b\n1,2,3\n', /row 2 has 3 values/],
    ['an unclosed quote', 'a,b\n"1,2\n3,4\n', /quoted value is never closed/],
    ['an empty body', '', /empty/],
    ['a bad locale', 'a\n1\n', /not supported/, 'zz-ZZ'],
  ])('ends with an error message for %s', async (_label, csv, message, locale?: string) => {
    const out = await collect(csvToTyped(chunks(csv, 3), { ...mode, locale }));
    const last = out.at(-1)!;
    expect(last.kind).toBe('error');
    expect(last.kind === 'error' && last.error.message).toMatch(message);
    expect(last.kind === 'error' && last.error.code).toMatch(/bad-csv|invalid-input/);
  });

  it('accepts Node readables and string iterables', async () => {
    const { Readable } = await import('node:stream');
    const out = await collect(csvToTyped(Readable.from([Buffer.from('a\n1\n2\n')]), mode));
    expect(rowsOf(out)).toEqual([[1], [2]]);
    const out2 = await collect(
      csvToTyped(
        (async function* () {
          yield 'a\n';
          yield '"x"\n';
        })(),
        mode,
      ),
    );
    expect(rowsOf(out2)).toEqual([['x']]);
  });
});

describe('csvToTyped: which reader, and the spool', () => {
  it('spools big inputs to a temp file and deletes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pull-test-'));
    try {
      const lines = ['ID,Amount,When'];
      for (let i = 0; i < 12_345; i++) lines.push(`${i},"$${(i * 3).toLocaleString('en-US')}.50",1/${(i % 28) + 1}/2024`);
      let sawSpool = false;
      const gen = csvToTyped(chunks(lines.join('\r\n') + '\r\n', 8192), { tmpDir: dir, inMemoryChars: 0, memoryChars: 10_000 });
      const out = [];
      for await (const m of gen) {
        if (m.kind === 'meta') sawSpool = (await readdir(dir)).length === 1;
        out.push(m);
      }
      expect(sawSpool).toBe(true);
      expect(await readdir(dir)).toEqual([]);
      const rows = rowsOf(out);
      expect(rows).toHaveLength(12_345);
      expect(rows[12_344]).toEqual([12_344, 37_032.5, 45292 + ((12_344 % 28) + 1) - 1]);
      expect(out.filter((m) => m.kind === 'rows').every((m) => m.kind === 'rows' && m.rows.length <= 5000)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('deletes the spool when the consumer stops early', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pull-test-'));
    try {
      const lines = ['A'];
      for (let i = 0; i < 5000; i++) lines.push(String(i));
      for await (const m of csvToTyped(chunks(lines.join('\n'), 1000), { tmpDir: dir, inMemoryChars: 0, memoryChars: 100 })) {
        if (m.kind === 'rows') break;
      }
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('text kept on disk reads back the same: non-ASCII, quoted line breaks, and a limit that cuts inside a quoted value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pull-test-'));
    try {
      const lines = ['Stadt,Notiz,Wert'];
      for (let i = 0; i < 400; i++) lines.push(`München ${i} 😀,"Zeile 1\nZeile ""${i}""",${i}`);
      const csv = `${lines.join('\n')}\n`;
      const whole = await collect(csvToTyped(chunks(csv, 1 << 20)));
      const onDisk = { tmpDir: dir, inMemoryChars: 0, memoryChars: 50 };
      expect(await collect(csvToTyped(chunks(csv, 7), onDisk))).toEqual(whole);
      const cut = await collect(csvToTyped(chunks(csv, 7), { ...onDisk, limit: 3 }));
      expect(rowsOf(cut)).toEqual(rowsOf(whole).slice(0, 3));
      expect(cut.at(-1)).toEqual({ kind: 'end', rowCount: 3, truncated: true });
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an export longer than inMemoryChars streams, without losing the chunks already read', async () => {
    const whole = await collect(csvToTyped(chunks(POPULATE, 64)));
    expect(await collect(csvToTyped(chunks(POPULATE, 64), { inMemoryChars: 1000 }))).toEqual(whole);
    expect(await collect(csvToTyped(chunks(POPULATE, 64), { inMemoryChars: 0 }))).toEqual(whole);
  });

  it('a pull with a row limit streams, and stops reading the export at the limit', async () => {
    let sent = 0;
    let closed = false;
    async function* endless() {
      try {
        yield 'A,B\n';
        for (;;) {
          sent++;
          yield `${sent},x\n`;
        }
      } finally {
        closed = true;
      }
    }
    const out = await collect(csvToTyped(endless(), { limit: 3 }));
    expect(out.at(-1)).toEqual({ kind: 'end', rowCount: 3, truncated: true });
    expect(closed).toBe(true);
    expect(sent).toBeLessThan(10);
  });
});
