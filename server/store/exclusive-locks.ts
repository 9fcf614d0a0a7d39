/**
 * "One at a time" for work that must not run twice at once (applying a publish plan to a site:
 * docs/publish.md). On SQLite one process is the whole server, so a set in memory is the truth. On
 * PostgreSQL several instances share the work, so the lock is PostgreSQL's: a session-level advisory
 * lock taken with pg_try_advisory_lock on a connection held for as long as the work runs. It is
 * never waited for (a second caller is told "busy" at once), it is released by pg_advisory_unlock,
 * and PostgreSQL releases it by itself when the holding connection ends — an instance killed with -9
 * leaves nothing locked ("a session-level advisory lock … is held until explicitly released or the
 * session ends", https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS).
 */
import type pg from 'pg';

import { lockKey } from './tableau-slots.js';

export interface ExclusiveLocks {
  /** Holds `name` until the returned release, or undefined at once when anyone (any instance) holds it. */
  tryHold(name: string): Promise<(() => Promise<void>) | undefined>;
}

/** One process: SQLite, a single analyst's server. */
export class ProcessLocks implements ExclusiveLocks {
  private readonly held = new Set<string>();

  async tryHold(name: string): Promise<(() => Promise<void>) | undefined> {
    if (this.held.has(name)) return undefined;
    this.held.add(name);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.held.delete(name);
    };
  }
}

/**
 * First key of these two-key advisory locks (the second: a hash of the name). Two-key locks never meet
 * the single-key ones of the migrations and pg-boss; 7231018–7231020 are the export slots, sign-ins
 * and VDS budget (docs/limits-across-instances.md). Two names whose hashes collide only exclude each other.
 */
const EXCLUSIVE_LOCKS = 7_231_021;

/** Every instance on one PostgreSQL. */
export class PgExclusiveLocks implements ExclusiveLocks {
  constructor(private readonly pool: pg.Pool) {}

  async tryHold(name: string): Promise<(() => Promise<void>) | undefined> {
    const client = await this.pool.connect();
    const key = lockKey(name);
    let took = false;
    try {
      const { rows } = await client.query<{ took: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS took', [EXCLUSIVE_LOCKS, key]);
      took = rows[0]!.took;
    } finally {
      if (!took) client.release();
    }
    if (!took) return undefined;
    // A held connection that fails (the database restarted, the backend was terminated) must not
    // end the process (https://node-postgres.com/apis/pool#error); its lock went with it.
    const onError = () => undefined;
    client.on('error', onError);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [EXCLUSIVE_LOCKS, key]);
        client.off('error', onError);
        client.release();
      } catch (err) {
        // The connection is destroyed instead of pooled: its end releases the lock.
        client.release(err as Error);
      }
    };
  }
}
