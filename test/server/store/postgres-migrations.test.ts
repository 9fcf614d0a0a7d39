/**
 * PostgreSQL migrations: the schema is created on a first start, again and again without change,
 * by one of several instances starting at once (the advisory lock), and never downgraded.
 */
import pg from 'pg';

import { createPool, migratePostgres, PG_MIGRATIONS, type PgMigration } from '../../../server/store/postgres.js';
import { createTestDatabase, postgresAvailable } from '../../support/postgres-db.js';

const { url: adminUrl, reason } = postgresAvailable();

const pools: pg.Pool[] = [];
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(pools.splice(0).map((p) => p.end().catch(() => undefined)));
  for (const drop of drops.splice(0)) await drop().catch(() => undefined);
});

/** A new empty database and `n` pools on it, as `n` server instances would open them. */
async function freshDatabase(n = 1): Promise<pg.Pool[]> {
  const db = await createTestDatabase(adminUrl!);
  drops.push(db.drop);
  const opened = Array.from({ length: n }, () => createPool(db.url));
  pools.push(...opened);
  return opened;
}

const tables = async (pool: pg.Pool) =>
  (await pool.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.t);
const versions = async (pool: pg.Pool) =>
  (await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);

describe.skipIf(!adminUrl)(`PostgreSQL migrations${adminUrl ? '' : ` (skipped: ${reason})`}`, () => {
  it('creates the schema on a first start and changes nothing on the next', async () => {
    const [pool] = await freshDatabase();
    expect(await migratePostgres(pool)).toBe(PG_MIGRATIONS.length);
    const created = await tables(pool);
    expect(created).toEqual(
      expect.arrayContaining(['sessions', 'connections', 'schedules', 'schedule_runs', 'snapshot_batches', 'schema_migrations']),
    );
    expect(await migratePostgres(pool)).toBe(PG_MIGRATIONS.length);
    expect(await tables(pool)).toEqual(created);
    expect(await versions(pool)).toEqual(PG_MIGRATIONS.map((m) => m.version));
  });

  it('two instances migrating a fresh database at once end with one correct schema', async () => {
    const [a, b] = await freshDatabase(2);
    // Both start together; without the advisory lock the second CREATE TABLE would fail.
    const results = await Promise.allSettled([migratePostgres(a), migratePostgres(b), migratePostgres(a), migratePostgres(b)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await versions(a)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    const columns = await a.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'schedule_runs'`,
    );
    expect(columns.rows[0].n).toBe(21);
    // The lock is released: a later start migrates (nothing) without waiting.
    expect(await migratePostgres(b)).toBe(PG_MIGRATIONS.length);
  });

  it('gives each session of a version-2 database its own local user, keeping its connections and schedules', async () => {
    const [pool] = await freshDatabase();
    await migratePostgres(pool, PG_MIGRATIONS.slice(0, 2));
    const at = '2026-01-01T00:00:00.000Z';
    await pool.query(`INSERT INTO sessions VALUES ('s', 'h', $1, $1)`, [at]);
    await pool.query(
      `INSERT INTO connections (id, session_id, label, server_url, site_content_url, auth_kind, principal, sealed_auth, created_at)
       VALUES ('c', 's', 'l', 'https://s', '', 'pat', 'p', 'v1.x', $1)`,
      [at],
    );
    await pool.query(`INSERT INTO schedules VALUES ('sch', 's', 'c', 'd', 'n', '{}', NULL, '{}', NULL, 30, $1, $1, $1)`, [at]);
    expect(await migratePostgres(pool)).toBe(PG_MIGRATIONS.length);
    const rows = async (sql: string) => (await pool.query(sql)).rows;
    expect(await rows('SELECT id, kind FROM users')).toEqual([{ id: 's', kind: 'local' }]);
    expect(await rows('SELECT id, user_id FROM sessions')).toEqual([{ id: 's', user_id: 's' }]);
    expect(await rows('SELECT id, user_id, principal_key FROM connections')).toEqual([{ id: 'c', user_id: 's', principal_key: 'p' }]);
    expect(await rows('SELECT id, user_id FROM schedules')).toEqual([{ id: 'sch', user_id: 's' }]);
    await pool.query(`DELETE FROM users WHERE id = 's'`);
    expect(await rows('SELECT id FROM schedules')).toEqual([]);
  });

  it('applies only the migrations above the current version, and rolls a failing one back whole', async () => {
    const [pool] = await freshDatabase();
    const steps: PgMigration[] = [1, 2, 3].map((version) => ({
      version,
      description: `step ${version}`,
      sql: `CREATE TABLE t${version} (x int)`,
    }));
    expect(await migratePostgres(pool, steps.slice(0, 2))).toBe(2);
    expect(await migratePostgres(pool, steps)).toBe(3);
    expect(await tables(pool)).toEqual(['schema_migrations', 't1', 't2', 't3']);
    const broken: PgMigration = { version: 4, description: 'fails half way', sql: 'CREATE TABLE t4 (x int); SELECT 1/0;' };
    await expect(migratePostgres(pool, [...steps, broken])).rejects.toThrow(/division by zero/);
    expect(await versions(pool)).toEqual([1, 2, 3]);
    expect(await tables(pool)).not.toContain('t4');
  });

  it('refuses a database written by a newer server, and gaps in the numbering', async () => {
    const [pool] = await freshDatabase();
    await migratePostgres(pool);
    await pool.query(`INSERT INTO schema_migrations (version, description) VALUES (99, 'from the future')`);
    await expect(migratePostgres(pool)).rejects.toThrow(/newer than this server/);
    await expect(migratePostgres(pool, [{ version: 2, description: 'gap', sql: 'SELECT 1' }])).rejects.toThrow(/numbered/);
  });
});
