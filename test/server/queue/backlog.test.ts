/**
 * A backlog of due runs drains at the speed of the runs: the end of a run makes room and the
 * instance looks for the next job at once, instead of waiting its polling interval; and an instance
 * never takes more jobs than it runs at once (`workers`), however many are due
 * (server/schedule/queue-runner.ts fetchLoop; docs/queue.md).
 */
import pg from 'pg';

import type { ScheduledPull } from '../../../server/schedule/runner.js';
import type { ScheduleRecord } from '../../../server/store/schedules.js';
import { blockingPull, COLUMNS, makeRows } from '../schedule/fixtures.js';
import { ManualSchedulerClock } from '../schedule/manual-clock.js';
import { adminUrl, skipReason, teamDatabase, until } from './support.js';

const T0 = Date.parse('2026-03-02T08:10:00Z');
const DUE = '2026-03-02T09:00:00.000Z';

describe.skipIf(!adminUrl)(`a backlog on the job queue${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  it('one worker polling every 30 s runs five runs due at once one after another, without waiting between them', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const blocking = blockingPull();
    const instance = await db.instance(blocking.pull, { queue: { workers: 1, pollingSeconds: 30 } });
    await instance.runner.start();
    const created: ScheduleRecord[] = [];
    for (let i = 0; i < 5; i++) created.push(await db.schedules.create(db.session, db.newSchedule({ name: `s${i}` })));
    for (const s of created) await instance.runner.upsert(s);
    clock.advanceTo(DUE);
    // All five enqueued (each slot is marked after its job is sent) while the first run is held.
    await until(
      async () => (await Promise.all(created.map((s) => db.schedules.find(s.id)))).every((s) => s?.lastSlotAt === DUE),
      20_000,
      'the five jobs to be sent',
    );
    await until(() => blocking.calls() === 1, 20_000, 'the first run to start');
    blocking.release();
    const succeeded = async () => (await Promise.all(created.map((s) => db.snapshots.last(s.id)))).filter((r) => r?.status === 'succeeded');
    // Well under one polling interval (30 s) for the four after the first; waiting between them would take minutes.
    await until(async () => (await succeeded()).length === 5, 15_000, 'the backlog to drain');
    expect(blocking.calls()).toBe(5);
  });

  it('an instance takes only as many jobs as it runs at once (workers: 3 of 7 due), the others stay queued for any instance', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const blocking = blockingPull();
    const instance = await db.instance(blocking.pull, { queue: { workers: 3 } });
    await instance.runner.start();
    const created: ScheduleRecord[] = [];
    for (let i = 0; i < 7; i++) created.push(await db.schedules.create(db.session, db.newSchedule({ name: `s${i}` })));
    for (const s of created) await instance.runner.upsert(s);
    clock.advanceTo(DUE);
    await until(() => blocking.calls() === 3, 20_000, 'three runs to start');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const states = async () =>
        (
          await client.query<{ state: string; n: number }>(
            `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = 'scheduled-pull' GROUP BY state ORDER BY state::text`,
          )
        ).rows;
      await until(async () => (await states()).reduce((sum, r) => sum + r.n, 0) === 7, 20_000, 'the seven jobs to be sent');
      // Polled several times meanwhile (every 0.5 s): still three taken, four waiting.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await states()).toEqual([
        { state: 'active', n: 3 },
        { state: 'created', n: 4 },
      ]);
      expect(blocking.calls()).toBe(3);
    } finally {
      await client.end();
    }
    blocking.release();
    const succeeded = async () => (await Promise.all(created.map((s) => db.snapshots.last(s.id)))).filter((r) => r?.status === 'succeeded');
    await until(async () => (await succeeded()).length === 7, 20_000, 'all seven to run');
  });

  it('with jobs queued and runs going, a run ending alone waits for a second (a quarter of the room) to fetch both at once; alone, at most gatherMs', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    // Each run held until its own release.
    const gates: Array<() => void> = [];
    const pull: ScheduledPull = async function* () {
      const gate = new Promise<void>((resolve) => gates.push(resolve));
      yield { kind: 'meta', columns: COLUMNS };
      await gate;
      yield { kind: 'rows', rows: makeRows(2) };
      yield { kind: 'end', rowCount: 2, truncated: false };
    };
    // 8 workers: a quarter is 2. The window is long here so that the test cannot race it.
    const gatherMs = 3_000;
    const instance = await db.instance(pull, { queue: { workers: 8, pollingSeconds: 30, gatherMs } });
    await instance.runner.start();
    const created: ScheduleRecord[] = [];
    for (let i = 0; i < 11; i++) created.push(await db.schedules.create(db.session, db.newSchedule({ name: `s${i}` })));
    for (const s of created) await instance.runner.upsert(s);
    clock.advanceTo(DUE);
    await until(() => gates.length === 8, 20_000, 'eight runs to start');
    const succeeded = async () => (await Promise.all(created.map((s) => db.snapshots.last(s.id)))).filter((r) => r?.status === 'succeeded');
    gates[0]();
    await until(async () => (await succeeded()).length === 1, 20_000, 'the first run to end');
    expect(gates.length).toBe(8); // one free place: gathering
    gates[1]();
    await until(() => gates.length === 10, 20_000, 'two more runs to start');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const fetched = (
        await client.query<{ at: Date }>(
          `SELECT started_on AS at FROM pgboss.job WHERE name = 'scheduled-pull' AND started_on IS NOT NULL ORDER BY started_on`,
        )
      ).rows.map((r) => r.at.getTime());
      expect(fetched.slice(8, 10)).toEqual([fetched[8], fetched[8]]); // the two in one fetch (one statement: one now())
    } finally {
      await client.end();
    }
    // One run ends and no other: the last job is fetched after the window, not at the next poll (30 s).
    const ended = performance.now();
    gates[2]();
    await until(() => gates.length === 11, 20_000, 'the last run to start');
    expect(performance.now() - ended).toBeLessThan(gatherMs + 10_000);
    for (const release of gates) release();
    await until(async () => (await succeeded()).length === 11, 20_000, 'all eleven to run');
  });
});
