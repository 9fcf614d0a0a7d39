/**
 * Every-N-minutes refresh while the workbook is open: the clock's ticker (wall clock, sleep/wake
 * safe: refresh/clock/ticker.ts) driving the shared RefreshRunner. The ticker never starts a
 * table that is already refreshing for another reason (manual, Refresh all, on open): the runner
 * tells it, and a finished refresh restarts that table's cadence.
 */
import { toTimedDefinitions } from '../clock/fromDefinitions.js';
import { createTicker, type Ticker, type TickerOptions } from '../clock/ticker.js';
import type { RefreshDefinition } from '../definitions/schema.js';
import type { RefreshRunner } from './runner.js';

export interface TimedRefresh {
  /** Call with the current definitions whenever they change. */
  sync(definitions: readonly RefreshDefinition[]): void;
  start(): void;
  stop(): void;
  /** When each timed table is next due (ms), for the Tables tab. */
  nextDue(): Map<string, number | null>;
}

export type TimerPorts = Pick<TickerOptions, 'now' | 'setTimeout' | 'clearTimeout' | 'tickMs'>;

const realTimers = (): TimerPorts => ({
  now: () => Date.now(),
  setTimeout: (cb, ms) => globalThis.setTimeout(cb, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
});

export function createTimedRefresh(runner: RefreshRunner, ports: TimerPorts = realTimers()): TimedRefresh {
  const ticker: Ticker = createTicker({
    ...ports,
    // Only the instance holding the workbook's lease runs timed refreshes (runner.refreshTimed, lease.ts).
    onDue: async (id) => {
      await runner.refreshTimed(id);
    },
  });
  runner.onRunning((id, running, trigger) => {
    // The ticker tracks its own runs; others (manual, Refresh all) must pause and restart its cadence.
    if (trigger !== 'timer') ticker.setRunning(id, running);
  });
  return {
    sync: (definitions) => ticker.sync(toTimedDefinitions(definitions)),
    start: () => ticker.start(),
    stop: () => ticker.stop(),
    nextDue: () => new Map(ticker.states().map((s) => [s.id, s.nextDueAt])),
  };
}
