import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { CellSpool } from '../../../server/pull/cell-spool.js';

describe('CellSpool', () => {
  it.each([
    ['in memory', 1e9, false],
    ['in memory, then on disk', 600_000, false],
    ['on disk', 0, false],
    ['on disk, ASCII texts only', 0, true],
  ])('gives back every row in order (%s), numbers and texts, and deletes its file', async (_label, memoryBytes, ascii) => {
    const dir = await mkdtemp(join(tmpdir(), 'cell-spool-test-'));
    try {
      const width = 7; // 65,536 is no multiple of 7: rows must not straddle blocks
      const rows = 30_000;
      const spool = new CellSpool(width, { memoryBytes, tmpDir: dir });
      // Texts of any length, a lone surrogate among them (a string input may hold one).
      const texts = ascii ? ['', 'Muenchen', 'x', 'a,"b"'] : ['', 'München 😀', '\ud800x', 'a,"b"'];
      const value = (r: number, j: number) => (j === 3 && r % 5 === 0 ? texts[r % 4] : r * width + j + 0.5);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < width; j++) {
          const v = value(r, j);
          if (typeof v === 'number') spool.push(v);
          else spool.pushText(v);
        }
      }
      for (let r = 0; r < rows; r++) {
        const block = spool.nextRow(width);
        const got = Array.from(block.subarray(spool.rowStart, spool.rowStart + width), (n) => (Number.isNaN(n) ? spool.nextText() : n));
        const want = Array.from({ length: width }, (_, j) => value(r, j));
        if (got.some((v, j) => v !== want[j])) expect([r, got]).toEqual([r, want]);
      }
      expect((await readdir(dir)).length).toBe(memoryBytes === 1e9 ? 0 : 1);
      spool.dispose();
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
