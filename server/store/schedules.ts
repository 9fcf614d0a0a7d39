/**
 * Server schedules: a refresh definition the companion server pulls on its own, with the stored
 * connection of the session that created it. Like connections, a schedule belongs to one session:
 * another session's schedule id is simply unknown.
 *
 * The tables are created here (CREATE TABLE IF NOT EXISTS, see ensureScheduleTables) rather than
 * in db.ts's MIGRATIONS, so this store can ship without touching the shared migration list.
 */
import { randomUUID } from 'node:crypto';

import type { ScheduleInfo } from '../../common/schedules.js';
import type { PullOptions, PullSource } from '../../common/source.js';
import type { ScheduleSpec } from '../schedule/spec.js';
import type { SecretBox } from './crypto.js';
import type { Db } from './db.js';

/**
 * Schedules, their runs and the runs' data. Deleting a session or a connection deletes its
 * schedules (they cannot run without the stored credentials), which deletes their runs and data.
 */
export function ensureScheduleTables(db: Db): void {
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
  `);
}

/** The stored schedule: the fields the API shows ({@link ScheduleInfo}) plus owner, webhook and slot marker. */
export interface ScheduleRecord extends Pick<
  ScheduleInfo,
  'id' | 'connectionId' | 'definitionId' | 'name' | 'source' | 'options' | 'spec' | 'historyLimit' | 'createdAt' | 'updatedAt'
> {
  /** The owning session: its connection's credentials are what the schedule runs with. */
  sessionId: string;
  /** POSTed on failure. Treated like a secret (chat webhooks carry their token in the path). */
  webhookUrl?: string;
  /** A webhook is stored but cannot be unsealed (the key file was replaced): set it again. */
  webhookUnreadable?: true;
  /**
   * The latest scheduled time already handled (run, or skipped because a run was going on). The
   * runner counts missed times from here, so a restart never re-runs a handled time.
   */
  lastSlotAt: string;
}

/** What a caller supplies; the store assigns the id, owner, handled-slot marker and timestamps. */
export type NewSchedule = Omit<ScheduleRecord, 'id' | 'sessionId' | 'lastSlotAt' | 'createdAt' | 'updatedAt' | 'webhookUnreadable'>;

/** A partial update; `webhookUrl: null` removes the webhook, `options: null` the options. */
export type ScheduleChanges = Partial<Omit<NewSchedule, 'webhookUrl' | 'options'>> & {
  webhookUrl?: string | null;
  options?: PullOptions | null;
};

export interface ScheduleStore {
  create(sessionId: string, input: NewSchedule): Promise<ScheduleRecord>;
  /** Undefined when unknown or another session's (callers answer 404 either way). */
  get(sessionId: string, id: string): Promise<ScheduleRecord | undefined>;
  list(sessionId: string): Promise<ScheduleRecord[]>;
  update(sessionId: string, id: string, changes: ScheduleChanges): Promise<ScheduleRecord | undefined>;
  delete(sessionId: string, id: string): Promise<boolean>;
  /** The runner's view, across sessions. */
  find(id: string): Promise<ScheduleRecord | undefined>;
  all(): Promise<ScheduleRecord[]>;
  /** Records that the scheduled time `at` was handled. */
  markSlot(id: string, at: Date): Promise<void>;
}

interface ScheduleRow {
  id: string;
  session_id: string;
  connection_id: string;
  definition_id: string;
  name: string;
  source_json: string;
  options_json: string | null;
  spec_json: string;
  webhook_url: string | null;
  history_limit: number;
  last_slot_at: string;
  created_at: string;
  updated_at: string;
}

/**
 * Webhook URLs are sealed like connection secrets: a chat webhook's path is its credential (Slack,
 * Teams), so a copied database file must not hand it out. The schedule id is the associated data.
 */
const webhookAad = (scheduleId: string) => `schedule-webhook:${scheduleId}`;

function sealWebhook(box: SecretBox, scheduleId: string, url: string | undefined): string | null {
  return url ? box.seal(url, webhookAad(scheduleId)) : null;
}

/** The URL; `null` when it is stored but will not unseal (another key file): listing must not fail. */
function openWebhook(box: SecretBox, row: ScheduleRow): string | null | undefined {
  if (!row.webhook_url) return undefined;
  // Rows written before webhooks were sealed hold the URL itself; it is sealed on the next update.
  if (/^https?:\/\//i.test(row.webhook_url)) return row.webhook_url;
  try {
    return box.open(row.webhook_url, webhookAad(row.id));
  } catch {
    return null;
  }
}

function toRecord(row: ScheduleRow, box: SecretBox): ScheduleRecord {
  const webhookUrl = openWebhook(box, row);
  return {
    id: row.id,
    sessionId: row.session_id,
    connectionId: row.connection_id,
    definitionId: row.definition_id,
    name: row.name,
    source: JSON.parse(row.source_json) as PullSource,
    ...(row.options_json ? { options: JSON.parse(row.options_json) as PullOptions } : {}),
    spec: JSON.parse(row.spec_json) as ScheduleSpec,
    ...(webhookUrl ? { webhookUrl } : webhookUrl === null ? { webhookUnreadable: true as const } : {}),
    historyLimit: row.history_limit,
    lastSlotAt: row.last_slot_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** connection_id, definition_id, name, source_json, options_json, spec_json: what create and update both write. */
const definitionColumns = (
  s: Pick<ScheduleRecord, 'connectionId' | 'definitionId' | 'name' | 'source' | 'spec'> & { options?: PullOptions | null },
) => [s.connectionId, s.definitionId, s.name, JSON.stringify(s.source), json(s.options), JSON.stringify(s.spec)];

export class SqliteScheduleStore implements ScheduleStore {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly now: () => Date = () => new Date(),
  ) {
    ensureScheduleTables(db);
  }

  async create(sessionId: string, input: NewSchedule): Promise<ScheduleRecord> {
    const id = randomUUID();
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO schedules (id, session_id, connection_id, definition_id, name, source_json, options_json,
           spec_json, webhook_url, history_limit, last_slot_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        sessionId,
        ...definitionColumns(input),
        sealWebhook(this.box, id, input.webhookUrl),
        input.historyLimit,
        // Times before the schedule existed were never missed.
        at,
        at,
        at,
      );
    return (await this.find(id))!;
  }

  async get(sessionId: string, id: string): Promise<ScheduleRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM schedules WHERE session_id = ? AND id = ?').get(sessionId, id) as ScheduleRow | undefined;
    return row && toRecord(row, this.box);
  }

  async list(sessionId: string): Promise<ScheduleRecord[]> {
    const rows = this.db.prepare('SELECT * FROM schedules WHERE session_id = ? ORDER BY created_at, id').all(sessionId) as ScheduleRow[];
    return rows.map((r) => toRecord(r, this.box));
  }

  async update(sessionId: string, id: string, changes: ScheduleChanges): Promise<ScheduleRecord | undefined> {
    const current = await this.get(sessionId, id);
    if (!current) return undefined;
    const at = this.now().toISOString();
    // Absent keys keep their value; only an explicit null clears an optional field.
    const given = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as ScheduleChanges;
    const next = { ...current, ...given };
    const specChanged = changes.spec !== undefined && JSON.stringify(changes.spec) !== JSON.stringify(current.spec);
    this.db
      .prepare(
        `UPDATE schedules SET connection_id = ?, definition_id = ?, name = ?, source_json = ?, options_json = ?,
           spec_json = ?, webhook_url = ?, history_limit = ?, last_slot_at = ?, updated_at = ?
         WHERE id = ? AND session_id = ?`,
      )
      .run(
        ...definitionColumns(next),
        // An unreadable webhook stays as it is unless the update sets or removes it.
        current.webhookUnreadable && changes.webhookUrl === undefined
          ? this.rawWebhook(id)
          : sealWebhook(this.box, id, next.webhookUrl ?? undefined),
        next.historyLimit,
        // A new timetable starts now: times of the old one are not "missed" under the new one.
        specChanged ? at : current.lastSlotAt,
        at,
        id,
        sessionId,
      );
    return this.get(sessionId, id);
  }

  private rawWebhook(id: string): string | null {
    return this.db.prepare('SELECT webhook_url FROM schedules WHERE id = ?').pluck().get(id) as string | null;
  }

  async delete(sessionId: string, id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM schedules WHERE session_id = ? AND id = ?').run(sessionId, id).changes > 0;
  }

  async find(id: string): Promise<ScheduleRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM schedules WHERE id = ?').get(id) as ScheduleRow | undefined;
    return row && toRecord(row, this.box);
  }

  async all(): Promise<ScheduleRecord[]> {
    return (this.db.prepare('SELECT * FROM schedules ORDER BY created_at, id').all() as ScheduleRow[]).map((r) => toRecord(r, this.box));
  }

  async markSlot(id: string, at: Date): Promise<void> {
    // Never move backwards (a late timer of an older time must not re-open later ones).
    this.db.prepare('UPDATE schedules SET last_slot_at = ? WHERE id = ? AND last_slot_at < ?').run(at.toISOString(), id, at.toISOString());
  }
}
