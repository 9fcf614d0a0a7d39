/**
 * A fresh PostgreSQL database for one test file, on the cluster of the run's globalSetup
 * (postgres-global.ts): files run in parallel without seeing each other's rows, and the schema
 * is created by the code under test, as on a first start.
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { inject } from 'vitest';

/** The run's PostgreSQL URL, or null when the Postgres tests are skipped (and why). */
export function postgresAvailable(): { url: string | null; reason: string } {
  return { url: inject('postgresUrl'), reason: inject('postgresSkipReason') };
}

/** Creates a database and returns its URL; `drop` removes it (at the file's end). */
export async function createTestDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // WITH (FORCE) ends sessions a test left open (PostgreSQL 13+).
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
