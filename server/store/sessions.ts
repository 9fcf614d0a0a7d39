/**
 * Companion-server sessions (the add-in's bearer tokens). Only the SHA-256 of a token is stored:
 * a leaked database cannot be replayed as a session.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

import type { Sql } from './sql.js';

export interface Session {
  id: string;
  createdAt: string;
  lastUsedAt: string;
}

export interface SessionStore {
  /** Creates a session; the token is returned once and never stored in clear. */
  create(): Promise<{ token: string; session: Session }>;
  /** The session a token belongs to, or undefined (unknown, malformed or idle too long). */
  resolve(token: string): Promise<Session | undefined>;
  delete(id: string): Promise<void>;
}

export const DEFAULT_SESSION_IDLE_MS = 30 * 24 * 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

interface SessionRow {
  id: string;
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

  async create(): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const at = this.now().toISOString();
    const session: Session = { id: randomUUID(), createdAt: at, lastUsedAt: at };
    await this.sql.run('INSERT INTO sessions (id, token_hash, created_at, last_used_at) VALUES (?, ?, ?, ?)', [
      session.id,
      hashToken(token),
      at,
      at,
    ]);
    return { token, session };
  }

  async resolve(token: string): Promise<Session | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const row = await this.sql.get<SessionRow>('SELECT id, created_at, last_used_at FROM sessions WHERE token_hash = ?', [
      hashToken(token),
    ]);
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
    return { id: row.id, createdAt: row.created_at, lastUsedAt: row.last_used_at };
  }

  async delete(id: string): Promise<void> {
    await this.sql.run('DELETE FROM sessions WHERE id = ?', [id]);
  }
}
