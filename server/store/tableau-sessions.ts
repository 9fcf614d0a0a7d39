/**
 * Tableau sessions shared by every instance on one PostgreSQL (docs/limits-across-instances.md).
 * A personal access token holds one session at a time: signing in again ends the earlier session
 * (tableau-mcp docs pat.md; docs/tableau-rest.md#sessions). So instances re-use one stored token
 * per (server, site, principal, secret fingerprint), and a sign-in — the first, or the one after a
 * 401 — runs under a transaction-level advisory lock on that key
 * (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS): the second
 * instance waits, then finds the token the first one stored and signs in not at all. The lock goes
 * with the transaction, also when an instance dies (its connection closes).
 *
 * The token is sealed with the store's key (crypto.ts; every instance shares the key file:
 * docs/store.md), bound to its key as AAD so rows cannot be swapped. `token_hash` lets a sign-out
 * remove the row only while it still holds the signed-out token, without opening it.
 */
import { createHash } from 'node:crypto';

import type pg from 'pg';

import type { Logger } from '../tableau/http.js';
import type { Session, SharedSessions } from '../tableau/sessions.js';
import type { SecretBox } from './crypto.js';
import { inTransaction } from './pg-transaction.js';
import { lockKey } from './tableau-slots.js';

/** First key of the two-key advisory locks on sign-ins (tableau-slots.ts SLOT_LOCKS explains the key spaces). */
const SIGN_IN_LOCKS = 7_231_019;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
const aad = (key: string) => `tableau-session:${key}`;

const sessionShape = (v: unknown): v is Session => {
  const s = v as Partial<Record<keyof Session, unknown>> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    ['token', 'siteId', 'siteContentUrl', 'userId', 'baseUrl'].every((k) => typeof s[k as keyof Session] === 'string')
  );
};

const UPSERT = `
  INSERT INTO tableau_sessions (key, sealed, token_hash, created_at, used_at) VALUES ($1, $2, $3, now(), now())
  ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, token_hash = EXCLUDED.token_hash, created_at = now(), used_at = now()`;

export class PgSharedSessions implements SharedSessions {
  constructor(
    private readonly pool: pg.Pool,
    private readonly box: SecretBox,
    private readonly logger: Logger,
  ) {}

  async read(key: string): Promise<Session | undefined> {
    const { rows } = await this.pool.query<{ sealed: string }>(
      // used_at: when an instance last took the token up; Tableau's idle timeout is its own (a 401 renews).
      'UPDATE tableau_sessions SET used_at = now() WHERE key = $1 RETURNING sealed',
      [key],
    );
    return this.open(key, rows[0]?.sealed);
  }

  async signInOnce(key: string, stale: string | undefined, signIn: () => Promise<Session>): Promise<Session> {
    // A failed sign-in rolls back and leaves the connection sound (pg-transaction.ts).
    return inTransaction(this.pool, async (client) => {
      // Held through the sign-in: every other instance wanting this PAT's session waits here.
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [SIGN_IN_LOCKS, lockKey(key)]);
      const { rows } = await client.query<{ sealed: string }>('SELECT sealed FROM tableau_sessions WHERE key = $1', [key]);
      const stored = this.open(key, rows[0]?.sealed);
      if (stored && stored.token !== stale) return stored;
      const session = await signIn();
      await client.query(UPSERT, [key, this.box.seal(JSON.stringify(session), aad(key)), tokenHash(session.token)]);
      return session;
    });
  }

  async write(key: string, session: Session): Promise<void> {
    await this.pool.query(UPSERT, [key, this.box.seal(JSON.stringify(session), aad(key)), tokenHash(session.token)]);
  }

  async remove(key: string, token: string | undefined): Promise<void> {
    if (token === undefined) await this.pool.query('DELETE FROM tableau_sessions WHERE key = $1', [key]);
    else await this.pool.query('DELETE FROM tableau_sessions WHERE key = $1 AND token_hash = $2', [key, tokenHash(token)]);
  }

  /** A row that cannot be opened (another key file, a damaged row) is as good as none: sign in again. */
  private open(key: string, sealed: string | undefined): Session | undefined {
    if (sealed === undefined) return undefined;
    try {
      const session: unknown = JSON.parse(this.box.open(sealed, aad(key)));
      if (sessionShape(session)) return session;
    } catch {
      // fall through
    }
    this.logger.warn({}, 'a stored Tableau session could not be opened (another key file?); signing in again');
    return undefined;
  }
}
