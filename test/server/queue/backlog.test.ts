/**
 * A backlog of due runs drains at the speed of the runs: a worker that took a job looks for the
 * next at once, instead of waiting its polling interval after every job as pg-boss v10's worker
 * loop otherwise does (server/schedule/queue-runner.ts DEFAULTS; docs/queue.md).
 */
import type { ScheduleRecord } from '../../../server/store/schedules.js';
import { blockingPull } from '../schedule/fixtures.js';
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
});
