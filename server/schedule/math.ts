/**
 * When server schedules run: the next runs of a spec and the catch-up after downtime.
 * Pure functions of (spec, instants); no timers, no I/O.
 *
 * DST: daily/weekly/cron times are wall-clock times in the spec's zone and go through croner,
 * which runs a time that falls in a spring-forward gap once, shifted by the gap (02:30 → 03:30),
 * and a time in a fall-back overlap once, at its first occurrence. "Hourly" is elapsed time:
 * it runs in every real hour, both repeated hours on fall-back included, so it is computed here.
 */
import type { Cron } from 'croner';

import { compileCron, isTimed, type ScheduleSpec, toCron } from './spec.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Counting missed runs stops here: "100 or more missed" says enough, and bounds the work. */
export const MISSED_COUNT_CAP = 100;

/** UTC offset of `zone` at `at`, in minutes (e.g. +120 for Berlin in summer). */
// Building an Intl.DateTimeFormat is far slower than using one; hourly math formats many instants.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function zoneOffsetMinutes(zone: string, at: Date): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / MINUTE);
}

/** The run of an hourly spec inside the UTC hour starting at `hourStart` (ms), or null. */
function hourlyRunInHour(minute: number, zone: string, hourStart: number): number | null {
  // Local minute = (UTC minute + offset) mod 60; offsets can be :30/:45 (India, Nepal).
  let at = hourStart + ((((minute - zoneOffsetMinutes(zone, new Date(hourStart))) % 60) + 60) % 60) * MINUTE;
  const localMinute = (t: number) => (((new Date(t).getUTCMinutes() + zoneOffsetMinutes(zone, new Date(t))) % 60) + 60) % 60;
  if (localMinute(at) !== minute) {
    // The offset changed inside this hour: recompute with the offset in force at the candidate.
    at = hourStart + ((((minute - zoneOffsetMinutes(zone, new Date(at))) % 60) + 60) % 60) * MINUTE;
    if (localMinute(at) !== minute) return null;
  }
  return at;
}

function* hourlyRuns(minute: number, zone: string, after: Date): Generator<Date> {
  for (let hour = Math.floor(after.getTime() / HOUR) * HOUR; ; hour += HOUR) {
    const at = hourlyRunInHour(minute, zone, hour);
    if (at !== null && at > after.getTime()) yield new Date(at);
  }
}

function* cronRuns(cron: Cron, after: Date): Generator<Date> {
  let last = after.getTime();
  let cursor = after;
  for (;;) {
    const next = cron.nextRun(cursor);
    if (!next) return;
    // Croner can return the same instant twice around a spring-forward gap (an hourly pattern's
    // 02:xx and 03:xx both map to 03:xx): keep the sequence strictly increasing.
    if (next.getTime() <= last) {
      cursor = new Date(last + 1000);
      continue;
    }
    last = next.getTime();
    cursor = next;
    yield next;
  }
}

/** No times at all: an on-tableau-refresh schedule runs when Tableau's webhook says so, never by the clock. */
function* noRuns(): Generator<Date> {
  yield* [];
}

/**
 * Compiled patterns by zone and expression. A paused Cron is a pure function of the instant it is
 * given (nextRun(date) never reads its run state), so one object serves every schedule with the same
 * spec. Compiling costs about as much as a nextRun (0.1 ms), and every instance of a team server
 * checks every schedule at its due time and at each maintenance interval (timers.ts): 1,000 schedules
 * due at one minute compiled their patterns 2,000 times per instance (bench/team.ts CPU profile).
 */
const compiled = new Map<string, Cron>();
const COMPILED_CAP = 1024;

function cronOf(expression: string, zone: string): Cron {
  const key = `${zone}\u0000${expression}`;
  let cron = compiled.get(key);
  if (!cron) {
    if (compiled.size >= COMPILED_CAP) compiled.delete(compiled.keys().next().value!);
    cron = compileCron(expression, zone);
    compiled.set(key, cron);
  }
  return cron;
}

/** All runs strictly after `after`, in order (an endless generator for most specs, empty for untimed ones). */
function runsAfter(spec: ScheduleSpec, after: Date): Generator<Date> {
  if (!isTimed(spec)) return noRuns();
  if (spec.kind === 'hourly') return hourlyRuns(spec.minute, spec.timeZone, after);
  return cronRuns(cronOf(toCron(spec), spec.timeZone), after);
}

/** The next `count` runs strictly after `from`. */
export function nextRuns(spec: ScheduleSpec, from: Date, count: number): Date[] {
  if (!Number.isInteger(count) || count < 0 || count > 1000) {
    throw new RangeError(`count must be a whole number from 0 to 1000, got ${count}.`);
  }
  if (Number.isNaN(from.getTime())) throw new RangeError('from is not a valid date.');
  const out: Date[] = [];
  if (count === 0) return out;
  for (const run of runsAfter(spec, from)) {
    out.push(run);
    if (out.length === count) break;
  }
  return out;
}

/**
 * The first run strictly after `from`: nextRuns(spec, from, 1)[0], remembered per spec and instant.
 * When schedules of one spec come due at one instant (1,000 "daily at 09:00" schedules), every
 * instance of a team server asks each of them for its run after that instant (timers.ts): one
 * croner walk answers them all (a walk costs ~0.5 ms; bench/team.ts CPU profile).
 */
const nextAfter = new Map<string, Date | null>();
const NEXT_AFTER_CAP = 1024;

export function nextRunAfter(spec: ScheduleSpec, from: Date): Date | null {
  const key = `${from.getTime()}\u0000${JSON.stringify(spec)}`;
  if (nextAfter.has(key)) {
    const known = nextAfter.get(key)!;
    return known && new Date(known);
  }
  const next = nextRuns(spec, from, 1)[0] ?? null;
  if (nextAfter.size >= NEXT_AFTER_CAP) nextAfter.delete(nextAfter.keys().next().value!);
  nextAfter.set(key, next);
  return next && new Date(next);
}

/** Whether `at` is one of the spec's times (a job enqueued before its time checks it still is: queue-runner.ts). */
export function isTimeOf(spec: ScheduleSpec, at: Date): boolean {
  return nextRunAfter(spec, new Date(at.getTime() - 1))?.getTime() === at.getTime();
}

/** The latest run at or before `at`, searching no further back than `notBefore` (exclusive). */
function latestRunAtOrBefore(spec: ScheduleSpec, at: Date, notBefore: Date): Date | null {
  // Walk back in growing windows and take the last run inside [at - window, at].
  for (let window = HOUR; ; window *= 4) {
    const start = new Date(Math.max(at.getTime() - window, notBefore.getTime()));
    let latest: Date | null = null;
    for (const run of runsAfter(spec, start)) {
      if (run.getTime() > at.getTime()) break;
      latest = run;
    }
    if (latest || start.getTime() === notBefore.getTime()) return latest;
  }
}

export interface MissedRuns {
  /** The one run to do now (the latest scheduled time in (lastRunAt, now]), or null if none was missed. */
  due: Date | null;
  /** How many scheduled times fell in (lastRunAt, now]; at most MISSED_COUNT_CAP. */
  missed: number;
  /** true when `missed` stopped counting at MISSED_COUNT_CAP. */
  capped: boolean;
  /** The first scheduled time after `now`. */
  next: Date | null;
}

/**
 * Catch-up policy "a missed schedule runs once (no storm)": after downtime, however many times
 * were missed, at most one run is due now; the others are only counted (for the run log).
 */
export function missedRunsSince(spec: ScheduleSpec, lastRunAt: Date, now: Date): MissedRuns {
  if (Number.isNaN(lastRunAt.getTime()) || Number.isNaN(now.getTime())) throw new RangeError('lastRunAt and now must be valid dates.');
  const nextAfterNow = () => nextRuns(spec, now, 1)[0] ?? null;
  if (lastRunAt.getTime() >= now.getTime()) return { due: null, missed: 0, capped: false, next: nextAfterNow() };
  // Nothing missed (the usual case: the handled slot is the spec's latest time): the run after the
  // slot, remembered per spec and slot (nextRunAfter), is already after now. The schedules of one
  // due minute share both, so an instance checking 1,000 of them after a burst walks once, not
  // 1,000 times (bench/team.ts CPU profile: ~15 % of an instance's CPU in the burst).
  const first = nextRunAfter(spec, lastRunAt);
  if (first === null) return { due: null, missed: 0, capped: false, next: null };
  if (first.getTime() > now.getTime()) return { due: null, missed: 0, capped: false, next: first };
  let missed = 0;
  let due: Date | null = null;
  // The runs after lastRunAt increase strictly, so the first one after `now` is `next`: one walk
  // instead of a second search from `now` (each croner step builds Intl formatters, ~0.5 ms).
  for (const run of runsAfter(spec, lastRunAt)) {
    if (run.getTime() > now.getTime()) return { due, missed, capped: false, next: run };
    due = run;
    if (++missed === MISSED_COUNT_CAP) {
      return { due: latestRunAtOrBefore(spec, now, run) ?? run, missed, capped: true, next: nextAfterNow() };
    }
  }
  return { due, missed, capped: false, next: null };
}
