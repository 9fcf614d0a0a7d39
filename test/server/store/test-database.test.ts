/** The Postgres test support itself: each file gets its own empty database on the run's cluster. */
import pg from 'pg';

import { createTestDatabase, postgresAvailable } from '../../support/postgres-db.js';

const { url: adminUrl, reason } = postgresAvailable();

describe.skipIf(!adminUrl)(`a test database on the run's PostgreSQL${adminUrl ? '' : ` (skipped: ${reason})`}`, () => {
  it('is new and empty, and gone after drop', async () => {
    const db = await createTestDatabase(adminUrl!);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const tables = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables.rows[0].n).toBe(0);
    await client.end();
    await db.drop();
    const admin = new pg.Client({ connectionString: adminUrl! });
    await admin.connect();
    const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [new URL(db.url).pathname.slice(1)]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });
});
