import { describe, expect, it } from 'vitest';

import {
  ChunkAccumulator,
  chunkBytes,
  halveChunk,
  MAX_SYNC_BYTES,
  OP_OVERHEAD_BYTES,
  planChunks,
  rowBytesOf,
  TARGET_SYNC_BYTES,
  withRowBytes,
} from '../../../addin/workbook/chunks.js';
import { jsonStringBytes } from '../../../addin/workbook/json-bytes.js';
import type { CellValue } from '../../../common/stream.js';

const utf8 = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;

describe('cost model', () => {
  it('matches the UTF-8 size of the JSON Office sends', () => {
    for (const s of ['', 'plain', 'quote " and \\ back', 'tab\tnew\nline\u0001', 'Zürich', '東京', '😀 emoji', 'lone \ud800 surrogate']) {
      expect(jsonStringBytes(s)).toBe(utf8(s));
    }
    const rows: CellValue[][] = [
      ['a', 1.25, null, true],
      ['東京', -3e-7, false, ''],
    ];
    expect(chunkBytes(rows)).toBe(utf8(rows) + OP_OVERHEAD_BYTES + 1);
  });

  it('sizes integers and numbers of up to four decimals without writing them out, exactly as JSON writes them', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const numbers = [0, -0, 5, -5, 10, 99, 100, 0.05, -0.5, 12.3, 12.34, 1e14 + 0.5, 0.1 + 0.2, 999999999999999, 1e15, 1e21, 2.5e-7];
    for (let i = 0; i < 3000; i++)
      numbers.push(
        Math.round((next() - 0.5) * 1e9) / 100,
        Math.round(next() * 1e12),
        (next() - 0.5) * 1e6,
        Math.round((next() - 0.5) * 1e8) / 1e4,
        Math.round(next() * 1e18) / 1e4,
      );
    numbers.push(0.0001, -0.0005, 41.9136, 3.528, 99999999999.9999, 1e11 + 0.5);
    for (const n of numbers) expect(chunkBytes([[n]]), String(n)).toBe(utf8([[n]]) + OP_OVERHEAD_BYTES + 1);
  });
});

describe('planChunks', () => {
  it('returns nothing for no rows and rejects a table without columns', () => {
    expect(planChunks([], 3)).toEqual([]);
    expect(() => planChunks([], 0)).toThrow();
  });

  it('fills chunks up to the byte budget and keeps rows in order', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [`row ${i}`, i, i / 3]);
    const chunks = planChunks(rows, 3, { maxBytes: 20_000 });
    expect(chunks.every((c) => c.bytes <= 20_000)).toBe(true);
    expect(chunks.flatMap((c) => c.rows)).toEqual(rows);
    expect(chunks.map((c) => c.rowOffset)).toEqual(chunks.map((_, i) => chunks.slice(0, i).reduce((n, c) => n + c.rows.length, 0)));
    for (const c of chunks.slice(0, -1)) expect(c.bytes).toBeGreaterThan(20_000 * 0.95);
    for (const c of chunks) expect(c.bytes).toBe(chunkBytes(c.rows));
  });

  it('respects the cell cap for wide tables', () => {
    const rows = Array.from({ length: 100 }, () => Array.from({ length: 1000 }, () => 1));
    const chunks = planChunks(rows, 1000, { maxCells: 10_000 });
    expect(chunks).toHaveLength(10);
    expect(chunks.every((c) => c.cells === 10_000)).toBe(true);
  });

  it('counts multibyte strings by their UTF-8 size', () => {
    const rows = Array.from({ length: 1000 }, () => ['東京都'.repeat(10)]);
    const chunks = planChunks(rows, 1, { maxBytes: 10_000 });
    expect(chunks.every((c) => utf8(c.rows) + OP_OVERHEAD_BYTES <= 10_000)).toBe(true);
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(utf8(rows) / 10_000));
  });

  it('splits one huge row by columns', () => {
    const big = Array.from({ length: 400 }, () => 'x'.repeat(30_000));
    const chunks = planChunks([[1], ...[big.slice(0, 1)]].concat([]), 1);
    expect(chunks).toHaveLength(1);
    const wide = planChunks([['small', ...big.slice(1)], big], 400);
    expect(wide.length).toBeGreaterThan(4);
    expect(wide.every((c) => c.bytes <= TARGET_SYNC_BYTES && c.rows.length === 1)).toBe(true);
    expect(wide.filter((c) => c.rowOffset === 0).flatMap((c) => c.rows[0])).toEqual(['small', ...big.slice(1)]);
    expect(wide.filter((c) => c.rowOffset === 1).map((c) => c.colOffset)[0]).toBe(0);
  });

  it('streams: push batches, get full chunks, flush the rest', () => {
    const acc = new ChunkAccumulator(2, { maxBytes: 1000 });
    const out = [...acc.push(Array.from({ length: 50 }, (_, i) => ['abcdefghij', i]))];
    out.push(...acc.push(Array.from({ length: 50 }, (_, i) => ['abcdefghij', 50 + i])), ...acc.flush());
    expect(out.flatMap((c) => c.rows).map((r) => r[1])).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(acc.flush()).toEqual([]);
  });

  it('halves a chunk by rows, a single row by columns, and gives up on one cell', () => {
    const [a, b] = halveChunk(
      planChunks(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        2,
      )[0],
    )!;
    expect([a.rows, b.rows, b.rowOffset]).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [[5, 6]],
      2,
    ]);
    const [c, d] = halveChunk(planChunks([[1, 2, 3]], 3)[0])!;
    expect([c.rows, d.rows, d.colOffset]).toEqual([[[1, 2]], [[3]], 2]);
    expect(halveChunk(planChunks([[1]], 1)[0])).toBeNull();
  });

  it('keeps every chunk of 1,000,000 cells well under the limit, in blocks of at most 5,000 rows', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => [
      `Customer ${i % 977}`,
      'Technology',
      i * 1.37,
      45000 + (i % 365),
      i % 2 === 0,
      `ORD-${i}`,
      null,
      12.5,
      'Zürich',
      i,
    ]);
    const chunks = planChunks(rows, 10);
    expect(chunks.every((c) => c.bytes <= TARGET_SYNC_BYTES && c.bytes < MAX_SYNC_BYTES / 3)).toBe(true);
    expect(chunks.every((c) => c.rows.length <= 5_000)).toBe(true);
    expect(chunks).toHaveLength(20);
    expect(chunks.flatMap((c) => c.rows).length).toBe(100_000);
  });

  it('closes a chunk at the row cap even when bytes would allow more', () => {
    const rows = Array.from({ length: 12 }, (_, i) => [i]);
    expect(planChunks(rows, 1, { maxRows: 5 }).map((c) => c.rows.length)).toEqual([5, 5, 2]);
  });
});

describe('rows counted where they were decoded (withRowBytes)', () => {
  const rows: CellValue[][] = Array.from({ length: 10 }, (_, i) => [i, `r${i}`]);
  const exact = Uint32Array.from(rows, (r) => utf8(r) + 1);
  const plan = (batch: CellValue[][], maxBytes: number, counted?: { rows: readonly unknown[]; bytes: Uint32Array }) => {
    const acc = new ChunkAccumulator(2, { maxBytes });
    return [...acc.push(batch, counted), ...acc.flush()];
  };

  it('plans exactly as when the planner counts, given the same counts', () => {
    expect(plan(rows, 400, { rows, bytes: exact })).toEqual(planChunks(rows, 2, { maxBytes: 400 }));
  });

  it('takes the given counts for the very rows counted, and counts any other row itself', () => {
    const big = new Uint32Array(rows.length).fill(200);
    // Every row "weighs" 200 bytes: chunks of one row under a 500-byte budget (256 overhead + 2).
    expect(plan(rows, 500, { rows, bytes: big }).map((c) => c.rows.length)).toEqual(Array(10).fill(1));
    // Rows replaced on the way (toExcelRows' copies) are not the counted ones: counted again.
    const copies = rows.map((r) => [...r]);
    expect(plan(copies, 500, { rows, bytes: big })).toEqual(plan(copies, 500));
    expect(plan(copies, 500).length).toBeLessThan(10);
  });

  it('marks a batch only with one count per row', () => {
    expect(rowBytesOf(withRowBytes(rows, exact))).toBe(exact);
    const other = rows.slice(1);
    expect(rowBytesOf(withRowBytes(other, exact))).toBeUndefined();
  });
});
