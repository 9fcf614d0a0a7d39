/**
 * "Every N minutes while the workbook is open": wall-clock math, no timers.
 *
 * Why wall clock: the shared runtime keeps timers alive with the pane hidden, but nothing
 * guarantees how a hidden webview throttles them, and a sleeping laptop stops them altogether
 * (docs/excel.md#shared-runtime: store when it is next due, tick, compare with Date.now(),
 * never count ticks). All times are epoch milliseconds.
 *
 * Runs sit on a grid anchored at the last run: last + N, last + 2N, ... After a sleep through
 * several slots, only the latest missed slot is due (one run, not one per missed slot), and the
 * run after it is back on the grid.
 */

const MINUTE = 60_000;
/** Largest interval the add-in offers: one week. */
export const MAX_EVERY_MINUTES = 7 * 24 * 60;

export function intervalMs(everyMinutes: number): number {
  if (!Number.isInteger(everyMinutes) || everyMinutes < 1 || everyMinutes > MAX_EVERY_MINUTES) {
    throw new RangeError(`Refresh interval must be a whole number of minutes from 1 to ${MAX_EVERY_MINUTES}, got ${everyMinutes}.`);
  }
  return everyMinutes * MINUTE;
}

/**
 * When the next timed refresh is due, given the last run (its scheduled slot or its start time).
 * - never ran: due now;
 * - on time: last + N;
 * - slept through slots: the latest missed slot (≤ now, so due at once, and only once);
 * - clock moved backwards (last is in the future): now + N, not "whenever the clock catches up".
 */
export function nextDueAt(lastRunAt: number | null, everyMinutes: number, now: number): number {
  const step = intervalMs(everyMinutes);
  if (lastRunAt === null) return now;
  if (lastRunAt > now) return now + step;
  const first = lastRunAt + step;
  if (first > now) return first;
  return lastRunAt + Math.floor((now - lastRunAt) / step) * step;
}

/** The first grid slot (anchor + k·N, k ≥ 1) strictly after `now`: where to go after a run. */
export function nextSlotAfter(anchor: number, everyMinutes: number, now: number): number {
  const step = intervalMs(everyMinutes);
  if (anchor > now) return now + step;
  return anchor + (Math.floor((now - anchor) / step) + 1) * step;
}

export interface ClockState {
  /** Refresh definition id. */
  id: string;
  /** null: no timed refresh for this table. */
  everyMinutes: number | null;
  /** When the next timed refresh is due (ms); null when not timed. */
  nextDueAt: number | null;
  /** A refresh of this table is running (timed, manual or Refresh all): never start a second one. */
  running: boolean;
}

/** Timed definitions due at `now` that are not already refreshing, most overdue first. */
export function dueDefinitions(states: readonly ClockState[], now: number): ClockState[] {
  return states
    .filter((s) => s.everyMinutes !== null && s.nextDueAt !== null && s.nextDueAt <= now && !s.running)
    .sort((a, b) => a.nextDueAt! - b.nextDueAt! || a.id.localeCompare(b.id));
}

/** The earliest due time among idle timed definitions, or null when nothing is timed. */
export function earliestDue(states: readonly ClockState[]): number | null {
  let earliest: number | null = null;
  for (const s of states) {
    if (s.everyMinutes === null || s.nextDueAt === null || s.running) continue;
    if (earliest === null || s.nextDueAt < earliest) earliest = s.nextDueAt;
  }
  return earliest;
}
