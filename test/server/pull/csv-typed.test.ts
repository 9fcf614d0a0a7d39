import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { StreamMessage } from '../../../common/stream.js';
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

/** A body that breaks off after `chunksBefore` chunks, the way undici reports a cut (with the rows received). */
class CutBody extends Error {
  withRows(rows: number): Error {
    return new Error(`cut after ${rows} rows`);
  }
}

async function* cutAfter(data: Buffer, size: number, chunksBefore: number): AsyncGenerator<Buffer> {
  let sent = 0;
  for await (const chunk of chunks(data, size)) {
    if (sent++ === chunksBefore) throw new CutBody('cut');
    yield chunk;
  }
}

describe('csvToTyped streamed in slices (uDSV) reads as chunk by chunk with papaparse', () => {
  /** Fields as an RFC 4180 writer quotes them, and now and then damage: a stray quote, a short or long row, a blank line. */
  const cell = fc.constantFrom(
    '1',
    '-2.5',
    '$1,234.50',
    '14.4%',
    '1/2/2024',
    '02134',
    '',
    'a',
    'Jane "J" Doe',
    'x,y',
    'line\nbreak',
    'é😀',
  );
  const field = fc.tuple(cell, fc.boolean()).map(([v, quote]) => (quote || /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v));
  const damage = fc.constantFrom('"', 'a"b', '"a"b', '"open', '');
  const csvOf = (minWidth: number, damaged: boolean, lineEnds = ['\n', '\r\n', '\r']) =>
    fc.integer({ min: minWidth, max: 4 }).chain((width) =>
      fc
        .record({
          rows: fc.array(
            fc.oneof(
              { weight: 20, arbitrary: fc.array(field, { minLength: width, maxLength: width }) },
              { weight: damaged ? 1 : 0, arbitrary: fc.array(field, { minLength: 0, maxLength: width + 1 }) },
              { weight: damaged ? 1 : 0, arbitrary: damage.map((d) => [d]) },
            ),
            { minLength: 1, maxLength: 30 },
          ),
          lineEnd: fc.constantFrom(...lineEnds),
          finalLineEnd: fc.boolean(),
          bom: fc.boolean(),
        })
        .map(({ rows, lineEnd, finalLineEnd, bom }) => {
          let text = rows.map((r) => r.join(',')).join(lineEnd) + (finalLineEnd ? lineEnd : '');
          // A CR file's line end is guessed from the first chunk that holds a "\n" or a "\r" before
          // something else, with either reader: a "\n" inside a quoted value would make the guess
          // depend on where the chunks end.
          if (lineEnd === '\r') text = text.replaceAll('\n', ' ');
          return Buffer.from((bom ? '\uFEFF' : '') + text);
        }),
    );
  const reading = fc.record({
    chunkSize: fc.integer({ min: 1, max: 40 }),
    sliceChars: fc.integer({ min: 1, max: 120 }),
    limit: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
    cutAfterChunks: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
  });

  it('the same messages and row counts for regular CSV: quotes, line breaks in values, slice and chunk boundaries, limits, cut bodies', async () => {
    await fc.assert(
      fc.asyncProperty(csvOf(1, false), reading, async (csv, { chunkSize, sliceChars, limit, cutAfterChunks }) => {
        // papaparse reads 1-byte chunks: every line as soon as it arrives, as slices do when a limit or a cut asks.
        const body = (size: number) =>
          cutAfterChunks === undefined ? chunks(csv, size) : cutAfter(csv, size, (cutAfterChunks * chunkSize) / size);
        const common = { inMemoryChars: 0, limit, memoryChars: 64 };
        const papa = await collect(csvToTyped(body(1), { ...common, sliceChars: 0 }));
        expect(await collect(csvToTyped(body(chunkSize), { ...common, sliceChars }))).toEqual(papa);
      }),
      { numRuns: 300 },
    );
  });

  it('damaged CSV (stray quotes, ragged rows) read whole: the same messages, or a bad-csv error both ways', async () => {
    // Which of two damages papaparse names first depends, chunk by chunk, on where the chunks end:
    // it names quote damage in a chunk before handing out the chunk's rows, of which one may be ragged.
    await fc.assert(
      fc.asyncProperty(csvOf(1, true), reading, async (csv, { chunkSize, sliceChars }) => {
        const opts = { inMemoryChars: 0, memoryChars: 64 };
        const papa = await collect(csvToTyped(chunks(csv, chunkSize), { ...opts, sliceChars: 0 }));
        const sliced = await collect(csvToTyped(chunks(csv, chunkSize), { ...opts, sliceChars }));
        const failed = (out: StreamMessage[]) => out.at(-1)?.kind === 'error' && (out.at(-1) as { error: { code: string } }).error.code;
        if (failed(papa) || failed(sliced)) {
          expect([failed(papa), failed(sliced)]).toEqual(['bad-csv', 'bad-csv']);
        } else expect(sliced).toEqual(papa);
      }),
      { numRuns: 300 },
    );
  });

  it('the same typed table as the in-memory path, read whole', async () => {
    await fc.assert(
      // Regular tables of two columns or more: the paths word some errors differently, and the
      // in-memory one drops a one-column table's last value when it is "" with no line end after.
      // LF or CRLF: the whole text's line end is guessed from its first "\n", which in a CR file
      // may be one inside a quoted value, whereas the stream guesses from its first chunk.
      fc.asyncProperty(csvOf(2, false, ['\n', '\r\n']), fc.integer({ min: 1, max: 200 }), async (csv, sliceChars) => {
        const whole = await collect(csvToTyped(chunks(csv, 1 << 20)));
        expect(await collect(csvToTyped(chunks(csv, 7), { inMemoryChars: 0, sliceChars }))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
