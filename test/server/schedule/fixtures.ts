import type { CellValue, ColumnSpec, StreamMessage } from '../../../common/stream.js';
import type { ScheduledPull } from '../../../server/schedule/runner.js';
import type { ScheduleSpec } from '../../../server/schedule/spec.js';
import { openStore } from '../../../server/store/index.js';
import type { NewSchedule } from '../../../server/store/schedules.js';
import { captureLogger, tempDir } from '../http/helpers.js';
import type { ManualSchedulerClock } from './manual-clock.js';

export const COLUMNS: ColumnSpec[] = [
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Sales', type: 'currency', format: '$#,##0.00' },
  { name: 'Order Date', type: 'date', format: 'yyyy-mm-dd' },
];

export const hourly = (minute = 0, timeZone = 'UTC'): ScheduleSpec => ({ kind: 'hourly', minute, timeZone });

/** A database with one session and one connection, and the schedule stores on it. */
export async function scheduleDb(clock: ManualSchedulerClock, dir = tempDir('schedule-')) {
  const store = openStore(dir);
  const sessionId = store.db.prepare('SELECT id FROM sessions LIMIT 1').pluck().get() as string | undefined;
  const session = sessionId ?? (await store.sessions.create()).session.id;
  const connection =
    (await store.connections.list(session))[0] ??
    (await store.connections.save(session, {
      label: 'Demo',
      serverUrl: 'https://tableau.example.com',
      siteContentUrl: 'demo',
      auth: { kind: 'pat', patName: 'analyst', patSecret: 'not-a-real-secret' },
    }));
  const { schedules, snapshots } = store.scheduleStores(() => clock.now());
  const newSchedule = (over: Partial<NewSchedule> = {}): NewSchedule => ({
    connectionId: connection.id,
    definitionId: '7d8e2a8c-4b1f-4f7e-9a51-0c4c1c1d2e3f',
    name: 'Sales by region',
    source: { kind: 'view', viewId: 'view-1', name: 'Superstore / Sales' },
    spec: hourly(),
    historyLimit: 30,
    ...over,
  });
  const { logger, text: logText } = captureLogger();
  return { dir, store, session, connection, schedules, snapshots, newSchedule, logger, logText };
}

/** `count` rows with positional typed values (text, number, Excel date serial). */
export function makeRows(count: number, tag = 'r'): CellValue[][] {
  return Array.from({ length: count }, (_, i) => [`${tag}${i}`, i * 1.5, 45000 + (i % 365)]);
}

/** Lets every pending promise callback run (the runner's checks over the SQLite store). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A pull that streams `rows` in batches of `batch`. */
export function rowsPull(rows: CellValue[][], batch = 1000, source = 'Superstore / Sales'): ScheduledPull {
  return async function* (): AsyncGenerator<StreamMessage> {
    yield { kind: 'meta', columns: COLUMNS, source };
    for (let i = 0; i < rows.length; i += batch) yield { kind: 'rows', rows: rows.slice(i, i + batch) };
    yield { kind: 'end', rowCount: rows.length, truncated: false };
  };
}

/** A pull that waits after `meta` until released: a run that is "still going"; `signal`: the one its runner gave it. */
export function blockingPull() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  let given: AbortSignal | undefined;
  const pull: ScheduledPull = async function* (_schedule, signal) {
    calls++;
    given = signal;
    yield { kind: 'meta', columns: COLUMNS };
    await gate;
    yield { kind: 'rows', rows: makeRows(2) };
    yield { kind: 'end', rowCount: 2, truncated: false };
  };
  return { pull, release: () => release(), calls: () => calls, signal: () => given };
}

export async function collectRows(iter: AsyncIterable<CellValue[][]>): Promise<CellValue[][]> {
  const out: CellValue[][] = [];
  for await (const batch of iter) out.push(...batch);
  return out;
}

/** A pull whose first read throws `make()` (sign-in refused, server down...). */
export function failingPull(make: () => unknown): ScheduledPull {
  return () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(make()) }) });
}
