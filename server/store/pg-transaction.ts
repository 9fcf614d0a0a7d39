/**
 * One transaction on a client of the pool: BEGIN, `work`, COMMIT; on any failure ROLLBACK. The
 * client goes back to the pool afterwards, unless even the rollback failed: a connection in an
 * unknown state is destroyed rather than re-used (`release(err)`, https://node-postgres.com/apis/pool#releasing-clients).
 * Transaction-level advisory locks taken inside end with it
 * (https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS).
 */
import type pg from 'pg';

export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (err) {
    const sound = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    client.release(sound ? undefined : (err as Error));
    throw err;
  }
}
