/** Batcher (server/store/batcher.ts): calls arriving while a write is on its way share the next write. */
import { describe, expect, it } from 'vitest';

import { Batcher, TickBatcher } from '../../../server/store/batcher.js';

/** A write that stays pending until the test lets it finish (or fail). */
function heldWrites() {
  const writes: Array<{ items: number[]; finish: () => void; fail: (err: Error) => void }> = [];
  const write = (items: number[]) =>
    new Promise<void[]>((resolve, reject) => {
      writes.push({ items, finish: () => resolve(items.map(() => undefined)), fail: reject });
    });
  return { writes, write };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  it('writes a lone call on its own, and gathers the calls made meanwhile into the next write', async () => {
    const { writes, write } = heldWrites();
    const batcher = new Batcher<number>(write);
    const first = batcher.add(1);
    await turn();
    expect(writes.map((w) => w.items)).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => batcher.add(n));
    await turn();
    expect(writes).toHaveLength(1); // nothing more while the first write is on its way
    writes[0].finish();
    await first;
    await turn();
    expect(writes.map((w) => w.items)).toEqual([[1], [2, 3, 4]]);
    writes[1].finish();
    await Promise.all(later);
  });

  it('splits a burst into writes of at most `max`', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number>(async (items) => {
      sizes.push(items.length);
      return items.map(() => undefined);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it("answers each caller with its own item's result", async () => {
    const batcher = new Batcher<number, string>(async (items) => items.map((n) => `#${n}`));
    expect(await Promise.all([3, 1, 2].map((n) => batcher.add(n)))).toEqual(['#3', '#1', '#2']);
  });

  it('rejects the calls of a failed write only, and goes on with the next ones', async () => {
    const { writes, write } = heldWrites();
    const batcher = new Batcher<number>(write);
    const failed = batcher.add(1);
    await turn();
    const next = batcher.add(2);
    writes[0].fail(new Error('database busy'));
    await expect(failed).rejects.toThrow('database busy');
    await turn();
    writes[1].finish();
    await expect(next).resolves.toBeUndefined();
  });

  it('refuses a max that is not a positive whole number', () => {
    expect(() => new Batcher<number>(async () => [], 0)).toThrow(RangeError);
  });

  it('TickBatcher: the calls of one turn go in one write, the next turn in its own without waiting for the first; a failure reaches its batch only', async () => {
    const { writes, write } = heldWrites();
    const batcher = new TickBatcher<number>(write);
    const first = [1, 2].map((n) => batcher.add(n));
    await turn();
    const second = batcher.add(3);
    await turn();
    expect(writes.map((w) => w.items)).toEqual([[1, 2], [3]]); // both on their way at once
    writes[1].fail(new Error('refused'));
    await expect(second).rejects.toThrow('refused');
    writes[0].finish();
    await Promise.all(first);
  });
});
