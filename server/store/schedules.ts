/**
 * Server schedules: a refresh definition the companion server pulls on its own, with the stored
 * connection of its user. Like connections, a schedule belongs to one user (sessions.ts): another
 * user's schedule id is simply unknown.
 *
 * Deleting a user (with a single analyst's session) or a connection deletes its schedules (they
 * cannot run without the stored credentials), which deletes their runs and data (ON DELETE
 * CASCADE in the migrations).
 */
import { randomUUID } from 'node:crypto';

import type { ScheduleInfo } from '../../common/schedules.js';
import type { PullOptions, PullSource } from '../../common/source.js';
import type { ScheduleSpec } from '../schedule/spec.js';
import type { SecretBox } from './crypto.js';
import type { Sql } from './sql.js';

/** The stored schedule: the fields the API shows ({@link ScheduleInfo}) plus owner, webhook and slot marker. */
export interface ScheduleRecord extends Pick<
  ScheduleInfo,
  'id' | 'connectionId' | 'definitionId' | 'name' | 'source' | 'options' | 'spec' | 'historyLimit' | 'createdAt' | 'updatedAt'
> {
  /** The owning user: their connection's credentials are what the schedule runs with. */
  userId: string;
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
export type NewSchedule = Omit<ScheduleRecord, 'id' | 'userId' | 'lastSlotAt' | 'createdAt' | 'updatedAt' | 'webhookUnreadable'>;

/** A partial update; `webhookUrl: null` removes the webhook, `options: null` the options. */
export type ScheduleChanges = Partial<Omit<NewSchedule, 'webhookUrl' | 'options'>> & {
  webhookUrl?: string | null;
  options?: PullOptions | null;
};

export interface ScheduleStore {
  create(userId: string, input: NewSchedule): Promise<ScheduleRecord>;
  /** Undefined when unknown or another user's (callers answer 404 either way). */
  get(userId: string, id: string): Promise<ScheduleRecord | undefined>;
  list(userId: string): Promise<ScheduleRecord[]>;
  update(userId: string, id: string, changes: ScheduleChanges): Promise<ScheduleRecord | undefined>;
  delete(userId: string, id: string): Promise<boolean>;
  /** The runner's view, across users. */
  find(id: string): Promise<ScheduleRecord | undefined>;
  /** find for many at once (the due minute of a team server); the ones that exist, in no order. */
  findMany(ids: readonly string[]): Promise<ScheduleRecord[]>;
  all(): Promise<ScheduleRecord[]>;
  /** Records that the scheduled time `at` was handled. */
  markSlot(id: string, at: Date): Promise<void>;
  /** markSlot for many schedules whose time `at` was handled together (a due minute on a team server). */
  markSlots(ids: readonly string[], at: Date): Promise<void>;
}

/** Ids per statement of findMany and markSlots: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const MARK_CHUNK = 500;

/**
 * The ids padded with the last one to a power of two (a repeated id in IN (…) changes nothing):
 * each list length is a statement of its own, prepared once per pooled connection (postgres.ts),
 * so the look-ups of a burst's runs, 1 to 20 at a time, use 6 statements instead of 20.
 */
function padded(ids: string[]): string[] {
  let size = 1;
  while (size < ids.length) size *= 2;
  return ids.length === 0 ? ids : [...ids, ...Array<string>(size - ids.length).fill(ids[ids.length - 1]!)];
}

interface ScheduleRow {
  id: string;
  user_id: string;
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
export const webhookAad = (scheduleId: string) => `schedule-webhook:${scheduleId}`;

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
    userId: row.user_id,
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

/** Equal JSON values whatever their key order (PostgreSQL's jsonb keeps its own key order). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** connection_id, definition_id, name, source_json, options_json, spec_json: what create and update both write. */
const definitionColumns = (
  s: Pick<ScheduleRecord, 'connectionId' | 'definitionId' | 'name' | 'source' | 'spec'> & { options?: PullOptions | null },
) => [s.connectionId, s.definitionId, s.name, JSON.stringify(s.source), json(s.options), JSON.stringify(s.spec)];

export class SqlScheduleStore implements ScheduleStore {
  constructor(
    private readonly sql: Sql,
    private readonly box: SecretBox,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(userId: string, input: NewSchedule): Promise<ScheduleRecord> {
    const id = randomUUID();
    const at = this.now().toISOString();
    await this.sql.run(
      `INSERT INTO schedules (id, user_id, connection_id, definition_id, name, source_json, options_json,
         spec_json, webhook_url, history_limit, last_slot_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        userId,
        ...definitionColumns(input),
        sealWebhook(this.box, id, input.webhookUrl),
        input.historyLimit,
        // Times before the schedule existed were never missed.
        at,
        at,
        at,
      ],
    );
    return (await this.find(id))!;
  }

  async get(userId: string, id: string): Promise<ScheduleRecord | undefined> {
    const row = await this.sql.get<ScheduleRow>('SELECT * FROM schedules WHERE user_id = ? AND id = ?', [userId, id]);
    return row && toRecord(row, this.box);
  }

  async list(userId: string): Promise<ScheduleRecord[]> {
    const rows = await this.sql.all<ScheduleRow>('SELECT * FROM schedules WHERE user_id = ? ORDER BY created_at, id', [userId]);
    return rows.map((r) => toRecord(r, this.box));
  }

  /**
   * Read, merge, write back only if nobody changed the schedule in between (its updated_at), else
   * again: two updates at once (two requests, two instances) both land. The handled-slot marker
   * is only written when the timetable changes, so a run the scheduler marks meanwhile stays marked.
   */
  async update(userId: string, id: string, changes: ScheduleChanges): Promise<ScheduleRecord | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(userId, id);
      if (!current) return undefined;
      const now = this.now();
      // Always later than the value read, even within one millisecond: the next writer's check must see the change.
      const at = new Date(Math.max(now.getTime(), Date.parse(current.updatedAt) + 1)).toISOString();
      // Absent keys keep their value; only an explicit null clears an optional field.
      const given = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as ScheduleChanges;
      const next = { ...current, ...given };
      const specChanged = changes.spec !== undefined && !sameJson(changes.spec, current.spec);
      const written = await this.sql.run(
        `UPDATE schedules SET connection_id = ?, definition_id = ?, name = ?, source_json = ?, options_json = ?,
           spec_json = ?, webhook_url = ?, history_limit = ?, last_slot_at = COALESCE(?, last_slot_at), updated_at = ?
         WHERE id = ? AND user_id = ? AND updated_at = ?`,
        [
          ...definitionColumns(next),
          // An unreadable webhook stays as it is unless the update sets or removes it.
          current.webhookUnreadable && changes.webhookUrl === undefined
            ? await this.rawWebhook(id)
            : sealWebhook(this.box, id, next.webhookUrl ?? undefined),
          next.historyLimit,
          // A new timetable starts now: times of the old one are not "missed" under the new one.
          specChanged ? now.toISOString() : null,
          at,
          id,
          userId,
          current.updatedAt,
        ],
      );
      if (written > 0) return this.get(userId, id);
      if (attempt >= 10) throw new Error(`Schedule ${id} kept changing while it was being updated.`);
    }
  }

  private async rawWebhook(id: string): Promise<string | null> {
    return (
      (await this.sql.get<{ webhook_url: string | null }>('SELECT webhook_url FROM schedules WHERE id = ?', [id]))?.webhook_url ?? null
    );
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM schedules WHERE user_id = ? AND id = ?', [userId, id])) > 0;
  }

  async find(id: string): Promise<ScheduleRecord | undefined> {
    const row = await this.sql.get<ScheduleRow>('SELECT * FROM schedules WHERE id = ?', [id]);
    return row && toRecord(row, this.box);
  }

  async findMany(ids: readonly string[]): Promise<ScheduleRecord[]> {
    const found: ScheduleRecord[] = [];
    for (let i = 0; i < ids.length; i += MARK_CHUNK) {
      const chunk = padded(ids.slice(i, i + MARK_CHUNK));
      const rows = await this.sql.all<ScheduleRow>(`SELECT * FROM schedules WHERE id IN (${chunk.map(() => '?').join(', ')})`, chunk);
      found.push(...rows.map((r) => toRecord(r, this.box)));
    }
    return found;
  }

  async all(): Promise<ScheduleRecord[]> {
    return (await this.sql.all<ScheduleRow>('SELECT * FROM schedules ORDER BY created_at, id')).map((r) => toRecord(r, this.box));
  }

  async markSlot(id: string, at: Date): Promise<void> {
    // Never move backwards (a late timer of an older time must not re-open later ones).
    await this.sql.run('UPDATE schedules SET last_slot_at = ? WHERE id = ? AND last_slot_at < ?', [at.toISOString(), id, at.toISOString()]);
  }

  async markSlots(ids: readonly string[], at: Date): Promise<void> {
    for (let i = 0; i < ids.length; i += MARK_CHUNK) {
      const chunk = ids.slice(i, i + MARK_CHUNK);
      await this.sql.run(`UPDATE schedules SET last_slot_at = ? WHERE id IN (${chunk.map(() => '?').join(', ')}) AND last_slot_at < ?`, [
        at.toISOString(),
        ...chunk,
        at.toISOString(),
      ]);
    }
  }
}
