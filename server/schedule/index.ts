/**
 * Scheduled pulls, assembled: the SQLite stores, the in-process runner pulling with the owners'
 * stored connections, failure webhooks and the routes. `routes` is a RouteModule for buildApp's
 * /api scope (`extraRoutes` or API_ROUTES); it starts the runner when the app is ready and stops
 * it (recording interrupted runs) when the app closes, before the store is closed.
 */
import type { RouteContext, RouteModule } from '../http/app.js';
import { registerScheduleRoutes } from '../http/routes/schedules.js';
import type { Logger } from '../log.js';
import { SqliteScheduleStore, type ScheduleStore } from '../store/schedules.js';
import { SqliteSnapshotStore, type SnapshotStore } from '../store/snapshots.js';
import { systemClock, type SchedulerClock } from './clock.js';
import { storedConnectionPull } from './pull.js';
import { InProcessScheduleRunner, type ScheduleRunner } from './runner.js';
import { webhookNotifier } from './webhook.js';

export { systemClock, type SchedulerClock, type Timer } from './clock.js';
export { InProcessScheduleRunner, type RunHandle, type ScheduleRunner, type ScheduledPull } from './runner.js';
export type { ScheduleInfo, ScheduleRunInfo } from './views.js';

export interface SchedulingOptions {
  logger: Logger;
  clock?: SchedulerClock;
  /** Runs kept per schedule unless the schedule says otherwise (default 30). */
  defaultHistoryLimit?: number;
  webhookTimeoutMs?: number;
  /** Start the runner with the app (default true; tests may drive start() themselves). */
  autoStart?: boolean;
}

export interface Scheduling {
  schedules: ScheduleStore;
  snapshots: SnapshotStore;
  runner: ScheduleRunner;
  routes: RouteModule;
}

export function createScheduling(ctx: Pick<RouteContext, 'store' | 'clients'>, options: SchedulingOptions): Scheduling {
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ component: 'scheduler' });
  const schedules = new SqliteScheduleStore(ctx.store.db, ctx.store.secrets, () => clock.now());
  const snapshots = new SqliteSnapshotStore(ctx.store.db);
  const runner = new InProcessScheduleRunner({
    schedules,
    snapshots,
    pull: storedConnectionPull({ connections: ctx.store.connections, clients: ctx.clients }),
    logger,
    clock,
    onFailure: webhookNotifier({ logger, timeoutMs: options.webhookTimeoutMs }),
  });
  const routes: RouteModule = (app) => {
    registerScheduleRoutes(app, {
      schedules,
      snapshots,
      runner,
      connections: ctx.store.connections,
      defaultHistoryLimit: options.defaultHistoryLimit,
    });
    if (options.autoStart ?? true) app.addHook('onReady', async () => runner.start());
    app.addHook('onClose', async () => runner.stop());
  };
  return { schedules, snapshots, runner, routes };
}

/**
 * A RouteModule that builds the scheduling from the app's own context, for API_ROUTES or
 * `extraRoutes`: `scheduleRoutes()` logs through the app's logger (buildApp's pino instance).
 */
export function scheduleRoutes(options: Partial<SchedulingOptions> = {}): RouteModule {
  return (app, ctx) => createScheduling(ctx, { ...options, logger: options.logger ?? (app.log as Logger) }).routes(app, ctx);
}
