/**
 * The store behind the server: users and their sessions, connections (secrets sealed), schedules and
 * snapshots.
 * Callers depend on the `Store` interface only and await every call. Two implementations of it,
 * one code: the stores are written once over `Sql` (sql.ts), on the embedded SQLite file (the
 * default) or on PostgreSQL when DATABASE_URL is set (postgres.ts). Either way the key that seals
 * secrets is the key file in the data directory: never in the database.
 */
import { type ConnectionStore, SqlConnectionStore } from './connections.js';
import type { SecretBox } from './crypto.js';
import { type Db, openDatabase } from './db.js';
import { type ExclusiveLocks, PgExclusiveLocks, ProcessLocks } from './exclusive-locks.js';
import { keyFilesBox, knownKeyIds } from './keys.js';
import { createPool, migratePostgres, postgresSql } from './postgres.js';
import { type ResealOutcome, resealSecrets, sealedKeyCounts, secretsUnderMissingKeys } from './reseal.js';
import { type ScheduleStore, SqlScheduleStore } from './schedules.js';
import { DEFAULT_SESSION_IDLE_MS, type SessionStore, SqlSessionStore } from './sessions.js';
import { type SnapshotStore, SqlSnapshotStore } from './snapshots.js';
import { type Sql, sqliteSql } from './sql.js';
import { SqlTableauWebhookStore, type TableauWebhookStore } from './tableau-webhooks.js';

export { KEY_FILE, PREVIOUS_KEYS_FILE } from './keys.js';

export interface Store {
  connections: ConnectionStore;
  sessions: SessionStore;
  /** The schedule and snapshot stores; `now` stamps schedule changes (the scheduler's clock). */
  scheduleStores(now?: () => Date): { schedules: ScheduleStore; snapshots: SnapshotStore };
  /** The Tableau refresh webhooks of on-tableau-refresh schedules (docs/tableau-events.md). */
  tableauWebhooks: TableauWebhookStore;
  /** Seals secrets at rest with the store's key (connections' secrets, schedules' webhook URLs). */
  secrets: SecretBox;
  /** Every secret re-sealed with `box`'s current key, in one transaction (key rotation: rotate.ts). */
  resealSecrets(box: SecretBox): Promise<ResealOutcome>;
  /** How many secrets each key sealed, by key id (reseal.ts). */
  sealedKeyCounts(): Promise<Map<string, number>>;
  /** Secrets sealed with keys the data directory's key files lack, by key id: a rotation not copied here, or a lost key. */
  secretsUnderMissingKeys(): Promise<Map<string, number>>;
  /** "One at a time" held across every instance that shares this store (exclusive-locks.ts). */
  locks: ExclusiveLocks;
  /** Set on PostgreSQL: the database the scheduler's job queue (pg-boss) shares (docs/queue.md). */
  databaseUrl?: string;
  /** Resolves when the database answers a trivial query (GET /health/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The SQLite store; `db` is the raw database, for tests that look beneath the interface. */
export interface SqliteStore extends Store {
  db: Db;
}

export interface StoreOptions {
  sessionIdleMs?: number;
  /** PostgreSQL (postgres://…): the store lives there instead of the SQLite file. */
  databaseUrl?: string;
  /** Told when an idle database connection fails (PostgreSQL only; the pool reconnects). */
  onConnectionError?: (err: Error) => void;
}

function storeOver(
  sql: Sql,
  locks: ExclusiveLocks,
  secrets: SecretBox,
  dataDir: string,
  options: StoreOptions,
  close: () => Promise<void>,
): Store {
  return {
    secrets,
    locks,
    connections: new SqlConnectionStore(sql, secrets),
    sessions: new SqlSessionStore(sql, options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS),
    tableauWebhooks: new SqlTableauWebhookStore(sql),
    scheduleStores: (now) => ({ schedules: new SqlScheduleStore(sql, secrets, now), snapshots: new SqlSnapshotStore(sql) }),
    ping: async () => void (await sql.get('SELECT 1 AS one')),
    resealSecrets: (box) => resealSecrets(sql, box),
    sealedKeyCounts: () => sealedKeyCounts(sql),
    secretsUnderMissingKeys: () => secretsUnderMissingKeys(sql, knownKeyIds(dataDir)),
    close,
  };
}

/** The key files of dataDir (keys.ts): secret.key, and after a rotation the older keys. */
const keyIn = (dataDir: string) => keyFilesBox(dataDir);

/** The embedded store: `<dataDir>/companion.sqlite` and its key file beside it. */
export function openStore(dataDir: string, options: StoreOptions = {}): SqliteStore {
  const db = openDatabase(dataDir);
  return { ...storeOver(sqliteSql(db), new ProcessLocks(), keyIn(dataDir), dataDir, options, async () => void db.close()), db };
}

/** The store on PostgreSQL, its schema migrated first (created on a first start); the key stays in dataDir. */
export async function openPostgresStore(databaseUrl: string, dataDir: string, options: StoreOptions = {}): Promise<Store> {
  const secrets = keyIn(dataDir);
  const pool = createPool(databaseUrl, options.onConnectionError);
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return { ...storeOver(postgresSql(pool), new PgExclusiveLocks(pool), secrets, dataDir, options, () => pool.end()), databaseUrl };
}

/** PostgreSQL when `options.databaseUrl` is set, else the SQLite file in dataDir. */
export function openConfiguredStore(dataDir: string, options: StoreOptions = {}): Promise<Store> {
  return options.databaseUrl ? openPostgresStore(options.databaseUrl, dataDir, options) : Promise.resolve(openStore(dataDir, options));
}
