/**
 * The SQLite database under the data directory, migrated forward with `PRAGMA user_version`
 * (one integer, bumped once per migration inside the migration's own transaction, so a crash
 * mid-migration leaves the previous version intact).
 *
 * A change of schema appends a migration to MIGRATIONS (and to postgres.ts's); never edit a shipped one.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

export type Db = Database.Database;

export interface Migration {
  version: number;
  description: string;
  up: (db: Db) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'sessions and connections',
    up: (db) =>
      db.exec(`
        CREATE TABLE sessions (
          id           TEXT PRIMARY KEY,
          token_hash   TEXT NOT NULL UNIQUE,
          created_at   TEXT NOT NULL,
          last_used_at TEXT NOT NULL
        );
        CREATE TABLE connections (
          id               TEXT PRIMARY KEY,
          session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          label            TEXT NOT NULL,
          server_url       TEXT NOT NULL,
          site_content_url TEXT NOT NULL,
          auth_kind        TEXT NOT NULL,
          principal        TEXT NOT NULL,
          sealed_auth      TEXT NOT NULL,
          product_version  TEXT,
          rest_api_version TEXT,
          created_at       TEXT NOT NULL
        );
        CREATE INDEX connections_by_session ON connections(session_id);
      `),
  },
  {
    version: 2,
    description: 'connections record the server Tableau answered from after an allowed redirect',
    // A Tableau Cloud sign-in is redirected to the site's pod (server/tableau/auth.ts redirectVerdict);
    // the connection keeps the address the user gave as its identity and records the pod beside it.
    up: (db) => db.exec('ALTER TABLE connections ADD COLUMN resolved_server_url TEXT;'),
  },
  {
    version: 3,
    // Earlier servers created these tables outside the migrations (CREATE TABLE IF NOT EXISTS
    // when the schedule store opened): IF NOT EXISTS keeps such a database as it is.
    description: "schedules, their runs and the runs' data (snapshot batches)",
    up: (db) =>
      db.exec(`
        CREATE TABLE IF NOT EXISTS schedules (
          id            TEXT PRIMARY KEY,
          session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
          definition_id TEXT NOT NULL,
          name          TEXT NOT NULL,
          source_json   TEXT NOT NULL,
          options_json  TEXT,
          spec_json     TEXT NOT NULL,
          webhook_url   TEXT,
          history_limit INTEGER NOT NULL,
          last_slot_at  TEXT NOT NULL,
          created_at    TEXT NOT NULL,
          updated_at    TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS schedules_by_session ON schedules(session_id);
        CREATE TABLE IF NOT EXISTS schedule_runs (
          id            TEXT PRIMARY KEY,
          schedule_id   TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
          seq           INTEGER NOT NULL,
          trigger       TEXT NOT NULL,
          status        TEXT NOT NULL,
          scheduled_for TEXT,
          missed        INTEGER,
          started_at    TEXT NOT NULL,
          finished_at   TEXT,
          duration_ms   INTEGER,
          row_count     INTEGER,
          truncated     INTEGER,
          batch_count   INTEGER,
          stored_bytes  INTEGER,
          columns_json  TEXT,
          source        TEXT,
          warnings_json TEXT,
          error_json    TEXT,
          UNIQUE (schedule_id, seq)
        );
        CREATE TABLE IF NOT EXISTS snapshot_batches (
          run_id    TEXT NOT NULL REFERENCES schedule_runs(id) ON DELETE CASCADE,
          seq       INTEGER NOT NULL,
          row_count INTEGER NOT NULL,
          data      BLOB NOT NULL,
          PRIMARY KEY (run_id, seq)
        );
  `),
  },
  {
    version: 4,
    // Saving is look-up-then-write; with an asynchronous store two saves of one identity can
    // interleave, and this index makes the second an update (connections.ts save).
    description: 'one saved connection per session, server, site and principal',
    up: (db) =>
      db.exec(
        'CREATE UNIQUE INDEX IF NOT EXISTS connections_identity ON connections(session_id, server_url, site_content_url, auth_kind, principal);',
      ),
  },
];

const DB_FILE = 'companion.sqlite';

/** Opens (creating when needed) `<dataDir>/companion.sqlite` and migrates it to the latest version. */
export function openDatabase(dataDir: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: readonly Migration[]): number {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  ordered.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migrations must be numbered 1..n (found ${m.version} at ${i + 1}).`);
  });
  const current = schemaVersion(db);
  if (current > ordered.length) {
    throw new Error(
      `The database is at schema version ${current}, newer than this server knows (${ordered.length}). ` +
        'Upgrade the server or use another DATA_DIR.',
    );
  }
  for (const m of ordered.slice(current)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
