import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createTimedRefresh } from '../../../../addin/refresh/runner/timed.js';
import type { StreamMessage } from '../../../../common/stream.js';
import { bench, columns, gated, ok, rows } from './fixtures.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T10:00:00Z');

describe('every-N-minutes refresh', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  async function timedBench() {
    const b = await bench({
      now: () => new Date(),
      tables: [
        {
          name: 'Sales',
          viewId: 'v1',
          at: 'A1',
          def: {
            options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, everyMinutes: 5 },
            lastResult: { at: new Date(T0).toISOString(), rows: 3, durationMs: 10, status: 'ok' },
          },
        },
      ],
    });
    b.api.script('v1', ok(columns, rows(2)));
    const timed = createTimedRefresh(b.runner, {
      now: () => Date.now(),
      setTimeout: (cb, ms) => setTimeout(cb, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      tickMs: 30_000,
    });
    timed.sync(await b.store.list());
    timed.start();
    return { ...b, timed };
  }

  it('refreshes when due, by the wall clock, and again one interval later', async () => {
    const b = await timedBench();
    expect(b.timed.nextDue().get(b.ids.Sales)).toBe(T0 + 5 * MIN);
    await vi.advanceTimersByTimeAsync(4 * MIN);
    expect(b.api.pull).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1 * MIN + 1000);
    expect(b.api.pull).toHaveBeenCalledTimes(1);
    expect(b.log.entries()[0]).toMatchObject({ trigger: 'timer', outcome: 'ok' });
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(b.api.pull).toHaveBeenCalledTimes(2);
    b.timed.stop();
  });

  it('after a sleep through several slots it refreshes once, not once per missed slot', async () => {
    const b = await timedBench();
    // The laptop sleeps: timers do not fire, the wall clock jumps 32 minutes.
    vi.setSystemTime(T0 + 32 * MIN);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(b.api.pull).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(b.api.pull).toHaveBeenCalledTimes(1);
    b.timed.stop();
  });

  it('skips a table while a manual refresh of it runs', async () => {
    const b = await timedBench();
    const g = gated([{ kind: 'meta', columns }], [{ kind: 'end', rowCount: 0, truncated: false } as StreamMessage]);
    b.api.script('v1', (_r, _c, signal) => g.run(signal), ok(columns, rows(1)));
    await vi.advanceTimersByTimeAsync(4 * MIN + 50_000);
    const manual = b.runner.refresh(b.ids.Sales);
    await vi.advanceTimersByTimeAsync(3 * MIN); // the slot at 5 min passes while the manual one runs
    expect(b.api.pull).toHaveBeenCalledTimes(1);
    g.release();
    await manual;
    // The cadence restarts from the manual refresh: next at +5 min from its end.
    await vi.advanceTimersByTimeAsync(4 * MIN);
    expect(b.api.pull).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1 * MIN + 30_000);
    expect(b.api.pull).toHaveBeenCalledTimes(2);
    b.timed.stop();
  });
});
