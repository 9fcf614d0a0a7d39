/**
 * The SQLite-backed store: one database file plus its key file under the data directory.
 * Callers depend on the ConnectionStore / SessionStore interfaces only, so a Postgres
 * implementation (docs/architecture.md#how-it-scales) is a new `openStore`, not a rewrite.
 */
import { join } from 'node:path';

import { type ConnectionStore, SqliteConnectionStore } from './connections.js';
import { createSecretBox, loadOrCreateKey, type SecretBox } from './crypto.js';
import { type Db, openDatabase } from './db.js';
import { DEFAULT_SESSION_IDLE_MS, type SessionStore, SqliteSessionStore } from './sessions.js';

export const KEY_FILE = 'secret.key';

export interface Store {
  connections: ConnectionStore;
  sessions: SessionStore;
  /** The raw database, for stores added later (schedules, snapshots) that share the file. */
  db: Db;
  /** Seals secrets at rest with the store's key (connections' secrets, schedules' webhook URLs). */
  secrets: SecretBox;
  close(): void;
}

export interface StoreOptions {
  sessionIdleMs?: number;
}

export function openStore(dataDir: string, options: StoreOptions = {}): Store {
  const db = openDatabase(dataDir);
  const box = createSecretBox(loadOrCreateKey(join(dataDir, KEY_FILE)));
  return {
    db,
    secrets: box,
    connections: new SqliteConnectionStore(db, box),
    sessions: new SqliteSessionStore(db, options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS),
    close: () => db.close(),
  };
}
