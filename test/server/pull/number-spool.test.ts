import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { NumberSpool } from '../../../server/pull/number-spool.js';

describe('NumberSpool', () => {
  it.each([
    ['in memory', 1e9],
    ['in memory, then on disk', 600_000],
    ['on disk', 0],
  ])('gives back every row in order (%s), NaN included, and deletes its file', async (_label, memoryBytes) => {
    const dir = await mkdtemp(join(tmpdir(), 'number-spool-test-'));
    try {
      const width = 7; // 65,536 is no multiple of 7: rows must not straddle blocks
      const rows = 30_000;
      const spool = new NumberSpool(width, { memoryBytes, tmpDir: dir });
      const value = (r: number, j: number) => (j === 3 && r % 5 === 0 ? NaN : r * width + j + 0.5);
      for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) spool.push(value(r, j));
      for (let r = 0; r < rows; r++) {
        const block = spool.nextRow(width);
        const got = Array.from(block.subarray(spool.rowStart, spool.rowStart + width));
        if (got.some((v, j) => !Object.is(v, value(r, j))))
          expect([r, got]).toEqual([r, Array.from({ length: width }, (_, j) => value(r, j))]);
      }
      expect((await readdir(dir)).length).toBe(memoryBytes === 1e9 ? 0 : 1);
      spool.dispose();
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
