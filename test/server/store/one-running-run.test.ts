/**
 * The store holds at most one running run per schedule (db.ts migration 9, postgres.ts 8): two
 * instances beginning a run of one schedule at the same moment cannot both succeed, whatever they
 * read before; a run that is over leaves room for the next. The migration first fails the older
 * running runs a lost instance left beside a newer one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { migrate, MIGRATIONS, openDatabase } from '../../../server/store/db.js';
import { RunInProgressError } from '../../../server/store/snapshots.js';
import { describeEachStore, storeWithSchedule } from './backends.js';

describeEachStore('one running run per schedule', (backend) => {
  it('of two runs begun at once one starts and the other is told a run is going; once it is over the next may start', async () => {
    const { clock, schedule, snapshots } = await storeWithSchedule(backend);
    const begin = () => snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });

    const outcomes = await Promise.allSettled([begin(), begin(), begin()]);
    const started = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(2);
    for (const reason of refused) expect(reason).toBeInstanceOf(RunInProgressError);

    await expect(begin()).rejects.toBeInstanceOf(RunInProgressError);
    await snapshots.fail(started[0]!.id, { code: 'run-interrupted', message: 'stopped' }, clock.now());
    const next = await begin();
    expect(next.status).toBe('running');
    expect((await snapshots.list(schedule.id)).map((r) => r.status).sort()).toEqual(['failed', 'running']);
  });
});

describe('the one-running migration (SQLite; the same SQL on PostgreSQL: server/store/running-runs.ts)', () => {
  it('fails the older running runs of a schedule and keeps the newest running', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'one-running-')), MIGRATIONS.slice(0, 8));
    db.exec(`
      INSERT INTO users (id, kind, created_at) VALUES ('u', 'local', '2026-01-01T00:00:00Z');
      INSERT INTO connections (id, user_id, label, server_url, site_content_url, auth_kind, principal, principal_key, sealed_auth, created_at)
        VALUES ('c', 'u', 'Demo', 'https://t.example', '', 'pat', 'pat:x', 'pat:x', 'v1.a.b.c', '2026-01-01T00:00:00Z');
      INSERT INTO schedules (id, user_id, connection_id, definition_id, name, source_json, spec_json, history_limit, last_slot_at, created_at, updated_at)
        VALUES ('s', 'u', 'c', 'd', 'n', '{}', '{}', 30, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
      INSERT INTO schedule_runs (id, schedule_id, seq, trigger, status, started_at) VALUES
        ('r1', 's', 1, 'scheduled', 'running', '2026-01-01T01:00:00Z'),
        ('r2', 's', 2, 'scheduled', 'succeeded', '2026-01-01T02:00:00Z'),
        ('r3', 's', 3, 'manual', 'running', '2026-01-01T03:00:00Z');
    `);
    migrate(db, MIGRATIONS);
    const rows = db.prepare('SELECT id, status, error_json FROM schedule_runs ORDER BY seq').all() as Array<{
      id: string;
      status: string;
      error_json: string | null;
    }>;
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['r1', 'failed'],
      ['r2', 'succeeded'],
      ['r3', 'running'],
    ]);
    expect(JSON.parse(rows[0]!.error_json!)).toMatchObject({ code: 'run-interrupted' });
  });
});
