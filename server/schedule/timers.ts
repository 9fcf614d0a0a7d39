/**
 * When each schedule is due, for both runners (runner.ts in process, queue-runner.ts on pg-boss):
 *  - one timer per schedule, armed for its next time (math.ts); each firing re-arms the next;
 *  - after downtime a schedule is due ONCE, however many times it missed (missedRunsSince);
 *  - the checks of one schedule are queued one after another (the store is asynchronous);
 *  - a check that fails (e.g. the database was busy) is tried again in 5 minutes rather than
 *    dropping the schedule's timer; a spec whose times cannot be computed pauses the schedule.
 * What happens at a due time is the runner's: `onDue`.
 */
import type { Logger } from '../log.js';
import type { ScheduleRecord, ScheduleStore } from '../store/schedules.js';
import type { RunStart } from '../store/snapshots.js';
import type { SchedulerClock, Timer } from './clock.js';
import { type MissedRuns, missedRunsSince, nextRunAfter, nextRuns } from './math.js';
import type { ScheduleSpec } from './spec.js';

const RETRY_CHECK_MS = 5 * 60_000;

/** How a due time starts: on time, or late (catch-up, with how many times were missed). */
export type DueStart = Pick<RunStart, 'trigger' | 'scheduledFor' | 'missed'> & { scheduledFor: Date };

interface TimersOptions {
  /** Only find: the queue runner passes one that gathers the finds of a due minute (batcher.ts). */
  schedules: Pick<ScheduleStore, 'find'>;
  clock: SchedulerClock;
  logger: Logger;
  /** A due time handled later than this counts as a catch-up. Default 60 s. */
  lateAfterMs?: number;
  /** False once the runner stops: no check goes on, no timer is armed. */
  started(): boolean;
  /** A scheduled time came (once per time, across downtime too). */
  onDue(schedule: ScheduleRecord, due: DueStart, log: Logger): Promise<void>;
  /** The queue runner: times put on the queue before they come (docs/queue.md, "Enqueued ahead"). */
  ahead?: AheadOptions;
}

/**
 * A time coming within `ms` is enqueued then, to start at its time, and marked as the handled slot:
 * at the time itself no instance computes, enqueues or marks anything (1,000 schedules due at one
 * minute: bench/team.ts). The time's timer is then armed past it; if the enqueue fails, the timer
 * stays and the time is enqueued when it comes, as without `ahead`.
 */
export interface AheadOptions {
  ms: number;
  /** Enqueues `at` to start at that time and marks it handled; rejects when it could not. */
  enqueue(schedule: ScheduleRecord, at: Date, log: Logger): Promise<void>;
  /** A time handled ahead (by this instance or another) is coming at `at`: the runner looks for jobs then. */
  upcoming(at: Date): void;
}

interface Armed {
  at: Date;
  timer: Timer;
  spec?: string;
  slot?: number;
}

export class ScheduleTimers {
  /**
   * The armed timer of each schedule; `spec`: the spec (as stored, JSON) whose next time `at` is,
   * absent for a retry timer (RETRY_CHECK_MS), which is not a time of the spec; `slot`: the
   * schedule's handled slot (ms) once the check that armed it was done: no time of the spec lies
   * between it and `at` (see fastPlan).
   */
  private readonly timers = new Map<string, Armed>();
  /** The pending check of each schedule: a new check waits for the previous one. */
  private readonly checks = new Map<string, Promise<void>>();

  constructor(private readonly options: TimersOptions) {}

  /** Queues a check after the one pending (never two at once for one schedule); never rejects: timers call it. */
  check(id: string): Promise<void> {
    const previous = this.checks.get(id) ?? Promise.resolve();
    const next = previous.then(() => this.safeTick(id));
    this.checks.set(id, next);
    void next.finally(() => {
      if (this.checks.get(id) === next) this.checks.delete(id);
    });
    return next;
  }

  disarm(id: string): void {
    this.timers.get(id)?.timer.cancel();
    this.timers.delete(id);
  }

  cancelAll(): void {
    for (const { timer } of this.timers.values()) timer.cancel();
    this.timers.clear();
  }

  /**
   * Brings the timers in line with the store's schedules (the queue runner, every maintenance
   * interval): a schedule created or changed through ANOTHER instance is armed here too, so its
   * time is kept when that instance is gone; one deleted elsewhere is disarmed. Only schedules
   * not armed, or armed for another time than their spec's next, are checked (one query each).
   * A timer armed for the next time of the same spec, still ahead, is that spec's next time now
   * too (no time of the spec lies between when it was computed and its `at`), so its times are not
   * computed again: croner costs ~0.5 ms a step, and this runs every minute for every schedule on
   * every instance (1,000 schedules: ~1 s of CPU a minute, bench/team.ts CPU profile).
   */
  sync(schedules: readonly ScheduleRecord[]): void {
    const now = this.options.clock.now();
    const known = new Set(schedules.map((s) => s.id));
    for (const id of [...this.timers.keys()]) if (!known.has(id)) this.disarm(id);
    const ahead = this.options.ahead;
    for (const schedule of schedules) {
      if (this.checks.has(schedule.id)) continue;
      const armed = this.timers.get(schedule.id);
      if (armed?.spec !== undefined && armed.at.getTime() > now.getTime() && armed.spec === JSON.stringify(schedule.spec)) {
        // Coming within the lead: enqueued ahead now (or, when another instance did, armed past it).
        if (ahead && armed.at.getTime() - now.getTime() <= ahead.ms) void this.check(schedule.id);
        continue;
      }
      // Not armed here yet (made through another instance) with its next time enqueued ahead (its slot
      // is later than now): its check arms past that slot from one walk per spec and slot
      // (handledAhead, nextRunAfter), not one croner walk per schedule here (~0.6 ms each).
      if (!armed && Date.parse(schedule.lastSlotAt) > now.getTime()) {
        void this.check(schedule.id);
        continue;
      }
      let next: Date | undefined;
      try {
        // One `now` for the whole pass: remembered per spec (nextRunAfter), so the schedules sharing
        // a spec cost one walk, not one each (~15 % of an instance's CPU when this pass fell in the
        // burst of bench/team.ts, for the schedules made through the other instances).
        next = nextRunAfter(schedule.spec, now) ?? undefined;
      } catch {
        continue; // a spec whose times cannot be computed: its check paused it and logged why
      }
      if (next && armed?.at.getTime() !== next.getTime()) void this.check(schedule.id);
    }
  }

  async nextRunAt(id: string): Promise<Date | null> {
    const armed = this.timers.get(id);
    if (armed) return armed.at;
    const schedule = await this.options.schedules.find(id);
    return schedule ? (nextRuns(schedule.spec, this.options.clock.now(), 1)[0] ?? null) : null;
  }

  /** Resolves when no check and none of `runs()` is going on (a runner's idle()). */
  async idle(runs: () => Promise<unknown>[]): Promise<void> {
    for (;;) {
      const pending = [...this.checks.values(), ...runs()];
      if (!pending.length) return;
      await Promise.all(pending);
    }
  }

  private arm(id: string, at: Date, spec?: ScheduleSpec, slot?: Date): void {
    this.disarm(id);
    this.timers.set(id, {
      at,
      timer: this.options.clock.setTimer(at, () => void this.check(id)),
      ...(spec ? { spec: JSON.stringify(spec) } : {}),
      ...(slot ? { slot: slot.getTime() } : {}),
    });
  }

  /**
   * The plan of a timer that came at its time, without walking the spec from the handled slot:
   * when the spec and the slot are those the timer was armed with, no time of the spec lies between
   * the slot and `at` (`at` was the first time after the check that armed it, and that check handled
   * every earlier one), so `at` is due, once, unless a later time has passed too (then undefined:
   * the full walk counts them); or nothing, when `at` is the slot already. Its next time is shared by every schedule of the spec due at that
   * instant (nextRunAfter): 1,000 schedules due at one minute cost one croner walk, not 2,000.
   */
  private fastPlan(schedule: ScheduleRecord, armed: Armed | undefined, now: Date): MissedRuns | undefined {
    if (!armed || armed.spec === undefined || armed.slot === undefined) return undefined;
    if (armed.spec !== JSON.stringify(schedule.spec)) return undefined;
    const slot = Date.parse(schedule.lastSlotAt);
    // Checked before its time (sync, for the time coming within the lead): still the next, nothing due.
    if (armed.at.getTime() > now.getTime())
      return slot === armed.slot ? { due: null, missed: 0, capped: false, next: armed.at } : undefined;
    // `at` handled already: by another instance, whose slot mark came first (the usual case on a
    // team server, every instance's timer firing at once): nothing is due.
    const handled = slot === armed.at.getTime();
    if (slot !== armed.slot && !handled) return undefined;
    const next = nextRunAfter(schedule.spec, armed.at);
    if (next && next.getTime() <= now.getTime()) return undefined;
    return handled ? { due: null, missed: 0, capped: false, next } : { due: armed.at, missed: 1, capped: false, next };
  }

  private async safeTick(id: string): Promise<void> {
    try {
      await this.tick(id);
    } catch (err) {
      this.options.logger.error({ err, scheduleId: id }, 'schedule could not be checked; trying again in 5 minutes');
      if (!this.options.started() || this.timers.has(id)) return;
      this.arm(id, new Date(this.options.clock.now().getTime() + RETRY_CHECK_MS));
    }
  }

  /**
   * The one decision point, for timers, start-up and changes alike: if scheduled times passed
   * since the last handled one, the latest of them is due (once); then the timer is armed for the next.
   */
  private async tick(id: string): Promise<void> {
    const armed = this.timers.get(id);
    this.disarm(id);
    if (!this.options.started()) return;
    const schedule = await this.options.schedules.find(id);
    if (!schedule || !this.options.started()) return; // deleted (directly, or with its connection or user), or stopping
    const log = this.options.logger.child({ scheduleId: id });
    const now = this.options.clock.now();
    let plan;
    try {
      plan =
        this.handledAhead(schedule, now) ??
        this.fastPlan(schedule, armed, now) ??
        missedRunsSince(schedule.spec, new Date(schedule.lastSlotAt), now);
    } catch (err) {
      log.error({ err }, 'schedule times could not be computed; the schedule is paused');
      return;
    }
    if (plan.due) {
      const late = now.getTime() - plan.due.getTime() > (this.options.lateAfterMs ?? 60_000);
      await this.options.onDue(
        schedule,
        late ? { trigger: 'catch-up', scheduledFor: plan.due, missed: plan.missed } : { trigger: 'schedule', scheduledFor: plan.due },
        log,
      );
    }
    // onDue marked the due time as the handled slot (both runners), or there was none.
    let handled = plan.due ?? new Date(schedule.lastSlotAt);
    let next = plan.next;
    const ahead = this.options.ahead;
    if (ahead && next && next.getTime() - now.getTime() <= ahead.ms && this.options.started()) {
      try {
        await ahead.enqueue(schedule, next, log);
        handled = next;
        next = nextRunAfter(schedule.spec, next);
      } catch (err) {
        log.warn({ err, at: next }, 'the next time could not be enqueued ahead; it is enqueued when it comes');
      }
    }
    if (next && this.options.started()) this.arm(id, next, schedule.spec, handled);
  }

  /**
   * Nothing is due while the handled slot is now or later: a time enqueued ahead (by this instance
   * or another, AheadOptions) is on the queue already, to start at that slot. The next time is the
   * one after the slot. Undefined when the slot lies in the past (the usual walk decides).
   */
  private handledAhead(schedule: ScheduleRecord, now: Date): MissedRuns | undefined {
    const slot = new Date(schedule.lastSlotAt);
    if (slot.getTime() < now.getTime()) return undefined;
    if (slot.getTime() > now.getTime()) this.options.ahead?.upcoming(slot);
    return { due: null, missed: 0, capped: false, next: nextRunAfter(schedule.spec, slot) };
  }
}
