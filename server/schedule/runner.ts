/**
 * The scheduler: runs every schedule at its times, in this process, even with no add-in open.
 *
 * Callers depend on the ScheduleRunner interface only (docs/architecture.md#how-it-scales): on
 * PostgreSQL, where several server instances may share the store, queue-runner.ts implements it on
 * a job queue (pg-boss) so that a run happens once across instances (docs/queue.md); this
 * in-process runner is the one-server implementation (SQLite).
 *
 * Rules:
 *  - when each schedule is due: timers.ts (one timer per schedule; after downtime, or a machine
 *    that slept through its times, ONCE however many times it missed, and the run records how many);
 *  - single flight per schedule: a time that comes while a run is still going is skipped, and
 *    "run now" during a run is refused (ScheduleError 'schedule-busy');
 *  - every run ends as a run record (succeeded or failed, never left "running" while the server
 *    lives); a failure calls the failure notifier (webhook); then history is trimmed;
 *  - the store is asynchronous (SQLite or PostgreSQL): the checks of one schedule are queued one
 *    after another (timers.ts), and the single-flight test and the claim of the slot in `running`
 *    happen with no await between them.
 */
import type { ApiErrorBody, StreamMessage } from '../../common/stream.js';
import type { Logger } from '../log.js';
import type { ScheduleRecord, ScheduleStore } from '../store/schedules.js';
import { RunInProgressError, type RunRecord, type RunStart, type SnapshotStore } from '../store/snapshots.js';
import { type SchedulerClock, systemClock } from './clock.js';
import { runInterrupted, scheduleBusy, scheduleMissing, schedulerStopped } from './errors.js';
import { recordSnapshot } from './record.js';
import { type DueStart, ScheduleTimers } from './timers.js';
import type { FailureNotifier } from './webhook.js';

export interface RunHandle {
  /** The run as it started (status 'running'). */
  run: RunRecord;
  /** Settles (never rejects) when the run has been recorded; undefined if the schedule was deleted meanwhile. */
  done: Promise<RunRecord | undefined>;
}

export interface ScheduleRunner {
  /** Recovers runs cut by a previous stop, catches up missed times once, arms the timers. */
  start(): Promise<void>;
  /** Cancels the timers, interrupts running runs and waits until they are recorded. */
  stop(): Promise<void>;
  /** A schedule was created or changed: (re)arm its timer. Settles (never rejects) once it is armed. */
  upsert(schedule: ScheduleRecord): Promise<void>;
  /** A schedule was deleted: cancel its timer and interrupt its run. */
  remove(id: string): void;
  /** Runs a schedule now. Throws ScheduleError 'schedule-busy' while it runs, 'scheduler-stopped' when stopped. */
  runNow(id: string): Promise<RunHandle>;
  /**
   * Tableau said the schedule's data was refreshed (docs/tableau-events.md): run it now with trigger
   * `tableau-event`, once per `eventKey` across instances. Resolves false when nothing was started:
   * the schedule is gone, or a run of it is still going (that event is skipped, as a due time is).
   * Throws ScheduleError 'scheduler-stopped' when stopped.
   */
  runForTableauEvent(id: string, eventKey: string): Promise<boolean>;
  isRunning(id: string): boolean;
  /** The next scheduled time, or null (unknown schedule, or a spec with no future time). */
  nextRunAt(id: string): Promise<Date | null>;
  /** Resolves when no check and no run is going on (tests, shutdown). */
  idle(): Promise<void>;
  /** start() has completed and stop() has not been called: due times are being run (GET /health/ready). */
  isStarted(): boolean;
}

/**
 * Where a schedule's data comes from: the typed result stream of its pull. `signal` fires when the run
 * is stopped (deleted, shutdown, too long): a wait for an export slot ends then.
 */
export type ScheduledPull = (schedule: ScheduleRecord, signal?: AbortSignal) => AsyncIterable<StreamMessage>;

export interface RunnerOptions {
  schedules: ScheduleStore;
  snapshots: SnapshotStore;
  pull: ScheduledPull;
  logger: Logger;
  clock?: SchedulerClock;
  onFailure?: FailureNotifier;
  /** A run that starts later than this after its time counts as a catch-up. Default 60 s. */
  lateAfterMs?: number;
}

interface Running {
  done: Promise<RunRecord | undefined>;
  abort: AbortController;
}

export class InProcessScheduleRunner implements ScheduleRunner {
  private readonly clock: SchedulerClock;
  private readonly running = new Map<string, Running>();
  private readonly timers: ScheduleTimers;
  private started = false;
  private ready = false;

  constructor(private readonly options: RunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.timers = new ScheduleTimers({
      schedules: options.schedules,
      clock: this.clock,
      logger: options.logger,
      lateAfterMs: options.lateAfterMs,
      started: () => this.started,
      onDue: (schedule, due, log) => this.due(schedule, due, log),
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // Runs left "running" by a previous process were cut by its stop or crash.
    const cut = await this.options.snapshots.failUnfinished(runInterrupted().toApiError(), this.clock.now());
    if (cut) this.options.logger.warn({ runs: cut }, 'runs cut by the previous shutdown recorded as failed');
    const schedules = await this.options.schedules.all();
    await Promise.all(schedules.map((schedule) => this.timers.check(schedule.id)));
    this.ready = this.started;
  }

  isStarted(): boolean {
    return this.ready;
  }

  async stop(): Promise<void> {
    this.started = false;
    this.ready = false;
    this.timers.cancelAll();
    for (const { abort } of this.running.values()) abort.abort();
    await this.idle();
  }

  upsert(schedule: ScheduleRecord): Promise<void> {
    return this.started ? this.timers.check(schedule.id) : Promise.resolve();
  }

  remove(id: string): void {
    this.timers.disarm(id);
    this.running.get(id)?.abort.abort();
  }

  async runNow(id: string): Promise<RunHandle> {
    if (!this.started) throw schedulerStopped();
    const schedule = await this.options.schedules.find(id);
    if (!schedule) throw scheduleMissing();
    // No await from here to the claim in launch(): two run-nows cannot both pass.
    if (!this.started) throw schedulerStopped();
    if (this.running.has(id)) throw scheduleBusy();
    return this.launch(schedule, { trigger: 'manual' });
  }

  /** One server: the receiver has already kept a second delivery of the event out (the store's claim), so the key is not needed here. */
  async runForTableauEvent(id: string, _eventKey: string): Promise<boolean> {
    if (!this.started) throw schedulerStopped();
    const schedule = await this.options.schedules.find(id);
    if (!schedule || !this.started) return false;
    if (this.running.has(id)) {
      this.options.logger.info({ scheduleId: id }, 'Tableau refresh event skipped: a run of the schedule is still going');
      return false;
    }
    // A run record that cannot be written is logged by launch().
    await this.launch(schedule, { trigger: 'tableau-event' }).catch(() => undefined);
    return true;
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  nextRunAt(id: string): Promise<Date | null> {
    return this.timers.nextRunAt(id);
  }

  idle(): Promise<void> {
    return this.timers.idle(() => [...this.running.values()].map((r) => r.done));
  }

  /** A scheduled time came: run once for it, unless the previous run is still going (single flight). */
  private async due(schedule: ScheduleRecord, due: DueStart, log: Logger): Promise<void> {
    await this.options.schedules.markSlot(schedule.id, due.scheduledFor);
    if (!this.started) return;
    if (this.running.has(schedule.id)) {
      log.info({ scheduledFor: due.scheduledFor.toISOString() }, 'scheduled time skipped: the previous run is still going');
      return;
    }
    // A run record that cannot be written is logged by launch(); the timer goes on.
    this.launch(schedule, due).catch(() => undefined);
  }

  /**
   * Claims the schedule's slot in `running` at once (before the run record exists), so a check or
   * run-now that comes while the record is being written sees the schedule busy. Rejects only when
   * the run record cannot be written; `done` then settles with undefined.
   */
  private launch(schedule: ScheduleRecord, start: Omit<RunStart, 'startedAt'>): Promise<RunHandle> {
    const abort = new AbortController();
    // A run the database already holds as running (RunInProgressError) makes the schedule busy.
    const begun = this.options.snapshots.begin(schedule.id, { ...start, startedAt: this.clock.now() }).catch((err: unknown) => {
      throw err instanceof RunInProgressError ? scheduleBusy() : err;
    });
    const entry: Running = { abort, done: Promise.resolve(undefined) };
    entry.done = begun
      .then(
        (run) => this.execute(schedule, run, abort.signal),
        (err: unknown) => {
          this.options.logger.error({ err, scheduleId: schedule.id }, 'scheduled run could not be started');
          return undefined;
        },
      )
      .finally(() => {
        if (this.running.get(schedule.id) === entry) this.running.delete(schedule.id);
      });
    this.running.set(schedule.id, entry);
    return begun.then((run) => ({ run, done: entry.done }));
  }

  private async execute(schedule: ScheduleRecord, run: RunRecord, signal: AbortSignal): Promise<RunRecord | undefined> {
    const log = this.options.logger.child({ scheduleId: schedule.id, runId: run.id });
    log.info({ trigger: run.trigger, scheduledFor: run.scheduledFor, missed: run.missed }, 'scheduled pull started');
    try {
      const outcome = await recordSnapshot(this.options.pull(schedule, signal), {
        snapshots: this.options.snapshots,
        run,
        now: () => this.clock.now(),
        signal,
      });
      if (outcome.error) {
        log.warn({ code: outcome.error.code, ...(outcome.cause ? { err: outcome.cause } : {}) }, 'scheduled pull failed');
        await this.notifyFailure(schedule.id, outcome.error, log);
      } else {
        log.info({ rows: outcome.run?.rowCount, ms: outcome.run?.durationMs, bytes: outcome.run?.storedBytes }, 'scheduled pull stored');
      }
      const current = await this.options.schedules.find(schedule.id);
      if (current) await this.options.snapshots.trim(current.id, current.historyLimit, run.id);
      return outcome.run;
    } catch (err) {
      // Only the store can fail here (e.g. the schedule and its runs were deleted mid-run).
      log.error({ err }, 'scheduled run could not be recorded');
      return undefined;
    }
  }

  private async notifyFailure(id: string, error: ApiErrorBody, log: Logger): Promise<void> {
    const current = await this.options.schedules.find(id);
    if (!current || !this.options.onFailure) return;
    try {
      await this.options.onFailure(current, error, this.clock.now());
    } catch (err) {
      log.warn({ err }, 'failure notification failed');
    }
  }
}
