/**
 * The schedule and snapshot stores: ownership, updates, sealed webhooks, and typed values that
 * survive storage exactly, in bounded gzip'd batches.
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

import type { CellValue } from '../../../common/stream.js';
import { createSecretBox } from '../../../server/store/crypto.js';
import { type NewSchedule, SqlScheduleStore } from '../../../server/store/schedules.js';
import { RunInProgressError, SnapshotGoneError, SqlSnapshotStore } from '../../../server/store/snapshots.js';
import type { Sql } from '../../../server/store/sql.js';
import { collectRows, COLUMNS, hourly } from '../schedule/fixtures.js';
import { ManualSchedulerClock } from '../schedule/manual-clock.js';
import { describeEachStore, type StoreBackend } from './backends.js';

/** A store with one session, its connection and one schedule, on a hand-moved clock. */
async function setup(backend: StoreBackend) {
  const clock = new ManualSchedulerClock(Date.parse('2026-03-02T08:00:00Z'));
  const { store, sql } = await backend.open();
  const session = (await store.sessions.create()).session.id;
  const connection = await store.connections.save(session, {
    label: 'Demo',
    serverUrl: 'https://tableau.example.com',
    siteContentUrl: 'demo',
    auth: { kind: 'pat', patName: 'analyst', patSecret: 'not-a-real-secret' },
  });
  const { schedules, snapshots } = store.scheduleStores(() => clock.now());
  const newSchedule = (over: Partial<NewSchedule> = {}): NewSchedule => ({
    connectionId: connection.id,
    definitionId: '7d8e2a8c-4b1f-4f7e-9a51-0c4c1c1d2e3f',
    name: 'Sales by region',
    source: { kind: 'view', viewId: 'view-1', name: 'Superstore / Sales' },
    spec: hourly(),
    historyLimit: 30,
    ...over,
  });
  const schedule = await schedules.create(session, newSchedule());
  return { clock, store, sql, session, connection, schedules, snapshots, newSchedule, schedule };
}

const countBatches = async (sql: Sql) => Number((await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM snapshot_batches'))?.n);

/** `sql` with every statement it is given recorded in `statements` (to count round trips). */
function countingStatements(sql: Sql): { statements: string[]; counted: Sql } {
  const statements: string[] = [];
  const counted: Sql = {
    ...sql,
    all: (q, p) => (statements.push(q), sql.all(q, p)),
    get: (q, p) => (statements.push(q), sql.get(q, p)),
    run: (q, p) => (statements.push(q), sql.run(q, p)),
  };
  return { statements, counted };
}

describeEachStore('schedules and snapshots', (backend) => {
  it('stores rows in batches of a few thousand and reads them back exactly, in order', async () => {
    const { schedule, snapshots, sql, clock } = await setup(backend);
    const run = await snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });
    const writer = snapshots.writer(run.id, COLUMNS.length);
    const tricky: CellValue[][] = [
      ['=HYPERLINK("x")', -0.5, null],
      ['line\nbreak "quoted" ☃', 1e21, true],
      ['', 0, false],
    ];
    const rows: CellValue[][] = [...tricky, ...Array.from({ length: 20_000 }, (_, i) => [`r${i}`, i / 7, 45000.25 + i])];
    for (let i = 0; i < rows.length; i += 333) await writer.add(rows.slice(i, i + 333));
    const stored = await writer.finish();
    expect(stored.rows).toBe(rows.length);
    const batchesOf = () =>
      sql.all<{ seq: number; row_count: number; data: Buffer }>(
        'SELECT seq, row_count, data FROM snapshot_batches WHERE run_id = ? ORDER BY seq',
        [run.id],
      );
    // The final batch (20,003 rows: four of 5,000, then one of 3) is stored with the success, not before.
    expect((await batchesOf()).length).toBe(stored.batches - 1);
    clock.advance(1234);
    const done = await snapshots.succeed(run, {
      stored,
      columns: COLUMNS,
      source: 'S',
      rowCount: rows.length,
      truncated: true,
      warnings: ['w'],
      finishedAt: clock.now(),
    });
    expect(done).toMatchObject({
      status: 'succeeded',
      durationMs: 1234,
      rowCount: rows.length,
      truncated: true,
      warnings: ['w'],
      storedBytes: stored.bytes,
    });
    // 3 columns → 5,000 rows per batch (server/pull/row-batcher.ts batchSize).
    const batches = await batchesOf();
    expect(batches.length).toBe(stored.batches);
    expect(batches.map((b) => b.row_count)).toEqual([5000, 5000, 5000, 5000, 3]);
    // The blob is gzip'd NDJSON: one JSON array per line.
    expect(gunzipSync(batches[0].data).toString('utf8').split('\n')[1]).toBe(JSON.stringify(tricky[1]));
    expect(await collectRows(snapshots.readRows(done))).toEqual(rows);
  });

  it('runs begun at the same moment (several instances): one takes its place in the history, the others are told a run is going (one-running-run.test.ts)', async () => {
    const { schedule, snapshots, clock } = await setup(backend);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, () => snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() })),
    );
    const begun = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(begun).toHaveLength(1);
    expect((await snapshots.list(schedule.id)).map((r) => r.id)).toEqual([begun[0]!.id]);
  });

  it("a schedule's first runs skip the look-up of a previous success and the trim (nothing to find or delete); past the limit the trim deletes", async () => {
    const { schedule, sql, clock } = await setup(backend);
    // The store over a counting door: which calls reach the database.
    const statements: string[] = [];
    const counted: Sql = {
      all: (q, p) => (statements.push(q), sql.all(q, p)),
      get: (q, p) => (statements.push(q), sql.get(q, p)),
      run: (q, p) => (statements.push(q), sql.run(q, p)),
      atomically: (list) => (statements.push('atomically'), sql.atomically(list)),
    };
    const snapshots = new SqlSnapshotStore(counted);
    const oneRun = async () => {
      const run = await snapshots.begin(schedule.id, { trigger: 'schedule', startedAt: clock.now() });
      const previous = await snapshots.latestSucceeded(schedule.id, run.id);
      const stored = await snapshots.writer(run.id, COLUMNS.length).finish();
      await snapshots.succeed(run, { stored, columns: COLUMNS, rowCount: 0, truncated: false, finishedAt: clock.now() });
      const before = statements.length;
      const trimmed = await snapshots.trim(schedule.id, 2, run.id);
      clock.advance(1000);
      return { run, previous, trimmed, trimQueried: statements.length > before };
    };
    const first = await oneRun();
    expect(first.previous).toBeUndefined();
    expect(statements.some((q) => /status = 'succeeded' ORDER BY seq DESC LIMIT 1/.test(q) && !/DELETE/.test(q))).toBe(false);
    expect(first).toMatchObject({ trimmed: 0, trimQueried: false });
    const second = await oneRun();
    expect(second.previous?.id).toBe(first.run.id);
    expect(second).toMatchObject({ trimmed: 0, trimQueried: false });
    const third = await oneRun();
    expect(third).toMatchObject({ trimmed: 1, trimQueried: true });
    expect((await snapshots.list(schedule.id)).map((r) => r.id)).toEqual([third.run.id, second.run.id]);
    // A run this store did not begin (another instance's): looked up and trimmed as before.
    const elsewhere = await new SqlSnapshotStore(sql).begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });
    expect((await snapshots.latestSucceeded(schedule.id, elsewhere.id))?.id).toBe(third.run.id);
  });

  it('runs begun together: one statement on PostgreSQL, and each caller its own record or its own refusal', async () => {
    const { schedule, schedules, session, newSchedule, sql, clock } = await setup(backend);
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await schedules.create(session, newSchedule({ name: `other ${i}` })));
    const { statements, counted } = countingStatements(sql);
    const snapshots = new SqlSnapshotStore(counted);
    const busy = await snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });
    statements.length = 0;
    const outcomes = await Promise.allSettled(
      [schedule, ...others].map((s, i) =>
        snapshots.begin(s.id, { trigger: 'schedule', startedAt: clock.now(), scheduledFor: clock.now(), jobId: `job-${i}`, attempt: 1 }),
      ),
    );
    // The schedule with a run going: refused alone; the four others begun.
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: expect.any(RunInProgressError) });
    const begun = outcomes.slice(1).map((o) => (o.status === 'fulfilled' ? o.value : undefined));
    for (const [i, run] of begun.entries()) {
      expect(run).toEqual(await snapshots.get(run!.id));
      expect(run).toMatchObject({ scheduleId: others[i]!.id, status: 'running' });
    }
    // PostgreSQL: the five in one statement, then the refused one alone (which tells why). SQLite: one each.
    expect(statements.filter((q) => q.includes('INSERT INTO schedule_runs'))).toHaveLength(sql.modifyingWith ? 2 : 5);
    expect((await snapshots.list(schedule.id)).map((r) => r.id)).toEqual([busy.id]);
  });

  it('runs begun together with one for a schedule gone meanwhile: that one fails, the others begin', async () => {
    const { schedule, snapshots, clock } = await setup(backend);
    const outcomes = await Promise.allSettled(
      [schedule.id, 'a-schedule-deleted-meanwhile'].map((id) => snapshots.begin(id, { trigger: 'schedule', startedAt: clock.now() })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect((await snapshots.list(schedule.id)).map((r) => r.status)).toEqual(['running']);
  });

  it('begin and succeed answer the record as it is read back, without reading it', async () => {
    const { schedule, snapshots, clock } = await setup(backend);
    const plain = await snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });
    expect(plain).toEqual(await snapshots.get(plain.id));
    const empty = await snapshots.writer(plain.id, COLUMNS.length).finish();
    const plainDone = await snapshots.succeed(plain, {
      stored: empty,
      columns: COLUMNS,
      rowCount: 0,
      truncated: false,
      finishedAt: clock.now(),
    });
    expect(plainDone).toEqual(await snapshots.get(plain.id));
    clock.advance(1000);
    const run = await snapshots.begin(schedule.id, {
      trigger: 'catch-up',
      startedAt: clock.now(),
      scheduledFor: new Date(clock.now().getTime() - 60_000),
      missed: 3,
      jobId: '5e0a0c1e-0000-4000-8000-000000000001',
      attempt: 2,
    });
    expect(run).toEqual(await snapshots.get(run.id));
    const writer = snapshots.writer(run.id, COLUMNS.length);
    await writer.add([['a', 1, true]]);
    const stored = await writer.finish();
    clock.advance(1500);
    const done = await snapshots.succeed(run, {
      stored,
      columns: COLUMNS,
      source: 'Superstore / Orders',
      rowCount: 1,
      truncated: true,
      warnings: ['w'],
      changes: { compared: true, keys: ['Region'], keyGuessed: true, added: 1, removed: 0, changed: 0, unchanged: 0, notes: [] },
      finishedAt: clock.now(),
    });
    expect(done).toEqual(await snapshots.get(run.id));
    expect(done).toMatchObject({ status: 'succeeded', durationMs: 1500, attempt: 2, missed: 3, truncated: true });
  });

  it('a success given the history limit trims with it (one statement with the final batch on PostgreSQL), as trim would after it', async () => {
    const { schedule, sql, clock } = await setup(backend);
    const { statements, counted } = countingStatements(sql);
    const snapshots = new SqlSnapshotStore(counted);
    const history = { scheduleId: schedule.id, keep: 2 };
    const oneRun = async (outcome: 'succeed' | 'fail') => {
      const run = await snapshots.begin(schedule.id, { trigger: 'schedule', startedAt: clock.now() });
      const writer = snapshots.writer(run.id, COLUMNS.length);
      await writer.add([['a', 1, true]]);
      const stored = await writer.finish();
      const before = statements.length;
      if (outcome === 'succeed')
        await snapshots.succeed(run, { stored, columns: COLUMNS, rowCount: 1, truncated: false, finishedAt: clock.now(), history });
      else {
        await snapshots.fail(run.id, { code: 'incomplete', message: 'The stream ended early.' }, clock.now());
        await snapshots.trim(schedule.id, 2, run.id);
      }
      clock.advance(1000);
      return { id: run.id, statements: statements.slice(before) };
    };
    const first = await oneRun('succeed');
    const second = await oneRun('fail');
    // Within the limit: the success's own statement(s), no DELETE.
    expect(first.statements.some((q) => /DELETE/.test(q))).toBe(false);
    expect((await snapshots.list(schedule.id)).map((r) => r.id)).toEqual([second.id, first.id]);
    const third = await oneRun('succeed');
    // The third run: the first (an older success) and nothing else goes, with the success.
    expect(third.statements).toHaveLength(sql.modifyingWith ? 1 : 3);
    expect((await snapshots.list(schedule.id)).map((r) => r.id)).toEqual([third.id, second.id]);
    const fourth = await oneRun('fail');
    const fifth = await oneRun('fail');
    // Failures trim too, but never the latest success.
    expect((await snapshots.list(schedule.id)).map((r) => r.id)).toEqual([fifth.id, fourth.id, third.id]);
    const sixth = await oneRun('succeed');
    expect((await snapshots.list(schedule.id)).map((r) => r.id)).toEqual([sixth.id, fifth.id]);
    const rowsOf = await sql.all<{ run_id: string }>('SELECT DISTINCT run_id FROM snapshot_batches');
    expect(rowsOf.map((r) => r.run_id)).toEqual([sixth.id]);
  });

  it('a snapshot deleted while it is read ends the read with a plain error', async () => {
    const { schedule, snapshots, clock, sql } = await setup(backend);
    const run = await snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });
    const writer = snapshots.writer(run.id, 1);
    await writer.add(Array.from({ length: 12_000 }, (_, i) => [i]));
    const stored = await writer.finish();
    const done = await snapshots.succeed(run, {
      stored,
      columns: [COLUMNS[1]],
      rowCount: 12_000,
      truncated: false,
      finishedAt: clock.now(),
    });
    const reader = snapshots.readRows(done);
    expect((await reader.next()).value).toHaveLength(5000);
    await sql.run('DELETE FROM schedule_runs WHERE id = ?', [run.id]);
    await expect(reader.next()).rejects.toBeInstanceOf(SnapshotGoneError);
  });

  it('deleting a schedule deletes its runs and their data', async () => {
    const { schedule, schedules, snapshots, clock, sql, session } = await setup(backend);
    const run = await snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });
    const writer = snapshots.writer(run.id, 1);
    await writer.add([[1], [2]]);
    await snapshots.succeed(run, {
      stored: await writer.finish(),
      columns: [COLUMNS[1]],
      rowCount: 2,
      truncated: false,
      finishedAt: clock.now(),
    });
    expect(await schedules.delete(session, schedule.id)).toBe(true);
    expect(await snapshots.get(run.id)).toBeUndefined();
    expect(await countBatches(sql)).toBe(0);
  });

  it('deleting the connection deletes its schedules', async () => {
    const { schedule, schedules, store, session, connection } = await setup(backend);
    await store.connections.delete(session, connection.id);
    expect(await schedules.find(schedule.id)).toBeUndefined();
  });

  it('another session cannot see, change or delete a schedule', async () => {
    const { schedule, schedules, store } = await setup(backend);
    const other = (await store.sessions.create()).session.id;
    expect(await schedules.get(other, schedule.id)).toBeUndefined();
    expect(await schedules.list(other)).toEqual([]);
    expect(await schedules.update(other, schedule.id, { name: 'x' })).toBeUndefined();
    expect(await schedules.delete(other, schedule.id)).toBe(false);
    expect((await schedules.find(schedule.id))?.name).toBe('Sales by region');
  });

  it('updates keep absent fields, clear null ones, and restart the timetable only when it changed', async () => {
    const { schedule, schedules, session, clock } = await setup(backend);
    const withHook = (await schedules.update(session, schedule.id, { webhookUrl: 'https://hooks.example.com/x' }))!;
    expect(withHook.webhookUrl).toBe('https://hooks.example.com/x');
    clock.advance(60_000);
    const renamed = (await schedules.update(session, schedule.id, { name: 'Renamed' }))!;
    expect(renamed).toMatchObject({ name: 'Renamed', webhookUrl: 'https://hooks.example.com/x', lastSlotAt: schedule.lastSlotAt });
    const retimed = (await schedules.update(session, schedule.id, {
      spec: { kind: 'daily', time: '06:00', timeZone: 'UTC' },
      webhookUrl: null,
    }))!;
    expect(retimed.webhookUrl).toBeUndefined();
    expect(retimed.lastSlotAt).toBe(clock.now().toISOString());
  });

  it('marks a handled time for many schedules at once, never moving one backwards', async () => {
    const { schedule, schedules, session, newSchedule } = await setup(backend);
    const others = await Promise.all(Array.from({ length: 3 }, (_, i) => schedules.create(session, newSchedule({ name: `Other ${i}` }))));
    const base = Date.parse(schedule.lastSlotAt);
    await schedules.markSlot(others[0].id, new Date(base + 120_000));
    await schedules.markSlots([schedule.id, ...others.map((o) => o.id)], new Date(base + 60_000));
    const after = await Promise.all([schedule, ...others].map(async (s) => Date.parse((await schedules.find(s.id))!.lastSlotAt)));
    expect(after).toEqual([base + 60_000, base + 120_000, base + 60_000, base + 60_000]);
    await schedules.markSlots([], new Date(base + 180_000)); // nothing to mark: no statement at all
  });

  it('finds many schedules at once, leaving out unknown ids', async () => {
    const { schedule, schedules, session, newSchedule } = await setup(backend);
    const other = await schedules.create(session, newSchedule({ name: 'Other' }));
    const found = await schedules.findMany([other.id, 'no-such-schedule', schedule.id]);
    expect(found.map((s) => s.name).sort()).toEqual(['Other', 'Sales by region']);
    expect(found.find((s) => s.id === other.id)).toEqual(await schedules.find(other.id));
    expect(await schedules.findMany([])).toEqual([]);
  });

  it('two updates at the same moment both land, and neither undoes a handled time the scheduler marked meanwhile', async () => {
    const { schedule, schedules, session } = await setup(backend);
    const [a, b] = await Promise.all([
      schedules.update(session, schedule.id, { name: 'Renamed' }),
      schedules.update(session, schedule.id, { historyLimit: 5 }),
      schedules.markSlot(schedule.id, new Date(Date.parse(schedule.lastSlotAt) + 60_000)),
    ]);
    expect(a && b).toBeTruthy();
    const after = await schedules.find(schedule.id);
    expect(after).toMatchObject({ name: 'Renamed', historyLimit: 5 });
    expect(Date.parse(after!.lastSlotAt)).toBe(Date.parse(schedule.lastSlotAt) + 60_000);
  });

  it('seals webhook URLs at rest: the database file never holds them, a swapped row does not open', async () => {
    const { schedules, session, sql, newSchedule } = await setup(backend);
    const hook = 'https://hooks.slack.example/services/T000/B000/very-secret-token';
    const a = await schedules.create(session, newSchedule({ webhookUrl: hook }));
    const b = await schedules.create(session, newSchedule({ name: 'Other', webhookUrl: 'https://hooks.example.com/other' }));
    const raw = (await sql.get<{ webhook_url: string }>('SELECT webhook_url FROM schedules WHERE id = ?', [a.id]))!.webhook_url;
    expect(raw).not.toContain('very-secret-token');
    expect(raw).toMatch(/^v2\./);
    expect((await schedules.find(a.id))?.webhookUrl).toBe(hook);
    expect((await schedules.update(session, a.id, { name: 'Renamed' }))?.webhookUrl).toBe(hook);
    // Copying b's sealed value onto a does not give a its URL: the schedule id is bound in.
    await sql.run('UPDATE schedules SET webhook_url = (SELECT webhook_url FROM schedules WHERE id = ?) WHERE id = ?', [b.id, a.id]);
    expect(await schedules.find(a.id)).toMatchObject({ webhookUnreadable: true });
    expect((await schedules.find(a.id))?.webhookUrl).toBeUndefined();
  });

  it('a webhook sealed under another key file is reported unreadable, never fails a listing, and is kept until replaced', async () => {
    const { schedules, session, sql, newSchedule, clock } = await setup(backend);
    const s = await schedules.create(session, newSchedule({ webhookUrl: 'https://hooks.example.com/secret' }));
    const otherKey = new SqlScheduleStore(sql, createSecretBox(randomBytes(32)), () => clock.now());
    expect((await otherKey.list(session)).find((x) => x.id === s.id)).toMatchObject({ webhookUnreadable: true });
    expect((await otherKey.all()).length).toBeGreaterThan(0);
    await otherKey.update(session, s.id, { name: 'Renamed' });
    expect((await schedules.find(s.id))?.webhookUrl).toBe('https://hooks.example.com/secret'); // the right key still opens it
    expect((await otherKey.update(session, s.id, { webhookUrl: 'https://hooks.example.com/new' }))?.webhookUrl).toBe(
      'https://hooks.example.com/new',
    );
  });

  it('reads a webhook URL stored in clear by an earlier version and seals it on the next update', async () => {
    const { schedules, session, sql, newSchedule } = await setup(backend);
    const s = await schedules.create(session, newSchedule());
    await sql.run('UPDATE schedules SET webhook_url = ? WHERE id = ?', ['https://hooks.example.com/legacy', s.id]);
    expect((await schedules.find(s.id))?.webhookUrl).toBe('https://hooks.example.com/legacy');
    await schedules.update(session, s.id, { name: 'Touched' });
    expect((await sql.get<{ webhook_url: string }>('SELECT webhook_url FROM schedules WHERE id = ?', [s.id]))?.webhook_url).toMatch(
      /^v2\./,
    );
    expect((await schedules.find(s.id))?.webhookUrl).toBe('https://hooks.example.com/legacy');
  });
});
