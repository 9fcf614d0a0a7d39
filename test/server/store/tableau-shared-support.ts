/**
 * Several "server instances" on one throwaway PostgreSQL database for the tests of Tableau's limits
 * across instances: each instance its own pool (as each server process has), one migrated schema.
 */
import pg from 'pg';

import { createPool, migratePostgres } from '../../../server/store/postgres.js';
import { createTestDatabase, postgresAvailable } from '../../support/postgres-db.js';
import { memoryLogger } from '../tableau/fake.js';

export const { url: adminUrl, reason: skipReason } = postgresAvailable();

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A fresh migrated database; `pool()` opens one more instance's pool on it (ended after the file). */
export async function sharedDatabase() {
  const database = await createTestDatabase(adminUrl!);
  cleanups.push(database.drop);
  const pool = (): pg.Pool => {
    const p = createPool(database.url);
    cleanups.push(() => p.end());
    return p;
  };
  await migratePostgres(pool());
  return { url: database.url, pool };
}

/** Later cleanup for what a test opens (a slot pool, a simulator). */
export function onCleanup(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

export { memoryLogger };

/** Polls `cond` until true; generous by default (the machine is shared). */
export async function eventually(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
