/**
 * Server schedules and their snapshots, with the store and the runner kept in step in one place:
 * creating, changing or deleting a schedule (re)arms or cancels its timer here, never in a route.
 * A schedule belongs to the user whose session created it and runs with that user's stored
 * connection; another user's schedule id is "not found", like an unknown one.
 */
import type { TableauWebhookHealth } from '../../common/schedules.js';
import type { StreamMessage } from '../../common/stream.js';
import type { TableauWebhookPayload } from '../../common/tableau-webhook.js';
import { ApiError, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { TargetGuard } from '../net/guard.js';
import { describeSource } from '../pull/pull-messages.js';
import { type SchedulerClock, systemClock } from '../schedule/clock.js';
import { ScheduleError } from '../schedule/errors.js';
import { DEFAULT_HISTORY_LIMIT } from '../schedule/history.js';
import { QueueScheduleRunner, type QueueSettings } from '../schedule/queue-runner.js';
import { InProcessScheduleRunner, type ScheduleRunner } from '../schedule/runner.js';
import { snapshotMessages } from '../schedule/snapshot-stream.js';
import { runsOnTableauRefresh } from '../schedule/spec.js';
import { refreshEventsFor } from '../schedule/tableau-trigger.js';
import { type ScheduleInfo, toScheduleInfo } from '../schedule/views.js';
import { checkWebhookUrl, webhookNotifier } from '../schedule/webhook.js';
import type { Store } from '../store/index.js';
import type { NewSchedule, ScheduleChanges, ScheduleRecord, ScheduleStore } from '../store/schedules.js';
import type { RunRecord, SnapshotStore } from '../store/snapshots.js';
import type { TableauWebhookRegistration } from '../store/tableau-webhooks.js';
import type { ConnectionService } from './connections.js';
import type { PullService } from './pulls.js';
import { TableauEventService } from './tableau-events.js';

export interface ScheduleServiceOptions {
  logger: Logger;
  clock?: SchedulerClock;
  /** Runs kept per schedule when a new one names no historyLimit (default 30). */
  defaultHistoryLimit?: number;
  webhookTimeoutMs?: number;
  /** Team mode: webhooks only to allowed hosts at public addresses (server/net/guard.ts). */
  webhookGuard?: TargetGuard;
  /** Job queue settings on PostgreSQL (the database URL comes from the store; docs/queue.md). */
  queue?: Omit<QueueSettings, 'databaseUrl'>;
  /** PUBLIC_URL: the public https origin Tableau POSTs its refresh events to (docs/tableau-events.md). */
  publicUrl?: string;
  /** How often the Tableau webhooks are checked against Tableau's list (default 10 minutes; docs/tableau-events.md). */
  tableauWebhookCheckMs?: number;
}

const TABLEAU_WEBHOOK_CHECK_MS = 10 * 60_000;

export interface ScheduleServiceDeps {
  store: Pick<Store, 'scheduleStores' | 'databaseUrl' | 'tableauWebhooks' | 'locks'>;
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
  /** On-tableau-refresh schedules: their Tableau webhooks and the events those deliver. */
  readonly events: TableauEventService;
  private readonly schedules: ScheduleStore;
  private readonly snapshots: SnapshotStore;
  private webhookChecks?: NodeJS.Timeout;

  constructor(
    private readonly deps: ScheduleServiceDeps,
    private readonly options: ScheduleServiceOptions,
  ) {
    const clock = options.clock ?? systemClock;
    const logger = options.logger.child({ component: 'scheduler' });
    ({ schedules: this.schedules, snapshots: this.snapshots } = deps.store.scheduleStores(() => clock.now()));
    const runnerOptions = {
      schedules: this.schedules,
      snapshots: this.snapshots,
      pull: deps.pulls.scheduledPull(),
      logger,
      clock,
      onFailure: webhookNotifier({ logger, timeoutMs: options.webhookTimeoutMs, guard: options.webhookGuard }),
    };
    // On PostgreSQL several instances may share the store: due runs go through the job queue, once.
    const { databaseUrl } = deps.store;
    this.runner = databaseUrl
      ? new QueueScheduleRunner({ ...runnerOptions, queue: { ...options.queue, databaseUrl } })
      : new InProcessScheduleRunner(runnerOptions);
    this.events = new TableauEventService(
      { store: deps.store.tableauWebhooks, schedules: this.schedules, connections: deps.connections, runner: this.runner },
      { logger, publicUrl: options.publicUrl, now: () => clock.now() },
    );
  }

  /** Recovers runs cut by a previous stop, catches up missed times once, arms the timers; then checks the Tableau webhooks now and then. */
  async start(): Promise<void> {
    await this.runner.start();
    this.webhookChecks = setInterval(
      () => void this.checkTableauWebhooks(),
      this.options.tableauWebhookCheckMs ?? TABLEAU_WEBHOOK_CHECK_MS,
    );
    this.webhookChecks.unref();
  }

  /**
   * Checks every Tableau webhook against Tableau and re-creates the ones deleted there
   * (TableauEventService.reconcile). One instance at a time (store.locks: a PostgreSQL advisory lock
   * when instances share the store), so two never re-create the same webhook; false when another
   * was checking already.
   */
  async checkTableauWebhooks(): Promise<boolean> {
    const release = await this.deps.store.locks.tryHold('tableau-webhooks-check').catch(() => undefined);
    if (!release) return false;
    try {
      await this.events.reconcile();
    } finally {
      await release();
    }
    return true;
  }

  /**
   * Interrupts running runs and waits until they are recorded (before the store closes). A Tableau
   * event still being looked up is not waited for (Tableau may take long to answer; stopping must
   * not): it finds the runner stopped, and says so in the log.
   */
  stop(): Promise<void> {
    clearInterval(this.webhookChecks);
    return this.runner.stop();
  }

  async list(userId: string): Promise<ScheduleInfo[]> {
    const schedules = await this.schedules.list(userId);
    return Promise.all(schedules.map((s) => this.info(s)));
  }

  /** An on-tableau-refresh schedule gets its Tableau webhooks first: a refusal (403, no PUBLIC_URL) creates nothing. */
  async create(userId: string, input: ScheduleInput): Promise<ScheduleInfo> {
    await checkWebhookUrl(this.options.webhookGuard, input.webhookUrl);
    this.events.check(input.source, input.spec);
    await this.deps.connections.own(userId, input.connectionId);
    const onRefresh = runsOnTableauRefresh(input.spec);
    if (onRefresh) await this.events.ensure(userId, input.connectionId, input.source);
    let created: ScheduleRecord;
    try {
      created = await this.schedules.create(userId, {
        ...input,
        historyLimit: input.historyLimit ?? this.options.defaultHistoryLimit ?? DEFAULT_HISTORY_LIMIT,
      });
    } catch (err) {
      if (onRefresh) await this.events.release(userId, input.connectionId);
      throw err;
    }
    await this.runner.upsert(created);
    return this.info(created);
  }

  async update(userId: string, id: string, changes: ScheduleChanges): Promise<ScheduleInfo> {
    await checkWebhookUrl(this.options.webhookGuard, changes.webhookUrl);
    const current = await this.own(userId, id);
    if (changes.connectionId) await this.deps.connections.own(userId, changes.connectionId);
    // Only a change of trigger, source or connection concerns the Tableau webhooks (a rename does not).
    const retriggered = changes.spec !== undefined || changes.source !== undefined || changes.connectionId !== undefined;
    const spec = changes.spec ?? current.spec;
    if (retriggered && runsOnTableauRefresh(spec)) {
      const source = changes.source ?? current.source;
      this.events.check(source, spec);
      await this.events.ensure(userId, changes.connectionId ?? current.connectionId, source);
    }
    const updated = await this.schedules.update(userId, current.id, changes);
    if (!updated) throw noSchedule();
    // Webhooks the old trigger, source or connection needed and nothing needs now.
    if (retriggered && runsOnTableauRefresh(current.spec)) await this.events.release(userId, current.connectionId);
    await this.runner.upsert(updated);
    return this.info(updated);
  }

  /** Its timer goes, a run going on is interrupted, and its runs and data are deleted (and its Tableau webhooks when no other schedule needs them). */
  async delete(userId: string, id: string): Promise<void> {
    const current = await this.own(userId, id);
    this.runner.remove(current.id);
    await this.schedules.delete(userId, current.id);
    if (runsOnTableauRefresh(current.spec)) await this.events.release(userId, current.connectionId);
  }

  /** Before the user's connection is deleted: its Tableau webhooks go (best effort; never rejects). */
  connectionRemoving(userId: string, connectionId: string): Promise<void> {
    return this.events.forgetConnection(userId, connectionId);
  }

  /** The registration a Tableau receiver token belongs to (undefined: the route's 404). */
  tableauHook(token: string): Promise<TableauWebhookRegistration | undefined> {
    return this.events.registrationOf(token);
  }

  /** A Tableau refresh event delivered to `registration`; false for a second delivery of one already handled. */
  acceptTableauEvent(registration: TableauWebhookRegistration, payload: TableauWebhookPayload): Promise<boolean> {
    return this.events.accept(registration, payload);
  }

  /** Starts a run now; 409 'schedule-busy' while one is going on, 503 'scheduler-stopped' when stopping. */
  async runNow(userId: string, id: string): Promise<RunRecord> {
    const { id: own } = await this.own(userId, id);
    try {
      return (await this.runner.runNow(own)).run;
    } catch (err) {
      throw err instanceof ScheduleError ? new ApiError(err.toApiError(), err.status) : err;
    }
  }

  /** Newest first. */
  async runs(userId: string, id: string, limit: number): Promise<RunRecord[]> {
    return this.snapshots.list((await this.own(userId, id)).id, limit);
  }

  /** The latest successful run's data as a typed result stream; 404 'no-snapshot' before there is one. */
  async latestSnapshot(userId: string, id: string): Promise<LatestSnapshot> {
    const schedule = await this.own(userId, id);
    const run = await this.snapshots.latestSucceeded(schedule.id);
    if (!run) {
      throw new ApiError({
        code: 'no-snapshot',
        message: 'This schedule has no successful run yet.',
        hint: 'Run it now, or wait for its next scheduled time.',
      });
    }
    return { run, messages: snapshotMessages(this.snapshots, run, describeSource(schedule.source)) };
  }

  private async own(userId: string, id: string): Promise<ScheduleRecord> {
    const found = await this.schedules.get(userId, id);
    if (!found) throw noSchedule();
    return found;
  }

  private async info(schedule: ScheduleRecord): Promise<ScheduleInfo> {
    const [nextRunAt, lastRun, latestSucceeded] = await Promise.all([
      this.runner.nextRunAt(schedule.id),
      this.snapshots.last(schedule.id),
      this.snapshots.latestSucceeded(schedule.id),
    ]);
    return toScheduleInfo(schedule, { nextRunAt, lastRun, latestSucceeded, tableauWebhook: await this.webhookHealth(schedule) });
  }

  /** The worst of the schedule's webhooks as the last check found them: failed before re-created. */
  private async webhookHealth(schedule: ScheduleRecord): Promise<TableauWebhookHealth | undefined> {
    if (!runsOnTableauRefresh(schedule.spec)) return undefined;
    const events = new Set(refreshEventsFor(schedule.source) ?? []);
    const found = (await this.deps.store.tableauWebhooks.forConnection(schedule.connectionId))
      .filter((r) => events.has(r.event))
      .flatMap((r) => (r.health ? [r.health] : []));
    return found.find((h) => h.state === 'failed') ?? found[0];
  }
}
