/**
 * The store implementations every store test runs against: SQLite (a temp data directory) and
 * PostgreSQL (a new database per opened store on the run's cluster: test/support/postgres-global.ts).
 * Postgres is skipped, with the reason in the suite's name, only where the run has no PostgreSQL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openPostgresStore, openStore, type Store, type StoreOptions } from '../../../server/store/index.js';
import { createPool, postgresSql } from '../../../server/store/postgres.js';
import { type Sql, sqliteSql } from '../../../server/store/sql.js';
import { createTestDatabase, postgresAvailable } from '../../support/postgres-db.js';
import { ManualSchedulerClock } from '../schedule/manual-clock.js';

interface OpenedStore {
  store: Store;
  /** The same database beneath the interface (`?` placeholders), for what a test must look at directly. */
  sql: Sql;
  /** The data directory: the key file (both) and the SQLite file. */
  dir: string;
  /** The same database and data directory opened again, as by a restarted server. */
  reopen(options?: StoreOptions): Promise<OpenedStore>;
}

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** Why this backend's tests are skipped, or undefined. */
  skipped?: string;
  /** A new, empty store (its schema created as on a first start). */
  open(options?: StoreOptions): Promise<OpenedStore>;
  /** Where a server would keep a new, empty store: startServer's dataDir and databaseUrl. */
  location(): Promise<{ dataDir: string; databaseUrl?: string }>;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'store-'));
const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function sqliteAt(dir: string, options?: StoreOptions): OpenedStore {
  const store = openStore(dir, options);
  cleanups.push(() => store.close());
  return { store, sql: sqliteSql(store.db), dir, reopen: async (again) => sqliteAt(dir, again) };
}

async function postgresAt(url: string, dir: string, options?: StoreOptions): Promise<OpenedStore> {
  const store = await openPostgresStore(url, dir, options);
  const pool = createPool(url);
  cleanups.push(
    () => store.close(),
    () => pool.end(),
  );
  return { store, sql: postgresSql(pool), dir, reopen: (again) => postgresAt(url, dir, again) };
}

const { url: postgresUrl, reason } = postgresAvailable();

const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  open: async (options) => sqliteAt(tempDir(), options),
  location: async () => ({ dataDir: tempDir() }),
};

async function newDatabase(): Promise<string> {
  const database = await createTestDatabase(postgresUrl!);
  cleanups.push(() => database.drop());
  return database.url;
}

const postgresBackend: StoreBackend = {
  name: 'postgres',
  ...(postgresUrl ? {} : { skipped: reason }),
  open: async (options) => postgresAt(await newDatabase(), tempDir(), options),
  location: async () => ({ dataDir: tempDir(), databaseUrl: await newDatabase() }),
};

const STORE_BACKENDS: readonly StoreBackend[] = [sqliteBackend, postgresBackend];

/** `describe` once per backend; a skipped backend says why in its name. */
export function describeEachStore(title: string, body: (backend: StoreBackend) => void): void {
  for (const backend of STORE_BACKENDS) {
    const name = `${title} (${backend.name}${backend.skipped ? `, skipped: ${backend.skipped}` : ''})`;
    describe.skipIf(!!backend.skipped)(name, () => body(backend));
  }
}

/**
 * A new store with one local session, one saved connection and one hourly view schedule, its
 * schedule stores on a hand-moved clock: what the run-history tests start from.
 */
export async function storeWithSchedule(backend: StoreBackend) {
  const clock = new ManualSchedulerClock(Date.parse('2026-03-02T08:00:00Z'));
  const { store } = await backend.open();
  const session = (await store.sessions.create()).session.id;
  const connection = await store.connections.save(session, {
    label: 'Demo',
    serverUrl: 'https://tableau.example.com',
    siteContentUrl: 'demo',
    auth: { kind: 'pat', patName: 'analyst', patSecret: 'not-a-real-secret' },
  });
  const { schedules, snapshots } = store.scheduleStores(() => clock.now());
  const schedule = await schedules.create(session, {
    connectionId: connection.id,
    definitionId: '7d8e2a8c-4b1f-4f7e-9a51-0c4c1c1d2e3f',
    name: 'Sales by region',
    source: { kind: 'view', viewId: 'view-1', name: 'Superstore / Sales' },
    spec: { kind: 'hourly', minute: 0, timeZone: 'UTC' },
    historyLimit: 30,
  });
  return { clock, store, schedule, schedules, snapshots };
}
