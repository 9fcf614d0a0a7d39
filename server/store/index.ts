/**
 * The store behind the server: sessions, connections (secrets sealed), schedules and snapshots.
 * Callers depend on the `Store` interface only and await every call, so the embedded SQLite file
 * (the default) and a shared PostgreSQL database are two implementations of one contract.
 */
import { join } from 'node:path';

import { type ConnectionStore, SqliteConnectionStore } from './connections.js';
import { createSecretBox, loadOrCreateKey, type SecretBox } from './crypto.js';
import { type Db, openDatabase } from './db.js';
import { type ScheduleStore, SqliteScheduleStore } from './schedules.js';
import { DEFAULT_SESSION_IDLE_MS, type SessionStore, SqliteSessionStore } from './sessions.js';
import { type SnapshotStore, SqliteSnapshotStore } from './snapshots.js';

export const KEY_FILE = 'secret.key';

export interface ScheduleStores {
  schedules: ScheduleStore;
  snapshots: SnapshotStore;
}

export interface Store {
  connections: ConnectionStore;
  sessions: SessionStore;
  /** The schedule and snapshot stores; `now` stamps schedule changes (the scheduler's clock). */
  scheduleStores(now?: () => Date): ScheduleStores;
  /** Seals secrets at rest with the store's key (connections' secrets, schedules' webhook URLs). */
  secrets: SecretBox;
  close(): Promise<void>;
}

/** The SQLite store; `db` is the raw database, for tests that look beneath the interface. */
export interface SqliteStore extends Store {
  db: Db;
}

export interface StoreOptions {
  sessionIdleMs?: number;
}

/** The embedded store: `<dataDir>/companion.sqlite` and its key file beside it. */
export function openStore(dataDir: string, options: StoreOptions = {}): SqliteStore {
  const db = openDatabase(dataDir);
  const box = createSecretBox(loadOrCreateKey(join(dataDir, KEY_FILE)));
  return {
    db,
    secrets: box,
    connections: new SqliteConnectionStore(db, box),
    sessions: new SqliteSessionStore(db, options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS),
    scheduleStores: (now) => ({ schedules: new SqliteScheduleStore(db, box, now), snapshots: new SqliteSnapshotStore(db) }),
    close: async () => void db.close(),
  };
}
