/**
 * The operator's VDS budget per site (server/tableau/vds-budget.ts: why a rolling hour, which calls
 * count) counted by every instance in `tableau_vds_calls`: one row per call let through, kept for an
 * hour. Counting and inserting run under a transaction-level advisory lock per site
 * (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS), so two instances
 * never both take the last call of the budget. Times are the database's (now()), one clock for all.
 */
import type pg from 'pg';

import { type BudgetAnswer, checkPerHour, VDS_WINDOW_MS, type VdsBudget } from '../tableau/vds-budget.js';
import { inTransaction } from './pg-transaction.js';
import { lockKey } from './tableau-slots.js';

/** First key of the two-key advisory locks on a site's VDS budget (tableau-slots.ts explains the key spaces). */
const BUDGET_LOCKS = 7_231_020;

export class PgVdsBudget implements VdsBudget {
  constructor(
    private readonly pool: pg.Pool,
    readonly perHour: number,
  ) {
    checkPerHour(perHour);
  }

  async take(siteKey: string): Promise<BudgetAnswer> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [BUDGET_LOCKS, lockKey(siteKey)]);
      const window = [siteKey, VDS_WINDOW_MS] as const;
      await client.query(`DELETE FROM tableau_vds_calls WHERE site = $1 AND at <= now() - $2::int * interval '1 millisecond'`, [...window]);
      // An empty window's oldest call is the one about to be inserted (now()): it frees an hour on.
      const { rows } = await client.query<{ n: number; frees_at: string }>(
        `SELECT count(*)::int AS n, coalesce(min(at), now()) + $2::int * interval '1 millisecond' AS frees_at
           FROM tableau_vds_calls WHERE site = $1`,
        [...window],
      );
      const { n, frees_at: freesAt } = rows[0]!;
      const allowed = n < this.perHour;
      if (allowed) await client.query('INSERT INTO tableau_vds_calls (site, at) VALUES ($1, now())', [siteKey]);
      const oldestFreesAt = new Date(freesAt);
      return allowed ? { ok: true, used: n + 1, perHour: this.perHour, oldestFreesAt } : { ok: false, freesAt: oldestFreesAt };
    });
  }
}
