import { describe, expect, it } from 'vitest';

import { TurnBudget } from '../../../server/pull/turn-budget.js';

/** A budget on a fake clock; `nextTurn` runs what it deferred, as the event loop's next turn would. */
function fakeLoop(budgetMs: number) {
  const clock = { ms: 0 };
  let deferred: Array<() => void> = [];
  const budget = new TurnBudget({ budgetMs, now: () => clock.ms, defer: (fn) => deferred.push(fn) });
  const log: string[] = [];
  /** A slice that takes `ms` of fake time and records its name. */
  const slice = (name: string, ms: number) => () => {
    clock.ms += ms;
    log.push(name);
    return name;
  };
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve)); // lets awaiting callers continue
  return {
    budget,
    log,
    slice,
    async nextTurn() {
      const now = deferred;
      deferred = [];
      for (const fn of now) fn();
      await flush();
    },
    get deferredCount() {
      return deferred.length;
    },
  };
}

describe('TurnBudget', () => {
  it('runs a slice at once while the turn has budget and nobody waits', async () => {
    const loop = fakeLoop(10);
    const result = loop.budget.run(loop.slice('a', 3));
    expect(loop.log).toEqual(['a']);
    await expect(result).resolves.toBe('a');
  });

  it('after the budget is spent, later slices wait for the next turn, first come first served', async () => {
    const loop = fakeLoop(10);
    const results = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => loop.budget.run(loop.slice(name, 4)));
    // 0 → 4 → 8 → 12 ms: the third slice starts within the budget, the fourth waits.
    expect(loop.log).toEqual(['a', 'b', 'c']);
    expect(loop.budget.waiting).toBe(3);
    await loop.nextTurn();
    expect(loop.log).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('one turn runs at most a budget of waiting slices (plus the one that crosses it)', async () => {
    const loop = fakeLoop(10);
    loop.budget.run(loop.slice('spend', 10));
    for (let i = 0; i < 9; i++) void loop.budget.run(loop.slice(`s${i}`, 3));
    expect(loop.budget.waiting).toBe(9);
    const perTurn: number[] = [];
    while (loop.budget.waiting > 0) {
      const before = loop.log.length;
      await loop.nextTurn();
      perTurn.push(loop.log.length - before);
    }
    expect(perTurn).toEqual([4, 4, 1]);
  });

  it('pulls that each queue their next slice after the last take turns (round robin)', async () => {
    const loop = fakeLoop(5);
    const pull = async (name: string, slices: number) => {
      for (let i = 0; i < slices; i++) await loop.budget.run(loop.slice(`${name}${i}`, 2));
    };
    loop.budget.run(loop.slice('spend', 5)); // the turn's budget is gone: every pull queues
    const done = Promise.all([pull('a', 3), pull('b', 3), pull('c', 3)]);
    for (let turn = 0; turn < 10 && loop.budget.waiting + loop.deferredCount > 0; turn++) await loop.nextTurn();
    await done;
    expect(loop.log.slice(1)).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
  });

  it('a slice that throws rejects its own caller only; the queue goes on', async () => {
    const loop = fakeLoop(1);
    loop.budget.run(loop.slice('spend', 1));
    const bad = loop.budget.run(() => {
      throw new Error('bad slice');
    });
    const good = loop.budget.run(loop.slice('good', 0));
    const settled = Promise.allSettled([bad, good]); // handled before the turn rejects `bad`
    await loop.nextTurn();
    const [badResult, goodResult] = await settled;
    expect(badResult.status === 'rejected' && (badResult.reason as Error).message).toBe('bad slice');
    expect(goodResult).toEqual({ status: 'fulfilled', value: 'good' });
  });

  it('a slice run at once that throws rejects too', async () => {
    const loop = fakeLoop(10);
    await expect(
      loop.budget.run(() => {
        throw new Error('inline');
      }),
    ).rejects.toThrow('inline');
  });

  it('the budget is renewed in a later turn even when nothing waited', async () => {
    const loop = fakeLoop(10);
    loop.budget.run(loop.slice('a', 9));
    await loop.nextTurn();
    loop.budget.run(loop.slice('b', 9)); // a fresh turn: runs at once
    expect(loop.log).toEqual(['a', 'b']);
    expect(loop.budget.waiting).toBe(0);
  });

  it('with the budget off (Infinity) every slice runs at once, as before the budget', () => {
    const loop = fakeLoop(10);
    loop.budget.setBudgetMs(Infinity);
    for (let i = 0; i < 5; i++) void loop.budget.run(loop.slice(`s${i}`, 40));
    expect(loop.log).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(loop.budget.waiting).toBe(0);
  });

  it('asks for one renewal at a time, and none once idle', async () => {
    const loop = fakeLoop(10);
    for (let i = 0; i < 5; i++) void loop.budget.run(loop.slice(`s${i}`, 4));
    expect(loop.deferredCount).toBe(1);
    await loop.nextTurn(); // runs the waiting slices, used > 0: one more renewal
    await loop.nextTurn(); // nothing ran: idle
    expect(loop.deferredCount).toBe(0);
  });
});

describe('TurnBudget.slice', () => {
  it('hands on what the generator yielded, then its error, in that order', async () => {
    const loop = fakeLoop(10);
    const seen: string[] = [];
    const run = async () => {
      for await (const item of loop.budget.slice(function* () {
        yield 'rows';
        yield 'more rows';
        throw new Error('cut');
      }))
        seen.push(item);
    };
    await expect(run()).rejects.toThrow('cut');
    expect(seen).toEqual(['rows', 'more rows']);
  });

  it('produces everything in one slice of the budget', async () => {
    const loop = fakeLoop(10);
    loop.budget.run(loop.slice('spend', 10));
    const items: string[] = [];
    const done = (async () => {
      for await (const item of loop.budget.slice(function* () {
        yield loop.slice('x', 1)();
        yield loop.slice('y', 1)();
      }))
        items.push(item);
    })();
    await Promise.resolve();
    expect(loop.log).toEqual(['spend']); // waits for the next turn
    await loop.nextTurn();
    await done;
    expect(items).toEqual(['x', 'y']);
  });
});

describe('TurnBudget under steady load', () => {
  it('never lets the served part of its queue grow without bound', async () => {
    const loop = fakeLoop(1);
    loop.budget.run(loop.slice('spend', 1));
    // Two pulls keep one slice each queued at all times (the queue never empties) for 3,000 turns.
    let running = true;
    const pull = async (name: string) => {
      while (running) await loop.budget.run(loop.slice(name, 1));
    };
    const pulls = [pull('a'), pull('b')];
    const queueLength = () => (loop.budget as unknown as { queue: unknown[] }).queue.length;
    let longest = 0;
    for (let turn = 0; turn < 3000; turn++) {
      await loop.nextTurn();
      longest = Math.max(longest, queueLength());
    }
    running = false;
    for (let turn = 0; turn < 3 && loop.deferredCount > 0; turn++) await loop.nextTurn();
    await Promise.all(pulls);
    expect(longest).toBeLessThan(1100);
    // Fair all along: the two pulls took turns.
    const served = loop.log.slice(1);
    expect(Math.abs(served.filter((n) => n === 'a').length - served.filter((n) => n === 'b').length)).toBeLessThanOrEqual(1);
  });
});

describe('TurnBudget.charge', () => {
  it('runs at once even past the budget, and counts against it: the next slice waits', async () => {
    const loop = fakeLoop(10);
    loop.budget.run(loop.slice('spend', 10));
    expect(loop.budget.charge(loop.slice('encode', 5))).toBe('encode');
    void loop.budget.run(loop.slice('next', 1));
    expect(loop.log).toEqual(['spend', 'encode']);
    await loop.nextTurn();
    expect(loop.log).toEqual(['spend', 'encode', 'next']);
  });

  it('charged time alone uses up a fresh turn', () => {
    const loop = fakeLoop(10);
    loop.budget.charge(loop.slice('encode', 12));
    void loop.budget.run(loop.slice('next', 1));
    expect(loop.budget.waiting).toBe(1);
  });
});
