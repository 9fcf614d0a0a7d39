/** TextSpool (server/pull/text-spool.ts): text in memory, then on disk, read back whole; nothing left behind. */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { TextSpool } from '../../../server/pull/text-spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'text-spool-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(spool: TextSpool): Promise<string> {
  let text = '';
  for await (const t of spool.texts()) text += t;
  return text;
}

describe('TextSpool', () => {
  it('gives the text back in order, from memory and from disk, and deletes the file', async () => {
    const parts = ['a,b\r\n', 'é,"x\ny"\r\n', '😀'.repeat(100), 'z'.repeat(5_000)];
    for (const memoryChars of [1_000_000, 10]) {
      const spool = new TextSpool({ memoryChars, tmpDir: dir });
      for (const p of parts) await spool.add(p);
      expect(await readAll(spool)).toBe(parts.join(''));
      expect(readdirSync(dir).length).toBe(memoryChars === 10 ? 1 : 0);
      await spool.dispose();
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('disposed while a write is on its way (a consumer that stopped early): no uncaught error, no file left', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      for (let round = 0; round < 5; round++) {
        const spool = new TextSpool({ memoryChars: 10, tmpDir: dir });
        // Round 0: disposed while the spool's directory is being made.
        if (round > 0) await spool.add('x'.repeat(20));
        // Not awaited: one write is in flight and more wait behind it when the stream is destroyed.
        const pending = ['a', 'b', 'c'].map((c) => spool.add(c.repeat(1_000_000)).catch(() => undefined));
        await spool.dispose();
        await Promise.all(pending);
        await new Promise((resolve) => setTimeout(resolve, 20)); // the fs callbacks of the destroyed stream
        expect(readdirSync(dir)).toEqual([]);
      }
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  });
});
