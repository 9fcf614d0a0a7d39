/**
 * Time for the schedule runner: "now" and one-shot timers, injectable so tests move time by hand
 * (test/server/schedule/manual-clock.ts) instead of waiting.
 *
 * The real timers are croner jobs. Croner is given the instant math.ts computed rather than the
 * cron pattern: math.ts is the single source of "when" (hourly runs every real hour across DST,
 * which croner's wall-clock pattern does not), so the timer and the catch-up after downtime can
 * never disagree. Croner also re-arms long waits itself (setTimeout overflows after 24.8 days, and
 * a monthly cron can wait longer).
 */
import { Cron } from 'croner';

export interface Timer {
  cancel(): void;
}

export interface SchedulerClock {
  now(): Date;
  /** Calls `fire` once at `at` (at once, asynchronously, when `at` has passed). */
  setTimer(at: Date, fire: () => void): Timer;
}

export const systemClock: SchedulerClock = {
  now: () => new Date(),
  setTimer(at, fire) {
    // Croner never fires a run-once job whose date has passed.
    if (at.getTime() <= Date.now()) {
      const handle = setTimeout(fire, 0);
      return { cancel: () => clearTimeout(handle) };
    }
    // unref: a timer for next week must not keep a stopping process alive.
    const job = new Cron(at, { unref: true }, fire);
    return { cancel: () => job.stop() };
  },
};
