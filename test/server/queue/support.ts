/**
 * Several "server instances" on one throwaway PostgreSQL database (test/support/postgres-db.ts):
 * each its own store (own pool) and its own QueueScheduleRunner (own pg-boss), one data directory
 * (the same key file, as docs/store.md asks of every instance), one hand-moved scheduler clock.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { QueueScheduleRunner, type QueueSettings } from '../../../server/schedule/queue-runner.js';
import type { ScheduledPull } from '../../../server/schedule/runner.js';
import type { FailureNotifier } from '../../../server/schedule/webhook.js';
import { openPostgresStore, type Store } from '../../../server/store/index.js';
import type { NewSchedule } from '../../../server/store/schedules.js';
import { createTestDatabase, postgresAvailable } from '../../support/postgres-db.js';
import { captureLogger } from '../http/helpers.js';
import { hourly } from '../schedule/fixtures.js';
import type { ManualSchedulerClock } from '../schedule/manual-clock.js';

export const { url: adminUrl, reason: skipReason } = postgresAvailable();

/** Short enough for a test: pg-boss maintains every second; a job is lost after 10 s (SHORT_RUN: 3 s). */
export const FAST_QUEUE: Omit<QueueSettings, 'databaseUrl'> = { runSeconds: 10, maintenanceSeconds: 1, pollingSeconds: 0.5, workers: 2 };
/** For the tests of expiry: a run is stopped at 2 s, a lost job expired after 3 s. */
export const SHORT_RUN = { runSeconds: 3 };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

interface Instance {
  store: Store;
  runner: QueueScheduleRunner;
  pulls: () => number;
  logText: () => string;
}

/** A fresh database with one user (a local session's) and one connection; `instance()` opens one more instance on it. */
export async function teamDatabase(clock: ManualSchedulerClock) {
  const database = await createTestDatabase(adminUrl!);
  cleanups.push(database.drop);
  const dir = mkdtempSync(join(tmpdir(), 'queue-'));
  const open = async () => {
    const store = await openPostgresStore(database.url, dir);
    cleanups.push(() => store.close());
    return store;
  };
  const first = await open();
  const session = (await first.sessions.create()).session.userId;
  const connection = await first.connections.save(session, {
    label: 'Demo',
    serverUrl: 'https://tableau.example.com',
    siteContentUrl: 'demo',
    auth: { kind: 'pat', patName: 'analyst', patSecret: 'not-a-real-secret' },
  });
  const { schedules, snapshots } = first.scheduleStores(() => clock.now());
  const newSchedule = (over: Partial<NewSchedule> = {}): NewSchedule => ({
    connectionId: connection.id,
    definitionId: '7d8e2a8c-4b1f-4f7e-9a51-0c4c1c1d2e3f',
    name: 'Sales by region',
    source: { kind: 'view', viewId: 'view-1', name: 'Superstore / Sales' },
    spec: hourly(),
    historyLimit: 30,
    ...over,
  });
  const instance = async (pull: ScheduledPull, options: { onFailure?: FailureNotifier; queue?: Partial<QueueSettings> } = {}) => {
    const store = await open();
    const { logger, text } = captureLogger('debug');
    let calls = 0;
    const counted: ScheduledPull = (schedule) => {
      calls++;
      return pull(schedule);
    };
    const runner = new QueueScheduleRunner({
      ...store.scheduleStores(() => clock.now()),
      pull: counted,
      logger,
      clock,
      onFailure: options.onFailure,
      queue: { ...FAST_QUEUE, ...options.queue, databaseUrl: database.url },
    });
    cleanups.push(() => runner.stop());
    return { store, runner, pulls: () => calls, logText: text } satisfies Instance;
  };
  return { url: database.url, dir, session, schedules, snapshots, newSchedule, instance };
}

/** Polls `probe` until it returns true (or fails the test after `ms`). */
export async function until(probe: () => Promise<boolean> | boolean, ms = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
