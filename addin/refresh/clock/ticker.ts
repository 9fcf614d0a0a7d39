/**
 * The tick loop behind timed refresh. It re-reads the wall clock on every tick (so sleep/wake and
 * throttled timers only delay a run, never multiply it), wakes at the earliest due time but at
 * least every `tickMs`, and never starts a table that is already refreshing.
 * Time and timers are injected, so tests drive it with vi.useFakeTimers().
 */
import { type ClockState, dueDefinitions, earliestDue, nextDueAt, nextSlotAfter } from './due.js';

export interface TickerOptions {
  now: () => number;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** Runs the refresh of one definition; the ticker waits for it before that table can be due again. */
  onDue: (id: string) => Promise<void>;
  /** A failed timed refresh is reported here and retried at the next slot, not on the next tick. */
  onError?: (id: string, error: unknown) => void;
  /** Longest sleep between wall-clock checks (default 30 s). */
  tickMs?: number;
}

export interface TimedDefinition {
  id: string;
  everyMinutes: number | null | undefined;
  /** Last refresh (ms), from the definition's lastResult; null when never refreshed. */
  lastRunAt: number | null;
}

export interface Ticker {
  /** Sets the timed definitions (after loading the workbook, or any add/remove/edit). */
  sync(definitions: readonly TimedDefinition[]): void;
  /** A refresh outside the ticker (manual, Refresh all) started or finished; a finished one restarts the cadence. */
  setRunning(id: string, running: boolean, finishedAt?: number): void;
  start(): void;
  stop(): void;
  /** Current per-definition state (copies), for the pane's "next refresh at" text. */
  states(): ClockState[];
}

export function createTicker(options: TickerOptions): Ticker {
  const tickMs = options.tickMs ?? 30_000;
  const states = new Map<string, ClockState>();
  let timer: unknown = null;
  let started = false;

  function schedule(): void {
    if (timer !== null) options.clearTimeout(timer);
    timer = null;
    if (!started) return;
    const now = options.now();
    const due = earliestDue([...states.values()]);
    const wait = due === null ? tickMs : Math.min(tickMs, Math.max(0, due - now));
    timer = options.setTimeout(tick, wait);
  }

  function run(state: ClockState, slot: number): void {
    state.running = true;
    let outcome: Promise<void>;
    try {
      outcome = Promise.resolve(options.onDue(state.id));
    } catch (err) {
      outcome = Promise.reject(err);
    }
    outcome
      .catch((err) => options.onError?.(state.id, err))
      .finally(() => {
        state.running = false;
        // Removed or switched off while it ran: nothing to schedule.
        if (states.get(state.id) === state && state.everyMinutes !== null) {
          state.nextDueAt = nextSlotAfter(slot, state.everyMinutes, options.now());
        }
        schedule();
      });
  }

  function tick(): void {
    timer = null;
    const now = options.now();
    for (const state of dueDefinitions([...states.values()], now)) run(state, state.nextDueAt!);
    schedule();
  }

  return {
    sync(definitions) {
      const now = options.now();
      const seen = new Set<string>();
      for (const def of definitions) {
        seen.add(def.id);
        const every = def.everyMinutes ?? null;
        const due = every === null ? null : nextDueAt(def.lastRunAt, every, now);
        const current = states.get(def.id);
        if (!current) {
          states.set(def.id, { id: def.id, everyMinutes: every, nextDueAt: due, running: false });
        } else if (current.everyMinutes !== every) {
          // Edited in place: a run in flight still finds (and releases) this same state.
          current.everyMinutes = every;
          current.nextDueAt = due;
        }
      }
      for (const id of [...states.keys()]) if (!seen.has(id)) states.delete(id);
      schedule();
    },
    setRunning(id, running, finishedAt) {
      const state = states.get(id);
      if (!state) return;
      state.running = running;
      if (!running && state.everyMinutes !== null) {
        const at = finishedAt ?? options.now();
        state.nextDueAt = nextDueAt(at, state.everyMinutes, options.now());
      }
      schedule();
    },
    start() {
      started = true;
      schedule();
    },
    stop() {
      started = false;
      schedule();
    },
    states() {
      return [...states.values()].map((s) => ({ ...s }));
    },
  };
}
