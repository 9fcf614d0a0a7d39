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

import { FAIL_OLDER_RUNNING_RUNS } from './running-runs.js';

export type Db = Database.Database;

export interface Migration {
  version: number;
  description: string;
  up: (db: Db) => void;
  /**
   * Runs with foreign-key enforcement off, as SQLite's table rebuild needs (create the new table,
   * copy, drop the old, rename: https://www.sqlite.org/lang_altertable.html#otheralter): with it
   * on, dropping the old table would cascade into the tables that reference it. The pragma cannot
   * change inside a transaction, so migrate() turns it off around the migration's transaction and
   * runs `PRAGMA foreign_key_check` before the commit: a rebuild that breaks a reference rolls back.
   */
  rebuildsTables?: true;
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
  {
    version: 5,
    // Issue #17, who the user is. Sessions, connections and schedules belonged to the session that
    // made them; now to a user. A team server's user is a proven Tableau identity (server, site id,
    // Tableau user id; shared by that user's sessions), a single analyst's is one implicit local
    // user per session, so nothing changes there: each existing session becomes its own local user
    // (the same id) and keeps what it had. A session's expiry no longer deletes what its user owns
    // (sessions.ts delete: a local user goes with its session, as before).
    // principal_key: what a later save must name to update a connection: the principal, or '*'
    // for a team user (any new credential of the same kind replaces theirs: connections.ts).
    description: 'users own sessions, connections and schedules',
    rebuildsTables: true,
    up: (db) =>
      db.exec(`
        CREATE TABLE users (
          id              TEXT PRIMARY KEY,
          kind            TEXT NOT NULL,
          server_url      TEXT,
          site_id         TEXT,
          tableau_user_id TEXT,
          created_at      TEXT NOT NULL
        );
        CREATE UNIQUE INDEX users_identity ON users(server_url, site_id, tableau_user_id);
        INSERT INTO users (id, kind, created_at) SELECT id, 'local', created_at FROM sessions;

        CREATE TABLE sessions_v5 (
          id           TEXT PRIMARY KEY,
          user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          token_hash   TEXT NOT NULL UNIQUE,
          created_at   TEXT NOT NULL,
          last_used_at TEXT NOT NULL
        );
        INSERT INTO sessions_v5 (id, user_id, token_hash, created_at, last_used_at)
          SELECT id, id, token_hash, created_at, last_used_at FROM sessions;
        DROP TABLE sessions;
        ALTER TABLE sessions_v5 RENAME TO sessions;
        CREATE INDEX sessions_by_user ON sessions(user_id);

        CREATE TABLE connections_v5 (
          id                  TEXT PRIMARY KEY,
          user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          label               TEXT NOT NULL,
          server_url          TEXT NOT NULL,
          resolved_server_url TEXT,
          site_content_url    TEXT NOT NULL,
          auth_kind           TEXT NOT NULL,
          principal           TEXT NOT NULL,
          principal_key       TEXT NOT NULL,
          sealed_auth         TEXT NOT NULL,
          product_version     TEXT,
          rest_api_version    TEXT,
          created_at          TEXT NOT NULL
        );
        INSERT INTO connections_v5 (id, user_id, label, server_url, resolved_server_url, site_content_url, auth_kind,
            principal, principal_key, sealed_auth, product_version, rest_api_version, created_at)
          SELECT id, session_id, label, server_url, resolved_server_url, site_content_url, auth_kind,
            principal, principal, sealed_auth, product_version, rest_api_version, created_at FROM connections;
        DROP TABLE connections;
        ALTER TABLE connections_v5 RENAME TO connections;
        CREATE INDEX connections_by_user ON connections(user_id);
        CREATE UNIQUE INDEX connections_identity ON connections(user_id, server_url, site_content_url, auth_kind, principal_key);

        CREATE TABLE schedules_v5 (
          id            TEXT PRIMARY KEY,
          user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
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
        INSERT INTO schedules_v5 (id, user_id, connection_id, definition_id, name, source_json, options_json, spec_json,
            webhook_url, history_limit, last_slot_at, created_at, updated_at)
          SELECT id, session_id, connection_id, definition_id, name, source_json, options_json, spec_json,
            webhook_url, history_limit, last_slot_at, created_at, updated_at FROM schedules;
        DROP TABLE schedules;
        ALTER TABLE schedules_v5 RENAME TO schedules;
        CREATE INDEX schedules_by_user ON schedules(user_id);
      `),
  },
  {
    version: 6,
    // The job queue (PostgreSQL, docs/queue.md) records which job a run serves and which attempt
    // it is; SQLite's in-process runner leaves both empty. Same columns on both stores.
    description: "a run's queue job and attempt",
    up: (db) => db.exec('ALTER TABLE schedule_runs ADD COLUMN job_id TEXT; ALTER TABLE schedule_runs ADD COLUMN attempt INTEGER;'),
  },
  {
    version: 7,
    // Event-driven refresh (#17, docs/tableau-events.md): the Tableau webhooks this server made on a
    // connection's site, one per (connection, event), shared by that connection's on-tableau-refresh
    // schedules; only the SHA-256 of the receiver token in their URL (like sessions.ts). And the
    // deliveries already handled, so that one event delivered twice runs its schedules once.
    description: 'Tableau refresh webhooks and the events they delivered',
    up: (db) =>
      db.exec(`
        CREATE TABLE tableau_webhooks (
          id            TEXT PRIMARY KEY,
          user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
          site_luid     TEXT NOT NULL,
          event         TEXT NOT NULL,
          webhook_id    TEXT NOT NULL,
          token_hash    TEXT NOT NULL,
          created_at    TEXT NOT NULL
        );
        CREATE UNIQUE INDEX tableau_webhooks_identity ON tableau_webhooks(connection_id, event);
        CREATE TABLE tableau_events_seen (
          registration_id TEXT NOT NULL REFERENCES tableau_webhooks(id) ON DELETE CASCADE,
          event_key       TEXT NOT NULL,
          received_at     TEXT NOT NULL,
          PRIMARY KEY (registration_id, event_key)
        );
        CREATE INDEX tableau_events_seen_by_time ON tableau_events_seen(received_at);
      `),
  },
  {
    version: 8,
    // What a run changed against the run before (common/diff, server/schedule/changes.ts), as
    // JSON: the history shows the same counts a refresh in the pane does. Empty for older runs.
    description: 'what a run changed since the one before',
    up: (db) => db.exec('ALTER TABLE schedule_runs ADD COLUMN changes_json TEXT;'),
  },
  {
    version: 9,
    // At most one running run per schedule, held by the database: two instances taking "Run now"
    // of one schedule at the same moment both passed the "is it running?" read before either
    // wrote (snapshots.ts begin). Runs left running beside a newer one (a crash long ago) are
    // failed first, or the index could not be made.
    description: 'one running run per schedule',
    up: (db) =>
      db.exec(`
        ${FAIL_OLDER_RUNNING_RUNS}
        CREATE UNIQUE INDEX schedule_runs_one_running ON schedule_runs(schedule_id) WHERE status = 'running';
      `),
  },
  {
    version: 10,
    // What the last check of a Tableau webhook found when it was not fine: deleted at Tableau and
    // re-created, or could not be re-created (docs/tableau-events.md "Webhooks deleted at Tableau").
    description: 'the health of each Tableau refresh webhook (services/tableau-events.ts reconcile)',
    up: (db) => db.exec('ALTER TABLE tableau_webhooks ADD COLUMN health_json TEXT;'),
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
    const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
    if (m.rebuildsTables && enforced) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        m.up(db);
        if (m.rebuildsTables && (db.pragma('foreign_key_check') as unknown[]).length > 0) {
          throw new Error(`Migration ${m.version} (${m.description}) would leave rows referring to rows that do not exist.`);
        }
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (m.rebuildsTables && enforced) db.pragma('foreign_keys = ON');
    }
  }
  return schemaVersion(db);
}
