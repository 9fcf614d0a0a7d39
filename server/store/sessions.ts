/**
 * Companion-server sessions (the add-in's bearer tokens) and the users they act for. Only the
 * SHA-256 of a token is stored: a leaked database cannot be replayed as a session.
 *
 * A user owns connections and schedules (and so snapshots); a session acts for one user. A single
 * analyst's session is its own implicit local user (same id, created and deleted with it), so
 * sessions keep apart what they made, as they always did. A team server's user is a proven Tableau
 * identity (docs/security.md#team-mode-who-the-user-is): every session that proves it, from any
 * workbook or machine, acts for the same user, and a session's expiry leaves the user's things.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { isUniqueViolation, type Sql } from './sql.js';

export interface Session {
  id: string;
  /** The user the session acts for: what it sees and makes belongs to this user. */
  userId: string;
  /** An implicit local user (a single analyst's session) or a proven Tableau identity (team mode). */
  userKind: 'local' | 'tableau';
  createdAt: string;
  lastUsedAt: string;
}

/** Who signed in, as Tableau said in the sign-in response: the team-mode user. */
export interface TableauIdentity {
  /** The server address as the user gave it, normalised (common/site.ts normalizeServerUrl). */
  serverUrl: string;
  /** The site's LUID (credentials.site.id). */
  siteId: string;
  /** The Tableau user's LUID (credentials.user.id). */
  userId: string;
}

export interface SessionStore {
  /**
   * Creates a session for `userId` (a Tableau user, from `userOf`), or for a new implicit local user; the
   * token is returned once and never stored in clear.
   */
  create(userId?: string): Promise<{ token: string; session: Session }>;
  /** The user of a Tableau identity, created on its first sign-in. */
  userOf(identity: TableauIdentity): Promise<string>;
  /** The session a token belongs to, or undefined (unknown, malformed or idle too long). */
  resolve(token: string): Promise<Session | undefined>;
  /** Deletes the session; an implicit local user goes with it, and so everything it owned. */
  delete(id: string): Promise<void>;
}

export const DEFAULT_SESSION_IDLE_MS = 30 * 24 * 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

interface SessionRow {
  id: string;
  user_id: string;
  kind: Session['userKind'];
  created_at: string;
  last_used_at: string;
}

export class SqlSessionStore implements SessionStore {
  /** Touching last_used_at on every request would write per call; once a minute is plenty. */
  private static readonly TOUCH_EVERY_MS = 60_000;

  constructor(
    private readonly sql: Sql,
    private readonly idleMs = DEFAULT_SESSION_IDLE_MS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(userId?: string): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const at = this.now().toISOString();
    const id = randomUUID();
    const session: Session = { id, userId: userId ?? id, userKind: userId ? 'tableau' : 'local', createdAt: at, lastUsedAt: at };
    const insertSession = [
      'INSERT INTO sessions (id, user_id, token_hash, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)',
      [session.id, session.userId, hashToken(token), at, at],
    ] as const;
    await this.sql.atomically(
      userId ? [insertSession] : [["INSERT INTO users (id, kind, created_at) VALUES (?, 'local', ?)", [id, at]], insertSession],
    );
    return { token, session };
  }

  async userOf(identity: TableauIdentity): Promise<string> {
    const key = [identity.serverUrl, identity.siteId, identity.userId];
    const find = async () =>
      (await this.sql.get<{ id: string }>('SELECT id FROM users WHERE server_url = ? AND site_id = ? AND tableau_user_id = ?', key))?.id;
    const found = await find();
    if (found) return found;
    const id = randomUUID();
    try {
      await this.sql.run(
        "INSERT INTO users (id, kind, server_url, site_id, tableau_user_id, created_at) VALUES (?, 'tableau', ?, ?, ?, ?)",
        [id, ...key, this.now().toISOString()],
      );
      return id;
    } catch (err) {
      // The same user signed in twice at once (another request, another instance): theirs won (users_identity).
      const other = isUniqueViolation(err) ? await find() : undefined;
      if (!other) throw err;
      return other;
    }
  }

  async resolve(token: string): Promise<Session | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const row = await this.sql.get<SessionRow>(
      `SELECT s.id, s.user_id, u.kind, s.created_at, s.last_used_at FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ?`,
      [hashToken(token)],
    );
    if (!row) return undefined;
    const now = this.now();
    const idle = now.getTime() - Date.parse(row.last_used_at);
    if (idle > this.idleMs) {
      await this.delete(row.id);
      return undefined;
    }
    if (idle > SqlSessionStore.TOUCH_EVERY_MS) {
      row.last_used_at = now.toISOString();
      await this.sql.run('UPDATE sessions SET last_used_at = ? WHERE id = ?', [row.last_used_at, row.id]);
    }
    return { id: row.id, userId: row.user_id, userKind: row.kind, createdAt: row.created_at, lastUsedAt: row.last_used_at };
  }

  async delete(id: string): Promise<void> {
    // A local user's things went with its session before users existed (ON DELETE CASCADE), and still do.
    await this.sql.atomically([
      ["DELETE FROM users WHERE kind = 'local' AND id = (SELECT user_id FROM sessions WHERE id = ?)", [id]],
      ['DELETE FROM sessions WHERE id = ?', [id]],
    ]);
  }
}
