import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createTicker, type Ticker } from '../../../../addin/refresh/clock/ticker.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 10, 10, 0);

/** A refresh the test finishes by hand, to hold a table in "running". */
function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('createTicker', () => {
  let calls: Array<{ id: string; at: number }>;
  let ticker: Ticker;
  let onDue: (id: string) => Promise<void>;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    calls = [];
    onDue = async (id) => {
      calls.push({ id, at: Date.now() });
    };
  });
  afterEach(() => {
    ticker?.stop();
    vi.useRealTimers();
  });

  const make = (extra: Partial<Parameters<typeof createTicker>[0]> = {}) =>
    createTicker({
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      onDue: (id) => onDue(id),
      ...extra,
    });

  it('runs a table every N minutes by the wall clock', async () => {
    ticker = make();
    ticker.sync([{ id: 'sales', everyMinutes: 15, lastRunAt: T0 }]);
    ticker.start();
    await vi.advanceTimersByTimeAsync(14 * MIN);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 * MIN);
    await vi.advanceTimersByTimeAsync(31 * MIN);
    expect(calls.map((c) => (c.at - T0) / MIN)).toEqual([15, 30, 45]);
  });

  it('after sleep/wake: one run, then back on the interval grid', async () => {
    ticker = make();
    ticker.sync([{ id: 'sales', everyMinutes: 15, lastRunAt: T0 }]);
    ticker.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    // The laptop sleeps from 10:10 to 11:07: the clock jumps, no timer fires meanwhile.
    vi.setSystemTime(T0 + 67 * MIN);
    await vi.advanceTimersByTimeAsync(30_000); // the timer pending since 10:10 fires: 11:07:30
    expect(calls.map((c) => (c.at - T0) / MIN)).toEqual([67.5]); // four missed slots, one run
    await vi.advanceTimersByTimeAsync(10 * MIN); // until 11:17:30
    expect(calls.map((c) => (c.at - T0) / MIN)).toEqual([67.5, 75]); // then 11:15, on the grid
  });

  it('never starts a table that is already refreshing', async () => {
    const slow = deferred();
    onDue = (id) => {
      calls.push({ id, at: Date.now() });
      return slow.promise;
    };
    ticker = make();
    ticker.sync([{ id: 'sales', everyMinutes: 5, lastRunAt: null }]);
    ticker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(22 * MIN); // four slots pass while it runs
    expect(calls).toHaveLength(1);
    slow.resolve();
    await vi.advanceTimersByTimeAsync(0);
    // Finished at 10:22: next slot on the 5-minute grid from 10:00 is 10:25, not an immediate rerun.
    expect(ticker.states()[0]).toMatchObject({ running: false, nextDueAt: T0 + 25 * MIN });
  });

  it('skips a table while a manual refresh runs, and restarts its cadence from the manual run', async () => {
    ticker = make();
    ticker.sync([{ id: 'sales', everyMinutes: 15, lastRunAt: T0 }]);
    ticker.start();
    await vi.advanceTimersByTimeAsync(14 * MIN);
    ticker.setRunning('sales', true);
    await vi.advanceTimersByTimeAsync(3 * MIN);
    expect(calls).toEqual([]);
    ticker.setRunning('sales', false, Date.now());
    expect(ticker.states()[0].nextDueAt).toBe(T0 + 32 * MIN);
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(calls.map((c) => (c.at - T0) / MIN)).toEqual([32]);
  });

  it('a failing refresh is reported and retried at the next slot, not every tick', async () => {
    const errors: string[] = [];
    onDue = async (id) => {
      calls.push({ id, at: Date.now() });
      throw new Error('Tableau is down');
    };
    ticker = make({ onError: (id, e) => errors.push(`${id}: ${(e as Error).message}`) });
    ticker.sync([{ id: 'sales', everyMinutes: 10, lastRunAt: T0 }]);
    ticker.start();
    await vi.advanceTimersByTimeAsync(25 * MIN);
    expect(calls.map((c) => (c.at - T0) / MIN)).toEqual([10, 20]);
    expect(errors).toEqual(['sales: Tableau is down', 'sales: Tableau is down']);
  });

  it('sync adds, edits and removes timed tables; untimed ones never run', async () => {
    ticker = make();
    ticker.start();
    ticker.sync([
      { id: 'a', everyMinutes: 10, lastRunAt: T0 },
      { id: 'b', everyMinutes: null, lastRunAt: T0 },
      { id: 'c', everyMinutes: 5, lastRunAt: T0 },
    ]);
    ticker.sync([
      { id: 'a', everyMinutes: 30, lastRunAt: T0 },
      { id: 'b', everyMinutes: undefined, lastRunAt: T0 },
    ]);
    await vi.advanceTimersByTimeAsync(31 * MIN);
    expect(calls.map((c) => `${c.id}@${(c.at - T0) / MIN}`)).toEqual(['a@30']);
    expect(ticker.states().map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('does nothing once stopped', async () => {
    ticker = make();
    ticker.sync([{ id: 'a', everyMinutes: 1, lastRunAt: null }]);
    ticker.stop();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(calls).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
