/**
 * Time for the schedule runner: "now" and one-shot timers, injectable so tests move time by hand
 * (test/server/schedule/manual-clock.ts) instead of waiting.
 *
 * The real timers are Node timers given the instant math.ts computed: math.ts is the single source
 * of "when" (hourly runs every real hour across DST, which a wall-clock pattern does not), so the
 * timer and the catch-up after downtime can never disagree. A wait longer than setTimeout allows
 * (2^31 − 1 ms, 24.8 days: https://nodejs.org/api/timers.html#settimeoutcallback-delay-args; a
 * monthly cron can wait longer) is re-armed in steps. Not croner run-once jobs: building one costs
 * ~0.5 ms, and every instance of a team server re-arms the timer of each of 1,000 schedules due at
 * one minute at that minute (bench/team.ts CPU profile).
 */
export interface Timer {
  cancel(): void;
}

export interface SchedulerClock {
  now(): Date;
  /** Calls `fire` once at `at` (at once, asynchronously, when `at` has passed). */
  setTimer(at: Date, fire: () => void): Timer;
}

/** setTimeout's longest delay (a longer one fires at once, with a warning). */
const MAX_DELAY_MS = 2 ** 31 - 1;

export const systemClock: SchedulerClock = {
  now: () => new Date(),
  setTimer(at, fire) {
    let handle: NodeJS.Timeout;
    const wait = () => {
      const left = at.getTime() - Date.now();
      // unref: a timer for next week must not keep a stopping process alive.
      handle = left > MAX_DELAY_MS ? setTimeout(wait, MAX_DELAY_MS).unref() : setTimeout(fire, Math.max(0, left)).unref();
    };
    wait();
    return { cancel: () => clearTimeout(handle) };
  },
};
