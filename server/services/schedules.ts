/**
 * Server schedules and their snapshots, with the store and the runner kept in step in one place:
 * creating, changing or deleting a schedule (re)arms or cancels its timer here, never in a route.
 * A schedule belongs to the session that created it and runs with that session's stored
 * connection; another session's schedule id is "not found", like an unknown one.
 */
import type { StreamMessage } from '../../common/stream.js';
import { ApiError, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import { describeSource } from '../pull/pull-messages.js';
import { type SchedulerClock, systemClock } from '../schedule/clock.js';
import { ScheduleError } from '../schedule/errors.js';
import { DEFAULT_HISTORY_LIMIT } from '../schedule/history.js';
import { InProcessScheduleRunner, type ScheduleRunner } from '../schedule/runner.js';
import { snapshotMessages } from '../schedule/snapshot-stream.js';
import { type ScheduleInfo, toScheduleInfo } from '../schedule/views.js';
import { webhookNotifier } from '../schedule/webhook.js';
import type { Store } from '../store/index.js';
import {
  type NewSchedule,
  type ScheduleChanges,
  type ScheduleRecord,
  type ScheduleStore,
  SqliteScheduleStore,
} from '../store/schedules.js';
import { type RunRecord, type SnapshotStore, SqliteSnapshotStore } from '../store/snapshots.js';
import type { ConnectionService } from './connections.js';
import type { PullService } from './pulls.js';

export interface ScheduleServiceOptions {
  logger: Logger;
  clock?: SchedulerClock;
  /** Runs kept per schedule when a new one names no historyLimit (default 30). */
  defaultHistoryLimit?: number;
  webhookTimeoutMs?: number;
}

export interface ScheduleServiceDeps {
  store: Pick<Store, 'db' | 'secrets'>;
  connections: ConnectionService;
  pulls: PullService;
}

/** A new schedule as the API takes it: the history limit may be left to the default. */
export type ScheduleInput = Omit<NewSchedule, 'historyLimit'> & { historyLimit?: number };

export interface LatestSnapshot {
  run: RunRecord;
  messages: AsyncGenerator<StreamMessage>;
}

const noSchedule = () => notFound('No such schedule. It may have been deleted.');

export class ScheduleService {
  readonly runner: ScheduleRunner;
  private readonly schedules: ScheduleStore;
  private readonly snapshots: SnapshotStore;

  constructor(
    private readonly deps: ScheduleServiceDeps,
    private readonly options: ScheduleServiceOptions,
  ) {
    const clock = options.clock ?? systemClock;
    const logger = options.logger.child({ component: 'scheduler' });
    this.schedules = new SqliteScheduleStore(deps.store.db, deps.store.secrets, () => clock.now());
    this.snapshots = new SqliteSnapshotStore(deps.store.db);
    this.runner = new InProcessScheduleRunner({
      schedules: this.schedules,
      snapshots: this.snapshots,
      pull: deps.pulls.scheduledPull(),
      logger,
      clock,
      onFailure: webhookNotifier({ logger, timeoutMs: options.webhookTimeoutMs }),
    });
  }

  /** Recovers runs cut by a previous stop, catches up missed times once, arms the timers. */
  start(): Promise<void> {
    return this.runner.start();
  }

  /** Interrupts running runs and waits until they are recorded (before the store closes). */
  stop(): Promise<void> {
    return this.runner.stop();
  }

  list(sessionId: string): ScheduleInfo[] {
    return this.schedules.list(sessionId).map((s) => this.info(s));
  }

  create(sessionId: string, input: ScheduleInput): ScheduleInfo {
    this.deps.connections.own(sessionId, input.connectionId);
    const created = this.schedules.create(sessionId, {
      ...input,
      historyLimit: input.historyLimit ?? this.options.defaultHistoryLimit ?? DEFAULT_HISTORY_LIMIT,
    });
    this.runner.upsert(created);
    return this.info(created);
  }

  update(sessionId: string, id: string, changes: ScheduleChanges): ScheduleInfo {
    const current = this.own(sessionId, id);
    if (changes.connectionId) this.deps.connections.own(sessionId, changes.connectionId);
    const updated = this.schedules.update(sessionId, current.id, changes);
    if (!updated) throw noSchedule();
    this.runner.upsert(updated);
    return this.info(updated);
  }

  /** Its timer goes, a run going on is interrupted, and its runs and data are deleted. */
  delete(sessionId: string, id: string): void {
    const { id: own } = this.own(sessionId, id);
    this.runner.remove(own);
    this.schedules.delete(sessionId, own);
  }

  /** Starts a run now; 409 'schedule-busy' while one is going on, 503 'scheduler-stopped' when stopping. */
  runNow(sessionId: string, id: string): RunRecord {
    const { id: own } = this.own(sessionId, id);
    try {
      return this.runner.runNow(own).run;
    } catch (err) {
      throw err instanceof ScheduleError ? new ApiError(err.toApiError(), err.status) : err;
    }
  }

  /** Newest first. */
  runs(sessionId: string, id: string, limit: number): RunRecord[] {
    return this.snapshots.list(this.own(sessionId, id).id, limit);
  }

  /** The latest successful run's data as a typed result stream; 404 'no-snapshot' before there is one. */
  latestSnapshot(sessionId: string, id: string): LatestSnapshot {
    const schedule = this.own(sessionId, id);
    const run = this.snapshots.latestSucceeded(schedule.id);
    if (!run) {
      throw new ApiError({
        code: 'no-snapshot',
        message: 'This schedule has no successful run yet.',
        hint: 'Run it now, or wait for its next scheduled time.',
      });
    }
    return { run, messages: snapshotMessages(this.snapshots, run, describeSource(schedule.source)) };
  }

  private own(sessionId: string, id: string): ScheduleRecord {
    const found = this.schedules.get(sessionId, id);
    if (!found) throw noSchedule();
    return found;
  }

  private info(schedule: ScheduleRecord): ScheduleInfo {
    return toScheduleInfo(schedule, {
      nextRunAt: this.runner.nextRunAt(schedule.id),
      lastRun: this.snapshots.last(schedule.id),
      latestSucceeded: this.snapshots.latestSucceeded(schedule.id),
    });
  }
}
