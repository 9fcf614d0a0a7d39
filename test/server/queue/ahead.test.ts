/**
 * Due times put on the queue before they come (QueueSettings.aheadSeconds, docs/queue.md "Enqueued
 * ahead"): the job is there before its time, the slot is marked, no instance enqueues anything at
 * the time itself, and the run starts at its time, once. A schedule changed before its time makes
 * the job enqueued for it do nothing; its new time runs instead.
 */
import pg from 'pg';

import { dueKey, jobIdFor } from '../../../server/schedule/queue-runner.js';
import { hourly, makeRows, rowsPull } from '../schedule/fixtures.js';
import { ManualSchedulerClock } from '../schedule/manual-clock.js';
import { adminUrl, skipReason, teamDatabase, until } from './support.js';

const T0 = Date.parse('2026-03-02T08:10:00Z');
const NINE = '2026-03-02T09:00:00.000Z';
/** An hour ahead: a schedule due at 09:00 is enqueued when it is armed at 08:10. */
const AHEAD = { aheadSeconds: 3600 };

async function jobOf(url: string, key: string): Promise<{ state: string; start_after: Date } | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string; start_after: Date }>(
      `SELECT state::text, start_after FROM pgboss.job WHERE id = $1`,
      [jobIdFor(key)],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

describe.skipIf(!adminUrl)(`due times enqueued ahead${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  it('are on the queue before their time, run once at it, and nothing is enqueued at the time itself', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const [a, b] = await Promise.all([
      db.instance(rowsPull(makeRows(2)), { queue: AHEAD }),
      db.instance(rowsPull(makeRows(2)), { queue: AHEAD }),
    ]);
    await Promise.all([a.runner.start(), b.runner.start()]);
    const s = await db.schedules.create(db.session, db.newSchedule());
    await a.runner.upsert(s);
    await b.runner.upsert(s);
    // Enqueued by the first instance to see it, to start at 09:00; the slot is marked.
    const job = await jobOf(db.url, dueKey(s.id, new Date(NINE)));
    expect(job?.start_after.toISOString()).toBe(NINE);
    expect((await db.schedules.find(s.id))?.lastSlotAt).toBe(NINE);
    // The database's clock (real time) is far past 09:00 March 2 here: a worker fetches the job at
    // once and waits for 09:00 by the instance's clock. Nothing runs before.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(a.pulls() + b.pulls()).toBe(0);
    expect(await db.snapshots.list(s.id)).toHaveLength(0);

    clock.advanceTo(NINE);
    await until(async () => (await db.snapshots.last(s.id))?.status === 'succeeded', 20_000, 'the run at 09:00');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const runs = await db.snapshots.list(s.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', scheduledFor: NINE, startedAt: NINE, rowCount: 2 });
    expect(a.pulls() + b.pulls()).toBe(1);
    expect((await jobOf(db.url, dueKey(s.id, new Date(NINE))))?.state).toBe('completed');
    // Nothing was enqueued when 09:00 came (the due-time path logs each time it enqueues).
    expect(a.logText() + b.logText()).not.toMatch(/"due time enqueued"/);
    // 10:00 was enqueued ahead in turn when 09:00 was handled: its timer on both instances is for 11:00.
    await until(async () => (await db.schedules.find(s.id))?.lastSlotAt === '2026-03-02T10:00:00.000Z', 10_000, '10:00 enqueued ahead');
  });

  it('a schedule changed before its time: the job enqueued for the old time does nothing, the new time runs once', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const a = await db.instance(rowsPull(makeRows(1)), { queue: AHEAD });
    await a.runner.start();
    const s = await db.schedules.create(db.session, db.newSchedule());
    await a.runner.upsert(s);
    expect((await jobOf(db.url, dueKey(s.id, new Date(NINE))))?.state).toBeDefined();
    // Changed to half past (as through the API: the store, then the runner): 08:30 is enqueued ahead.
    clock.advanceTo('2026-03-02T08:20:00Z');
    const changed = (await db.schedules.update(db.session, s.id, { spec: hourly(30) }))!;
    await a.runner.upsert(changed);
    expect((await jobOf(db.url, dueKey(s.id, new Date('2026-03-02T08:30:00Z'))))?.state).toBeDefined();

    clock.advanceTo('2026-03-02T08:30:00Z');
    await until(async () => (await db.snapshots.last(s.id))?.status === 'succeeded', 20_000, 'the run at 08:30');
    clock.advanceTo(NINE);
    await until(async () => (await jobOf(db.url, dueKey(s.id, new Date(NINE))))?.state === 'completed', 20_000, 'the 09:00 job to end');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const runs = await db.snapshots.list(s.id);
    expect(runs.map((r) => r.scheduledFor)).toEqual(['2026-03-02T08:30:00.000Z']);
    expect(a.pulls()).toBe(1);
    expect(a.logText()).toMatch(/enqueued time skipped: the schedule was changed/);
  });

  it('a schedule deleted before its time: its job does nothing', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const a = await db.instance(rowsPull(makeRows(1)), { queue: AHEAD });
    await a.runner.start();
    const s = await db.schedules.create(db.session, db.newSchedule());
    await a.runner.upsert(s);
    await db.schedules.delete(db.session, s.id);
    a.runner.remove(s.id);
    clock.advanceTo(NINE);
    await until(async () => (await jobOf(db.url, dueKey(s.id, new Date(NINE))))?.state === 'completed', 20_000, 'the 09:00 job to end');
    expect(a.pulls()).toBe(0);
  });
});
