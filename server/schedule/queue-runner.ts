/**
 * The scheduler of a team server (DATABASE_URL): scheduled pulls on pg-boss, a job queue in the
 * same PostgreSQL (https://github.com/timgit/pg-boss, v10: Node 20, PostgreSQL 13+), so that
 * several instances on one database run each due time exactly once (docs/queue.md).
 *
 * Rules:
 *  - every instance keeps the timers of every schedule and computes its due times as the
 *    in-process runner does (math.ts: DST-correct, a missed schedule catches up ONCE); schedules
 *    created or changed through another instance are picked up at each maintenance interval;
 *  - a due time is not run but enqueued, as job `scheduleId@dueTime`: that key is the job's
 *    singleton key and, hashed, its id, and pg-boss inserts a job whose id exists with ON CONFLICT
 *    DO NOTHING, so the instances enqueuing the same time make one job; then the slot is marked;
 *  - any instance's worker takes the job (SKIP LOCKED: one taker) and records the run with the
 *    job's id and attempt; a pull that fails is a failed run (history, webhook), never a job retry;
 *  - an instance that dies mid-run (kill -9) leaves its job active: pg-boss's maintenance (any
 *    instance) expires it after `runMinutes` and, retryLimit 1, puts it back once; the worker that
 *    takes it again records the cut run as failed ("run-interrupted", retried) and runs attempt 2;
 *  - a worker never lets its own job expire under it: a run is stopped before that;
 *  - a stopping instance interrupts its runs and fails their jobs, so they are retried (by another
 *    instance, or by this one once it is back);
 *  - the sweep (at start and every minute) fails only runs whose job is over or gone (the retry
 *    was used, or the job was deleted), and tells the webhook; other instances' live runs stay;
 *  - "run now" is a job too: its run record is written first (the API answers with it) and the
 *    job carries its id;
 *  - a Tableau refresh event (docs/tableau-events.md) is a job keyed `scheduleId@tableau-event:<event>`
 *    like a due time: whichever instance Tableau's POST reaches, and however often it is delivered,
 *    one job, one run.
 */
import { createHash, randomUUID } from 'node:crypto';

import PgBoss from 'pg-boss';

import type { ApiErrorBody } from '../../common/stream.js';
import type { Logger } from '../log.js';
import { Batcher } from '../store/batcher.js';
import type { ScheduleRecord } from '../store/schedules.js';
import { RunInProgressError, type RunRecord, type RunStart } from '../store/snapshots.js';
import { type SchedulerClock, systemClock, type Timer } from './clock.js';
import { runInterrupted, runInterruptedRetrying, runLost, runTooLong, scheduleBusy, scheduleMissing, schedulerStopped } from './errors.js';
import { isTimeOf, nextRunAfter } from './math.js';
import { recordSnapshot } from './record.js';
import type { RunHandle, RunnerOptions, ScheduleRunner } from './runner.js';
import { type DueStart, ScheduleTimers } from './timers.js';

/** The one queue of scheduled pulls (a pg-boss queue name). */
const PULL_QUEUE = 'scheduled-pull';

export interface QueueSettings {
  /** postgres://… : pg-boss keeps its schema (`pgboss`) in this database. */
  databaseUrl: string;
  /** The longest a run may take; a job active longer is taken for lost and retried. Default 15. */
  runMinutes?: number;
  /** Overrides runMinutes in seconds (tests). */
  runSeconds?: number;
  /** How often pg-boss's maintenance expires lost jobs, and the sweep runs. Default 60 s. */
  maintenanceSeconds?: number;
  /** How often an idle worker looks for a job. Default 2 s. */
  pollingSeconds?: number;
  /** Runs one instance takes at once. Default 20. */
  workers?: number;
  /**
   * How long a run's end may wait for more room before the next fetch, while jobs are queued and
   * this instance has runs going (fetchLoop). Default 25 ms; the tests set it.
   */
  gatherMs?: number;
  /**
   * How long before a due time it is put on the queue (to start at that time); 0: only when it
   * comes. Default twice maintenanceSeconds, so every instance's resync sees each time within the
   * lead at least once.
   */
  aheadSeconds?: number;
}

/**
 * The defaults, and why:
 *  - workers 20: a run spends most of its time waiting on Tableau, and one instance alone must be
 *    able to keep all 20 export slots of a site busy (Tableau Cloud's limit,
 *    docs/tableau-rest.md#concurrency-and-rate-limits); the per-site limiter queues the excess, so
 *    more workers never mean more exports at Tableau (a burst of due times: bench/team.ts);
 *  - pollingSeconds 2: what an idle instance costs the database (one indexed SKIP LOCKED query per
 *    poll). The end of a run does not wait for it: the fetch loop looks again at once (fetchLoop),
 *    so a backlog drains at the speed of the runs;
 *  - poolMax 10 (pg-boss's own default): the fetch loop and the completions hold a connection only
 *    while their statement runs, never during a run, so the pool need not grow with the workers; PostgreSQL's
 *    max_connections (default 100) must cover this pool plus the store's (10) on every instance.
 */
const DEFAULTS = { runMinutes: 15, maintenanceSeconds: 60, pollingSeconds: 2, workers: 20, poolMax: 10, gatherMs: 25 } as const;

export interface QueueRunnerOptions extends RunnerOptions {
  queue: QueueSettings;
}

/** What a job carries; times as ISO strings. */
interface PullJobData {
  scheduleId: string;
  trigger: RunStart['trigger'];
  scheduledFor?: string;
  missed?: number;
  /** "Run now": the run record written when the job was sent. */
  runId?: string;
  /** Enqueued before its time (timers.ts AheadOptions): the schedule may have changed since. */
  ahead?: true;
}

type PullJob = PgBoss.JobWithMetadata<PullJobData>;

/** A due time on its way into the queue: the job, and the schedule slot marked once it is in. */
interface DueJob {
  job: PgBoss.JobInsert<PullJobData>;
  scheduleId: string;
  at: Date;
}

const SWEEP_GRACE_MS = 30_000;
/** Job states in which nobody runs the job any more (pg-boss v10 `JobStates`). */
const OVER = new Set(['completed', 'cancelled', 'failed']);

/** The singleton key of a due time: one job per schedule and time, whichever instance sends it. */
export const dueKey = (scheduleId: string, due: Date) => `${scheduleId}@${due.toISOString()}`;

/** The singleton key of a Tableau refresh event for one schedule: one job however many instances receive it. */
export const tableauEventKey = (scheduleId: string, eventKey: string) => `${scheduleId}@tableau-event:${eventKey}`;

/** A stable UUID (v5 layout) for a key: pg-boss inserts a job id that exists as nothing (ON CONFLICT DO NOTHING). */
export function jobIdFor(key: string): string {
  const h = createHash('sha1').update(`tableau-excel/${PULL_QUEUE}/${key}`).digest('hex').slice(0, 32).split('');
  h[12] = '5';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** PostgreSQL's deadlock_detected and unique_violation (https://www.postgresql.org/docs/15/errcodes-appendix.html). */
const RACED = new Set(['40P01', '23505']);

/**
 * Creates the queue unless it exists. pg-boss v10's create_queue (a row, then the queue's own
 * partition of the job table) can deadlock when instances starting together on a fresh database
 * create it at once: PostgreSQL aborts one of them, which then finds the queue made by the other.
 */
async function createQueueOnce(boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await boss.getQueue(queue.name))) await boss.createQueue(queue.name, queue);
      return;
    } catch (err) {
      if (attempt >= 5 || !RACED.has((err as { code?: string }).code ?? '')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

class StopRequested extends Error {
  constructor() {
    super('the server instance is stopping: the job goes back to the queue');
  }
}

interface Running {
  done: Promise<RunRecord | undefined>;
  abort: AbortController;
  /** Why it was aborted: the schedule was deleted (the job is done) or the instance stops (retry). */
  reason?: 'removed' | 'stopping';
}

export class QueueScheduleRunner implements ScheduleRunner {
  private readonly clock: SchedulerClock;
  private readonly running = new Map<string, Running>();
  private readonly timers: ScheduleTimers;
  private boss: PgBoss | undefined;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private started = false;
  /** start() completed: the workers take jobs (isStarted, GET /health/ready). */
  private ready = false;
  private readonly runSeconds: number;
  /** Jobs this instance runs now (fetched, not yet completed or failed). */
  private readonly taken = new Set<Promise<void>>();
  /** The fetch loop (fetchLoop), while the runner is started. */
  private fetching: Promise<void> | undefined;
  /** Ends the fetch loop's wait: a run ended (room for a job), or a job was sent here. */
  private wakeFetcher: (() => void) | undefined;
  /** A wake that came while the loop was fetching: it looks again at once. */
  private wokenMeanwhile = false;
  /** Jobs whose runs ended, completed in one statement per gathered batch (batcher.ts). */
  private readonly completions = new Batcher<string>(async (ids) => {
    await this.boss?.complete(PULL_QUEUE, ids);
    return ids.map(() => undefined);
  });
  /** Timers that wake the fetch loop at a time enqueued ahead, one per distinct time. */
  private readonly wakes = new Map<number, Timer>();
  /** How long before its time a due time is enqueued (QueueSettings.aheadSeconds); 0: not at all. */
  private readonly aheadMs: number;
  /** Jobs fetched before their time waiting for it (untilTime): a stop ends their waits. */
  private readonly waiting = new Set<() => void>();
  /** The schedule look-ups of timers and workers, gathered into one query per batch (batcher.ts). */
  private readonly finds: Batcher<string, ScheduleRecord | undefined>;
  /** Due times to enqueue, gathered while an insert is on its way (batcher.ts). */
  private readonly dueTimes = new Batcher<DueJob>(async (due) => {
    await this.enqueueMany(due);
    return due.map(() => undefined);
  });

  constructor(private readonly options: QueueRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    // 1,000 timers firing at one minute each look their schedule up, and so do the runs a fetch
    // took together: one query per gathered batch.
    const finds = new Batcher<string, ScheduleRecord | undefined>(async (ids) => {
      const byId = new Map((await options.schedules.findMany(ids)).map((s) => [s.id, s]));
      return ids.map((id) => byId.get(id));
    });
    this.finds = finds;
    const aheadSeconds = options.queue.aheadSeconds ?? 2 * (options.queue.maintenanceSeconds ?? DEFAULTS.maintenanceSeconds);
    this.aheadMs = aheadSeconds * 1000;
    this.timers = new ScheduleTimers({
      schedules: { find: (id) => finds.add(id) },
      clock: this.clock,
      logger: options.logger,
      lateAfterMs: options.lateAfterMs,
      started: () => this.started,
      onDue: (schedule, due, log) => this.enqueue(schedule, due, log),
      ...(aheadSeconds > 0
        ? {
            ahead: {
              ms: aheadSeconds * 1000,
              enqueue: (schedule, at) => this.enqueueAhead(schedule, at),
              upcoming: (at) => this.wakeAt(at),
            },
          }
        : {}),
    });
    this.runSeconds = options.queue.runSeconds ?? (options.queue.runMinutes ?? DEFAULTS.runMinutes) * 60;
  }

  private get log(): Logger {
    return this.options.logger;
  }

  async start(): Promise<void> {
    if (this.started) return;
    const { queue } = this.options;
    const boss = new PgBoss({
      connectionString: queue.databaseUrl,
      application_name: 'tableau-excel-queue',
      // pg-boss's cron scheduling is not used: due times come from math.ts.
      schedule: false,
      expireInSeconds: this.runSeconds,
      retryLimit: 1,
      retryDelay: 0,
      maintenanceIntervalSeconds: queue.maintenanceSeconds ?? DEFAULTS.maintenanceSeconds,
      max: DEFAULTS.poolMax,
    });
    boss.on('error', (err) => this.log.warn({ err }, 'job queue error'));
    // Creates (or migrates) pg-boss's own schema on a first start, under its own advisory lock.
    await boss.start();
    this.boss = boss;
    try {
      await createQueueOnce(boss, { name: PULL_QUEUE, policy: 'standard', retryLimit: 1, retryDelay: 0, expireInSeconds: this.runSeconds });
      this.started = true;
      await this.sweep();
      const schedules = await this.options.schedules.all();
      await Promise.all(schedules.map((schedule) => this.timers.check(schedule.id)));
      this.fetching = this.fetchLoop(
        boss,
        queue.workers ?? DEFAULTS.workers,
        (queue.pollingSeconds ?? DEFAULTS.pollingSeconds) * 1000,
        queue.gatherMs ?? DEFAULTS.gatherMs,
      );
      this.sweeper = setInterval(
        () => void this.sweep().then(() => this.resync()),
        (queue.maintenanceSeconds ?? DEFAULTS.maintenanceSeconds) * 1000,
      );
      this.sweeper.unref();
      this.ready = true;
    } catch (err) {
      this.started = false;
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      this.boss = undefined;
      throw err;
    }
  }

  isStarted(): boolean {
    return this.ready && this.started;
  }

  async stop(): Promise<void> {
    this.started = false;
    this.ready = false;
    clearInterval(this.sweeper);
    this.timers.cancelAll();
    for (const wake of this.wakes.values()) wake.cancel();
    this.wakes.clear();
    for (const wakeUp of this.waiting) wakeUp();
    for (const entry of this.running.values()) {
      entry.reason ??= 'stopping';
      entry.abort.abort();
    }
    // The fetch loop ends; the runs above end at once and give their jobs back (failed, so another
    // instance retries them) or complete them; then pg-boss stops.
    this.wakeFetcher?.();
    await this.fetching;
    this.fetching = undefined;
    while (this.taken.size) await Promise.all(this.taken);
    const boss = this.boss;
    this.boss = undefined;
    await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
    await this.idle();
  }

  upsert(schedule: ScheduleRecord): Promise<void> {
    return this.started ? this.timers.check(schedule.id) : Promise.resolve();
  }

  remove(id: string): void {
    this.timers.disarm(id);
    const entry = this.running.get(id);
    if (entry) {
      entry.reason = 'removed';
      entry.abort.abort();
    }
  }

  async runNow(id: string): Promise<RunHandle> {
    if (!this.started || !this.boss) throw schedulerStopped();
    const schedule = await this.options.schedules.find(id);
    if (!schedule) throw scheduleMissing();
    if (this.running.has(id) || (await this.options.snapshots.last(id))?.status === 'running') throw scheduleBusy();
    const jobId = randomUUID();
    // The store holds at most one running run per schedule: of two instances taking "Run now" at
    // once, the second gets RunInProgressError here (the read above cannot tell, both read first).
    const run = await this.options.snapshots
      .begin(id, { trigger: 'manual', startedAt: this.clock.now(), jobId, attempt: 1 })
      .catch((err: unknown) => {
        throw err instanceof RunInProgressError ? scheduleBusy() : err;
      });
    const data: PullJobData = { scheduleId: id, trigger: 'manual', runId: run.id };
    try {
      await this.boss.send(PULL_QUEUE, data, { id: jobId, retryLimit: 1, expireInSeconds: this.runSeconds });
    } catch (err) {
      await this.options.snapshots.fail(run.id, schedulerStopped().toApiError(), this.clock.now());
      throw err;
    }
    this.wake();
    // The run may go on another instance: `done` polls the store, and only for a caller that awaits it.
    let done: Promise<RunRecord | undefined> | undefined;
    const handle = { run } as RunHandle;
    Object.defineProperty(handle, 'done', { enumerable: true, get: () => (done ??= this.settled(run.id)) });
    return handle;
  }

  async runForTableauEvent(id: string, eventKey: string): Promise<boolean> {
    if (!this.started || !this.boss) throw schedulerStopped();
    if (!(await this.options.schedules.find(id))) return false;
    const key = tableauEventKey(id, eventKey);
    // The worker skips it if a run of the schedule is still going on any instance (runJob).
    const data: PullJobData = { scheduleId: id, trigger: 'tableau-event' };
    const sent = await this.boss.send(PULL_QUEUE, data, {
      id: jobIdFor(key),
      singletonKey: key,
      retryLimit: 1,
      expireInSeconds: this.runSeconds,
    });
    this.log.debug({ scheduleId: id, job: sent ?? 'already enqueued' }, 'Tableau refresh event enqueued');
    if (sent) this.wake();
    return sent !== null;
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

  /** Wakes this instance's fetch loop (it looks for jobs now rather than at its next poll; SKIP LOCKED gives each to one taker). */
  private wake(): void {
    this.wokenMeanwhile = true;
    this.wakeFetcher?.();
  }

  /**
   * Takes jobs while the runner is started: as many as there is room for (`capacity` runs at once),
   * in one fetch (pg-boss fetch with batchSize: one SKIP LOCKED statement), rather than one poller
   * per run slot each fetching one job; a run's end makes room and looks again at once. When the
   * queue is empty it waits for a wake (a job sent here) or the polling interval (jobs sent by other
   * instances). Never more than `capacity` jobs active here, so a kill -9 strands at most that many
   * until their expiry (docs/queue.md).
   *
   * While jobs are queued (the last fetch filled all the room it asked for) and runs are going
   * here, the room one run's end makes is gathered: the fetch waits until a quarter of the
   * capacity is free, or `gatherMs` at most. In a burst (bench/team.ts: 60 workers on 20 export
   * slots) a run's end otherwise fetched one or two jobs (0.4 fetches per run, each a SKIP LOCKED
   * scan of the queue); meanwhile three quarters of the workers or more still have runs going, and
   * the queue drains at the speed of the runs. An instance with nothing running, or a queue found
   * short, fetches at once.
   */
  private async fetchLoop(boss: PgBoss, capacity: number, pollingMs: number, gatherMs: number): Promise<void> {
    const gatherRoom = Math.max(1, Math.floor(capacity / 4));
    let queued = false;
    while (this.started) {
      this.wokenMeanwhile = false;
      if (queued && gatherMs > 0 && this.taken.size > 0 && capacity - this.taken.size < gatherRoom) {
        await this.gather(capacity - gatherRoom, gatherMs);
        if (!this.started) return;
        this.wokenMeanwhile = false;
      }
      const room = capacity - this.taken.size;
      if (room > 0) {
        try {
          const jobs = await boss.fetch<PullJobData>(PULL_QUEUE, { batchSize: room, includeMetadata: true });
          queued = jobs.length === room;
          for (const job of jobs) this.takeJob(boss, job);
        } catch (err) {
          this.log.warn({ err }, 'could not fetch jobs from the queue; trying again at the next poll');
        }
      }
      if (!this.started) return;
      // Woken meanwhile (a run ended, a job was sent here): look again now. A full batch waits for
      // the end of a run, which wakes the loop.
      if (this.wokenMeanwhile) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, room > 0 ? pollingMs : 2 ** 31 - 1);
        this.wakeFetcher = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeFetcher = undefined;
    }
  }

  /** Waits (for the ends of runs) until at most `taken` jobs run here, `ms` at most, or the runner stops. */
  private async gather(taken: number, ms: number): Promise<void> {
    const until = performance.now() + ms;
    for (let left = ms; this.started && this.taken.size > taken && left > 0; left = until - performance.now()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakeFetcher = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeFetcher = undefined;
    }
  }

  /**
   * Runs one fetched job: completed when its run is over (gathered with other completions into one
   * statement), failed when it must be retried (the handler threw: this instance is stopping).
   */
  private takeJob(boss: PgBoss, job: PullJob): void {
    const taken: Promise<void> = this.runJob(job)
      .then(
        () => this.completions.add(job.id),
        (err: unknown) => boss.fail(PULL_QUEUE, job.id, { message: err instanceof Error ? err.message : String(err) }),
      )
      .catch((err: unknown) => this.log.warn({ err, job: job.id }, 'a job could not be marked done; pg-boss expires and retries it'))
      .finally(() => {
        this.taken.delete(taken);
        this.wake();
      });
    this.taken.add(taken);
  }

  /** Resolves when the run is no longer running, whichever instance ran it, or when this runner stops (polls the store). */
  private async settled(runId: string): Promise<RunRecord | undefined> {
    for (;;) {
      const run = await this.options.snapshots.get(runId).catch(() => undefined);
      if (!run || run.status !== 'running' || !this.started) return run;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Wakes the fetch loop at `at` (a time enqueued ahead starts then), once per distinct time. */
  private wakeAt(at: Date): void {
    const t = at.getTime();
    if (!this.started || this.wakes.has(t) || t <= this.clock.now().getTime()) return;
    this.wakes.set(
      t,
      this.clock.setTimer(at, () => {
        this.wakes.delete(t);
        this.wake();
      }),
    );
  }

  /**
   * A time coming soon (timers.ts AheadOptions): the same job as when it comes (same id, so the
   * instances enqueuing it ahead or at its time make one job), held by pg-boss until that time
   * (`startAfter`, compared with the database's clock: instances and database keep one time, NTP),
   * and its slot marked. The worker checks that the schedule is still due then (runJob).
   */
  private async enqueueAhead(schedule: ScheduleRecord, at: Date): Promise<void> {
    if (!this.boss) throw schedulerStopped();
    const id = schedule.id;
    const data: PullJobData = { scheduleId: id, trigger: 'schedule', scheduledFor: at.toISOString(), ahead: true };
    const key = dueKey(id, at);
    await this.dueTimes.add({
      job: {
        name: PULL_QUEUE,
        id: jobIdFor(key),
        data,
        singletonKey: key,
        retryLimit: 1,
        expireInSeconds: this.runSeconds,
        startAfter: at.toISOString(),
      },
      scheduleId: id,
      at,
    });
    this.wakeAt(at);
  }

  /** A scheduled time came (timers.ts): enqueue it once across instances; whichever instance's worker takes it runs it. */
  private async enqueue(schedule: ScheduleRecord, due: DueStart, log: Logger): Promise<void> {
    if (!this.boss) return;
    const id = schedule.id;
    const data: PullJobData = {
      scheduleId: id,
      trigger: due.trigger,
      scheduledFor: due.scheduledFor.toISOString(),
      ...(due.missed !== undefined ? { missed: due.missed } : {}),
    };
    const key = dueKey(id, due.scheduledFor);
    await this.dueTimes.add({
      job: { name: PULL_QUEUE, id: jobIdFor(key), data, singletonKey: key, retryLimit: 1, expireInSeconds: this.runSeconds },
      scheduleId: id,
      at: due.scheduledFor,
    });
    log.debug({ scheduledFor: data.scheduledFor }, 'due time enqueued');
  }

  /**
   * Due times that came together, enqueued in one insert (pg-boss insert: the same job ids, so the
   * same ON CONFLICT DO NOTHING as send) and marked in one update per time. Sent before the slots are
   * marked: an instance that dies in between leaves them open, and whoever sends them again sends
   * the same job ids, which collapse into the first.
   */
  private async enqueueMany(due: DueJob[]): Promise<void> {
    const boss = this.boss;
    if (!boss) return;
    // In job id order on every instance: two instances inserting the same ids wait for each other
    // row by row in one order, never each holding a row the other wants (a deadlock).
    await boss.insert(due.map((d) => d.job).sort((a, b) => (a.id! < b.id! ? -1 : a.id! > b.id! ? 1 : 0)));
    // pg-boss's insert does not tell which jobs were new: the workers look once either way (jobs
    // enqueued ahead wake them at their time instead: wakeAt).
    if (due.some((d) => d.job.startAfter === undefined)) this.wake();
    const byTime = new Map<number, string[]>();
    for (const d of due) byTime.set(d.at.getTime(), [...(byTime.get(d.at.getTime()) ?? []), d.scheduleId]);
    for (const [at, ids] of byTime) await this.options.schedules.markSlots(ids, new Date(at));
  }

  /** Runs a job's pull. Throws only to give the job back to the queue. */
  private async runJob(job: PullJob): Promise<void> {
    const { snapshots } = this.options;
    const data = job.data;
    const log = this.log.child({ scheduleId: data.scheduleId, job: job.id });
    const attempt = job.retryCount + 1;
    // An earlier attempt of this job left "running": its instance died (or stopped) mid-run. Only a
    // retry (pg-boss counts it in retryCount) or a "run now" job (its record written when sent) can
    // have run records already: a first scheduled attempt skips the query (one per run in a burst).
    const earlier = attempt > 1 || data.runId ? await snapshots.forJob(job.id) : [];
    const prepared = data.runId && attempt === 1 ? earlier.find((r) => r.id === data.runId && r.status === 'running') : undefined;
    for (const cut of earlier.filter((r) => r.status === 'running' && r !== prepared)) {
      log.warn({ runId: cut.id, attempt }, 'run cut by the loss of its server instance: retrying it');
      await snapshots.fail(cut.id, runInterruptedRetrying().toApiError(), this.clock.now());
    }
    if (data.ahead) await this.untilTime(new Date(data.scheduledFor!));
    const schedule = await this.finds.add(data.scheduleId);
    if (!schedule) return; // deleted meanwhile: the job is done
    if (!this.started) throw new StopRequested();
    const start = data.ahead ? this.aheadStart(schedule, data, log) : { trigger: data.trigger, missed: data.missed };
    if (!start) return;
    if (data.runId && attempt === 1 && !prepared) return; // "run now" whose record went (schedule deleted)
    if (this.running.has(schedule.id)) {
      log.info({ scheduledFor: data.scheduledFor }, 'scheduled time skipped: the previous run is still going');
      return;
    }
    const entry: Running = { abort: new AbortController(), done: Promise.resolve(undefined) };
    this.running.set(schedule.id, entry);
    let resolveDone!: (run: RunRecord | undefined) => void;
    entry.done = new Promise((resolve) => (resolveDone = resolve));
    try {
      // A run still going on another instance: the store's one-running index refuses this one
      // (RunInProgressError), so no read before the write (one statement less per run in a burst).
      const run =
        prepared ??
        (await snapshots
          .begin(schedule.id, {
            trigger: start.trigger,
            startedAt: this.clock.now(),
            ...(data.scheduledFor ? { scheduledFor: new Date(data.scheduledFor) } : {}),
            ...(start.missed !== undefined ? { missed: start.missed } : {}),
            jobId: job.id,
            attempt,
          })
          .catch((err: unknown) => {
            if (err instanceof RunInProgressError) return undefined;
            throw err;
          }));
      if (!run) {
        log.info({ scheduledFor: data.scheduledFor, trigger: data.trigger }, 'skipped: a run of the schedule is going on another instance');
        return;
      }
      const recorded = await this.execute(schedule, run, entry);
      resolveDone(recorded);
      if (entry.reason === 'stopping') throw new StopRequested();
    } finally {
      resolveDone(undefined);
      if (this.running.get(schedule.id) === entry) this.running.delete(schedule.id);
    }
  }

  /**
   * pg-boss holds a job enqueued ahead until its time by the database's clock; when this
   * instance's clock is behind, the job waits here for its time (at most the lead). A stop ends
   * the wait and gives the job back.
   */
  private async untilTime(at: Date): Promise<void> {
    const now = this.clock.now().getTime();
    const wait = Math.min(at.getTime() - now, this.aheadMs);
    if (wait <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = this.clock.setTimer(new Date(now + wait), () => wakeUp());
      const wakeUp = () => {
        timer.cancel();
        this.waiting.delete(wakeUp);
        resolve();
      };
      this.waiting.add(wakeUp);
    });
    if (!this.started) throw new StopRequested();
  }

  /**
   * How a job enqueued ahead starts, or undefined when it must not run: its time is no longer a
   * time of the schedule (the spec was changed since; the new spec's times are the timers' again),
   * or it starts so late that a later time of the spec has passed too (every instance was down:
   * the timers' catch-up runs that later time, once). Late with no later time passed: a catch-up
   * of one missed time, as the timers would have enqueued it (timers.ts lateAfterMs).
   */
  private aheadStart(schedule: ScheduleRecord, data: PullJobData, log: Logger): Pick<RunStart, 'trigger' | 'missed'> | undefined {
    const at = new Date(data.scheduledFor!);
    const now = this.clock.now();
    if (!isTimeOf(schedule.spec, at)) {
      log.info({ scheduledFor: data.scheduledFor }, 'enqueued time skipped: the schedule was changed and is not due then any more');
      return undefined;
    }
    if (now.getTime() - at.getTime() <= (this.options.lateAfterMs ?? 60_000)) return { trigger: 'schedule' };
    const later = nextRunAfter(schedule.spec, at);
    if (later && later.getTime() <= now.getTime()) {
      log.info({ scheduledFor: data.scheduledFor }, 'enqueued time skipped: a later time has passed too, and runs as the catch-up');
      return undefined;
    }
    return { trigger: 'catch-up', missed: 1 };
  }

  private async execute(schedule: ScheduleRecord, run: RunRecord, entry: Running): Promise<RunRecord | undefined> {
    const log = this.log.child({ scheduleId: schedule.id, runId: run.id });
    log.info({ trigger: run.trigger, scheduledFor: run.scheduledFor, attempt: run.attempt ?? 1 }, 'scheduled pull started');
    // pg-boss takes a job active for longer than its expiry for lost (and retries it): stop first.
    const margin = Math.min(60, Math.max(1, this.runSeconds * 0.1));
    let tooLong = false;
    const watchdog = setTimeout(
      () => {
        tooLong = true;
        entry.abort.abort();
      },
      (this.runSeconds - margin) * 1000,
    );
    watchdog.unref();
    try {
      const outcome = await recordSnapshot(this.options.pull(schedule, entry.abort.signal), {
        snapshots: this.options.snapshots,
        run,
        now: () => this.clock.now(),
        signal: entry.abort.signal,
        // The history limit as the run began (not read again: one statement less per run); a limit
        // changed meanwhile applies from the next run. A success trims in its own statement.
        historyLimit: schedule.historyLimit,
        interrupted: () =>
          (tooLong ? runTooLong(this.runSeconds) : entry.reason === 'stopping' ? runInterruptedRetrying() : runInterrupted()).toApiError(),
      });
      const retried = !tooLong && entry.reason === 'stopping';
      if (outcome.error) {
        log.warn({ code: outcome.error.code, ...(outcome.cause ? { err: outcome.cause } : {}) }, 'scheduled pull failed');
        // A run given back to the queue is not over: its owner hears of it if the retry fails.
        if (!retried) await this.notifyFailure(schedule.id, outcome.error, log);
      } else {
        log.info({ rows: outcome.run?.rowCount, ms: outcome.run?.durationMs }, 'scheduled pull stored');
      }
      // A run that did not succeed trims here. A schedule deleted meanwhile took its runs along.
      if (outcome.run?.status !== 'succeeded') await this.options.snapshots.trim(schedule.id, schedule.historyLimit, run.id);
      return outcome.run;
    } catch (err) {
      log.error({ err }, 'scheduled run could not be recorded');
      return undefined;
    } finally {
      clearTimeout(watchdog);
    }
  }

  /**
   * Runs still marked running whose job nobody will run again (over, or gone from the queue):
   * failed, and their owners told. Runs of live jobs (another instance's, or waiting for their
   * retry) are left alone. Never rejects.
   */
  private async sweep(): Promise<void> {
    const boss = this.boss;
    if (!boss) return;
    try {
      for (const run of await this.options.snapshots.unfinished()) {
        // "Run now" writes its run a moment before it sends the job: a young run may have none yet.
        if (this.clock.now().getTime() - Date.parse(run.startedAt) < SWEEP_GRACE_MS) continue;
        if (run.jobId) {
          // A worker records its run before it completes the job: a running run of a job that is over was cut.
          const job = await boss.getJobById(PULL_QUEUE, run.jobId, { includeArchive: true });
          if (job && !OVER.has(job.state)) continue;
        }
        const error = runLost().toApiError();
        const failed = await this.options.snapshots.fail(run.id, error, this.clock.now());
        if (failed?.status === 'failed') {
          this.log.warn({ runId: run.id, scheduleId: run.scheduleId }, 'run of a lost server instance recorded as failed');
          await this.notifyFailure(run.scheduleId, error, this.log.child({ scheduleId: run.scheduleId, runId: run.id }));
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'the sweep of lost runs failed; it runs again later');
    }
  }

  /**
   * Schedules created or changed through another instance get their timers here too (timers.ts
   * sync): otherwise only the instance that took the request would enqueue their times, and its
   * loss would lose them until some instance restarts. Never rejects.
   */
  private async resync(): Promise<void> {
    if (!this.started) return;
    try {
      this.timers.sync(await this.options.schedules.all());
    } catch (err) {
      this.log.warn({ err }, 'the schedules could not be re-read; trying again at the next maintenance');
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
