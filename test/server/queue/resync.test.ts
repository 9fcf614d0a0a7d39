/**
 * A schedule created through one instance has its timer on every instance within a maintenance
 * interval (QueueScheduleRunner's resync, ScheduleTimers.sync): when the instance that took the
 * request is gone, another one still runs its time, once. Found by the cluster test
 * (test/server/cluster/): before, only the creating instance armed the schedule.
 */
import { makeRows, rowsPull } from '../schedule/fixtures.js';
import { ManualSchedulerClock } from '../schedule/manual-clock.js';
import { adminUrl, skipReason, teamDatabase, until } from './support.js';

const T0 = Date.parse('2026-03-02T08:10:00Z');
const NINE = '2026-03-02T09:00:00.000Z';

describe.skipIf(!adminUrl)(`timers of schedules made through another instance${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  it('are armed on the others, run once after the creating instance is gone, and disarmed when deleted elsewhere', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const [a, b] = await Promise.all([db.instance(rowsPull(makeRows(2))), db.instance(rowsPull(makeRows(2)))]);
    await Promise.all([a.runner.start(), b.runner.start()]);
    // Created through A's API: only A hears of it (upsert), and A then stops.
    const s = await db.schedules.create(db.session, db.newSchedule());
    await a.runner.upsert(s);
    await a.runner.stop();
    await until(() => clock.armed().some((at) => at.toISOString() === NINE), 10_000, 'B to arm the schedule');

    clock.advanceTo(NINE);
    await until(async () => (await db.snapshots.last(s.id))?.status === 'succeeded', 20_000, 'the run at 09:00');
    const runs = await db.snapshots.list(s.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', scheduledFor: NINE, rowCount: 2 });
    expect([a.pulls(), b.pulls()]).toEqual([0, 1]);

    // Deleted through another instance: B's timer for 10:00 goes.
    await until(() => clock.armed().length === 1, 10_000, 'the timer for 10:00');
    await db.schedules.delete(db.session, s.id);
    await until(() => clock.armed().length === 0, 10_000, 'B to disarm the deleted schedule');
  });
});
