/**
 * Event-driven refresh (docs/tableau-events.md): the Tableau webhooks this server created on the
 * sites of its users' connections, and the event deliveries it already handled.
 *
 * One registration per (connection, event), shared by the connection's on-tableau-refresh
 * schedules. Tableau does not sign what it POSTs (docs/tableau-rest.md#webhooks), so the receiver
 * URL carries an unguessable token, `<registration id>.<secret>`; only the SHA-256 of the secret is
 * stored (as for sessions: sessions.ts), and it is compared in constant time.
 *
 * Deleting a connection (or its user) deletes its registrations (ON DELETE CASCADE in the migrations),
 * and their handled events with them.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type * as common from '../../common/schedules.js';
import type { Sql } from './sql.js';

/** The refresh events a schedule can wait for (Tableau's `event` names). */
export type RefreshEvent = 'DatasourceRefreshSucceeded' | 'WorkbookRefreshSucceeded';

/**
 * What the last check found when the webhook was not fine at Tableau (services/tableau-events.ts
 * reconcile): `recreated` — it was gone and a new one was made; `failed` — gone or disabled, and
 * not made again. `message`: what the schedule shows, in plain words. Absent: fine, or never checked.
 */
export type WebhookHealth = common.TableauWebhookHealth;

export interface TableauWebhookRegistration {
  id: string;
  userId: string;
  connectionId: string;
  /** The LUID of the connection's site: events of other sites are not this registration's. */
  siteLuid: string;
  event: RefreshEvent;
  /** The webhook's id at Tableau (to delete it). */
  webhookId: string;
  createdAt: string;
  health?: WebhookHealth;
}

type NewRegistration = Omit<TableauWebhookRegistration, 'createdAt' | 'health'> & { tokenHash: string };

export interface TableauWebhookStore {
  /** Stores a registration; false when the connection already has one for the event (another request won). */
  add(registration: NewRegistration): Promise<boolean>;
  forConnection(connectionId: string): Promise<TableauWebhookRegistration[]>;
  /** Every registration, by connection (the periodic check). */
  all(): Promise<TableauWebhookRegistration[]>;
  /** Its webhook was made again at Tableau: the new id and receiver token, health `recreated`. */
  replaced(id: string, webhookId: string, tokenHash: string, health: WebhookHealth): Promise<void>;
  /** What the last check found (undefined: fine). */
  setHealth(id: string, health: WebhookHealth | undefined): Promise<void>;
  /** The registration a receiver token belongs to, or undefined (malformed, unknown or wrong secret). */
  byToken(token: string): Promise<TableauWebhookRegistration | undefined>;
  remove(id: string): Promise<boolean>;
  /**
   * Records that the registration's event `eventKey` was handled; false when it already was (a
   * second delivery of the same event). Forgets handled events older than a day: Tableau's retries
   * of one delivery come within a minute (tableau/webhooks-docs README.md "Tableau Webhooks Behavior").
   */
  claimEvent(registrationId: string, eventKey: string): Promise<boolean>;
}

const SEEN_FOR_MS = 24 * 60 * 60 * 1000;

/** A receiver token for registration `id`: the id, a dot, 32 random bytes in base64url. */
export function newReceiverToken(id: string): { token: string; tokenHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${id}.${secret}`, tokenHash: hashSecret(secret) };
}

const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

const TOKEN = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

interface RegistrationRow {
  id: string;
  user_id: string;
  connection_id: string;
  site_luid: string;
  event: RefreshEvent;
  webhook_id: string;
  token_hash: string;
  created_at: string;
  health_json: string | null;
}

const toRegistration = (row: RegistrationRow): TableauWebhookRegistration => ({
  id: row.id,
  userId: row.user_id,
  connectionId: row.connection_id,
  siteLuid: row.site_luid,
  event: row.event,
  webhookId: row.webhook_id,
  createdAt: row.created_at,
  ...(row.health_json ? { health: JSON.parse(row.health_json) as WebhookHealth } : {}),
});

export class SqlTableauWebhookStore implements TableauWebhookStore {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ON CONFLICT DO NOTHING: SQLite (3.24+, https://www.sqlite.org/lang_upsert.html) and PostgreSQL
  // (https://www.postgresql.org/docs/15/sql-insert.html#SQL-ON-CONFLICT) both count 0 changed rows.
  async add(r: NewRegistration): Promise<boolean> {
    const written = await this.sql.run(
      `INSERT INTO tableau_webhooks (id, user_id, connection_id, site_luid, event, webhook_id, token_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [r.id, r.userId, r.connectionId, r.siteLuid, r.event, r.webhookId, r.tokenHash, this.now().toISOString()],
    );
    return written > 0;
  }

  async forConnection(connectionId: string): Promise<TableauWebhookRegistration[]> {
    const rows = await this.sql.all<RegistrationRow>('SELECT * FROM tableau_webhooks WHERE connection_id = ? ORDER BY event', [
      connectionId,
    ]);
    return rows.map(toRegistration);
  }

  async all(): Promise<TableauWebhookRegistration[]> {
    return (await this.sql.all<RegistrationRow>('SELECT * FROM tableau_webhooks ORDER BY connection_id, event')).map(toRegistration);
  }

  async replaced(id: string, webhookId: string, tokenHash: string, health: WebhookHealth): Promise<void> {
    await this.sql.run('UPDATE tableau_webhooks SET webhook_id = ?, token_hash = ?, health_json = ? WHERE id = ?', [
      webhookId,
      tokenHash,
      JSON.stringify(health),
      id,
    ]);
  }

  async setHealth(id: string, health: WebhookHealth | undefined): Promise<void> {
    await this.sql.run('UPDATE tableau_webhooks SET health_json = ? WHERE id = ?', [health ? JSON.stringify(health) : null, id]);
  }

  async byToken(token: string): Promise<TableauWebhookRegistration | undefined> {
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const row = await this.sql.get<RegistrationRow>('SELECT * FROM tableau_webhooks WHERE id = ?', [m[1]]);
    if (!row) return undefined;
    // Constant time: how long the comparison takes says nothing about how much of a guess was right.
    const given = Buffer.from(hashSecret(m[2]), 'hex');
    const stored = Buffer.from(row.token_hash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored) ? toRegistration(row) : undefined;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM tableau_webhooks WHERE id = ?', [id])) > 0;
  }

  async claimEvent(registrationId: string, eventKey: string): Promise<boolean> {
    const now = this.now();
    await this.sql.run('DELETE FROM tableau_events_seen WHERE received_at < ?', [new Date(now.getTime() - SEEN_FOR_MS).toISOString()]);
    const written = await this.sql.run(
      'INSERT INTO tableau_events_seen (registration_id, event_key, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [registrationId, eventKey, now.toISOString()],
    );
    return written > 0;
  }
}

export const newRegistrationId = (): string => randomUUID();
