/** The snapshot store: typed values survive storage exactly, in bounded gzip'd batches. */
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

import type { CellValue } from '../../../common/stream.js';
import { createSecretBox } from '../../../server/store/crypto.js';
import { SqliteScheduleStore } from '../../../server/store/schedules.js';
import { SnapshotGoneError } from '../../../server/store/snapshots.js';
import { collectRows, COLUMNS, scheduleDb } from './fixtures.js';
import { ManualSchedulerClock } from './manual-clock.js';

async function setup() {
  const clock = new ManualSchedulerClock(Date.parse('2026-03-02T08:00:00Z'));
  const db = await scheduleDb(clock);
  const schedule = await db.schedules.create(db.session, db.newSchedule());
  return { clock, schedule, ...db };
}

describe('SqliteSnapshotStore', () => {
  it('stores rows in batches of a few thousand and reads them back exactly, in order', async () => {
    const { schedule, snapshots, store, clock } = await setup();
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
    // 3 columns → 5,000 rows per batch (server/pull/row-batcher.ts batchSize).
    const batches = store.db
      .prepare('SELECT seq, row_count, data FROM snapshot_batches WHERE run_id = ? ORDER BY seq')
      .all(run.id) as Array<{ seq: number; row_count: number; data: Buffer }>;
    expect(batches.length).toBe(stored.batches);
    expect(batches.every((b) => b.row_count <= 5000)).toBe(true);
    // The blob is gzip'd NDJSON: one JSON array per line.
    expect(gunzipSync(batches[0].data).toString('utf8').split('\n')[1]).toBe(JSON.stringify(tricky[1]));
    clock.advance(1234);
    const done = await snapshots.succeed(run.id, {
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
    expect(await collectRows(snapshots.readRows(done))).toEqual(rows);
  });

  it('a snapshot deleted while it is read ends the read with a plain error', async () => {
    const { schedule, snapshots, clock, store } = await setup();
    const run = await snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });
    const writer = snapshots.writer(run.id, 1);
    await writer.add(Array.from({ length: 12_000 }, (_, i) => [i]));
    await writer.finish();
    const done = await snapshots.succeed(run.id, { columns: [COLUMNS[1]], rowCount: 12_000, truncated: false, finishedAt: clock.now() });
    const reader = snapshots.readRows(done);
    expect((await reader.next()).value).toHaveLength(5000);
    store.db.prepare('DELETE FROM schedule_runs WHERE id = ?').run(run.id);
    await expect(reader.next()).rejects.toBeInstanceOf(SnapshotGoneError);
  });

  it('deleting a schedule deletes its runs and their data', async () => {
    const { schedule, schedules, snapshots, clock, store, session } = await setup();
    const run = await snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });
    const writer = snapshots.writer(run.id, 1);
    await writer.add([[1], [2]]);
    await writer.finish();
    await snapshots.succeed(run.id, { columns: [COLUMNS[1]], rowCount: 2, truncated: false, finishedAt: clock.now() });
    expect(await schedules.delete(session, schedule.id)).toBe(true);
    expect(await snapshots.get(run.id)).toBeUndefined();
    expect(store.db.prepare('SELECT COUNT(*) FROM snapshot_batches').pluck().get()).toBe(0);
  });

  it('deleting the connection deletes its schedules', async () => {
    const { schedule, schedules, store, session, connection } = await setup();
    await store.connections.delete(session, connection.id);
    expect(await schedules.find(schedule.id)).toBeUndefined();
  });

  it('another session cannot see, change or delete a schedule', async () => {
    const { schedule, schedules, store } = await setup();
    const other = (await store.sessions.create()).session.id;
    expect(await schedules.get(other, schedule.id)).toBeUndefined();
    expect(await schedules.list(other)).toEqual([]);
    expect(await schedules.update(other, schedule.id, { name: 'x' })).toBeUndefined();
    expect(await schedules.delete(other, schedule.id)).toBe(false);
    expect((await schedules.find(schedule.id))?.name).toBe('Sales by region');
  });

  it('updates keep absent fields, clear null ones, and restart the timetable only when it changed', async () => {
    const { schedule, schedules, session, clock } = await setup();
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

  it('seals webhook URLs at rest: the database file never holds them, a swapped row does not open', async () => {
    const { schedules, session, store, newSchedule } = await setup();
    const hook = 'https://hooks.slack.example/services/T000/B000/very-secret-token';
    const a = await schedules.create(session, newSchedule({ webhookUrl: hook }));
    const b = await schedules.create(session, newSchedule({ name: 'Other', webhookUrl: 'https://hooks.example.com/other' }));
    const raw = store.db.prepare('SELECT webhook_url FROM schedules WHERE id = ?').pluck().get(a.id) as string;
    expect(raw).not.toContain('very-secret-token');
    expect(raw).toMatch(/^v1\./);
    expect((await schedules.find(a.id))?.webhookUrl).toBe(hook);
    expect((await schedules.update(session, a.id, { name: 'Renamed' }))?.webhookUrl).toBe(hook);
    // Copying b's sealed value onto a does not give a its URL: the schedule id is bound in.
    store.db.prepare('UPDATE schedules SET webhook_url = (SELECT webhook_url FROM schedules WHERE id = ?) WHERE id = ?').run(b.id, a.id);
    expect(await schedules.find(a.id)).toMatchObject({ webhookUnreadable: true });
    expect((await schedules.find(a.id))?.webhookUrl).toBeUndefined();
  });

  it('a webhook sealed under another key file is reported unreadable, never fails a listing, and is kept until replaced', async () => {
    const { schedules, session, store, newSchedule, clock } = await setup();
    const s = await schedules.create(session, newSchedule({ webhookUrl: 'https://hooks.example.com/secret' }));
    const otherKey = new SqliteScheduleStore(store.db, createSecretBox(randomBytes(32)), () => clock.now());
    expect((await otherKey.list(session)).find((x) => x.id === s.id)).toMatchObject({ webhookUnreadable: true });
    expect((await otherKey.all()).length).toBeGreaterThan(0);
    await otherKey.update(session, s.id, { name: 'Renamed' });
    expect((await schedules.find(s.id))?.webhookUrl).toBe('https://hooks.example.com/secret'); // the right key still opens it
    expect((await otherKey.update(session, s.id, { webhookUrl: 'https://hooks.example.com/new' }))?.webhookUrl).toBe(
      'https://hooks.example.com/new',
    );
  });

  it('reads a webhook URL stored in clear by an earlier version and seals it on the next update', async () => {
    const { schedules, session, store, newSchedule } = await setup();
    const s = await schedules.create(session, newSchedule());
    store.db.prepare('UPDATE schedules SET webhook_url = ? WHERE id = ?').run('https://hooks.example.com/legacy', s.id);
    expect((await schedules.find(s.id))?.webhookUrl).toBe('https://hooks.example.com/legacy');
    await schedules.update(session, s.id, { name: 'Touched' });
    expect(store.db.prepare('SELECT webhook_url FROM schedules WHERE id = ?').pluck().get(s.id)).toMatch(/^v1\./);
    expect((await schedules.find(s.id))?.webhookUrl).toBe('https://hooks.example.com/legacy');
  });
});
