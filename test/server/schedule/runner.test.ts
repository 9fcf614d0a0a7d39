/**
 * The in-process runner against the real SQLite stores, with a hand-moved clock and fake pulls:
 * timing, catch-up after downtime, restarts, single flight, history, failures and shutdown.
 */
import { InProcessScheduleRunner, type ScheduledPull } from '../../../server/schedule/runner.js';
import type { FailureNotifier } from '../../../server/schedule/webhook.js';
import { TableauError } from '../../../server/tableau/errors.js';
import { blockingPull, collectRows, failingPull, hourly, makeRows, rowsPull, scheduleDb, settle } from './fixtures.js';
import { ManualSchedulerClock } from './manual-clock.js';

const T0 = Date.parse('2026-03-02T08:10:00Z');

async function setup(pull: ScheduledPull = rowsPull(makeRows(3)), onFailure?: FailureNotifier) {
  const clock = new ManualSchedulerClock(T0);
  const db = await scheduleDb(clock);
  const runner = new InProcessScheduleRunner({
    schedules: db.schedules,
    snapshots: db.snapshots,
    pull,
    logger: db.logger,
    clock,
    onFailure,
  });
  return { clock, runner, ...db };
}

describe('InProcessScheduleRunner', () => {
  it('runs a schedule at its time and stores the rows as a snapshot', async () => {
    const rows = makeRows(2500);
    const { clock, runner, schedules, snapshots, session, newSchedule } = await setup(rowsPull(rows, 700));
    await runner.start();
    const s = await schedules.create(session, newSchedule());
    await runner.upsert(s);
    expect((await runner.nextRunAt(s.id))?.toISOString()).toBe('2026-03-02T09:00:00.000Z');
    clock.advanceTo('2026-03-02T08:59:59Z');
    expect(await snapshots.list(s.id)).toHaveLength(0);
    clock.advanceTo('2026-03-02T09:00:00Z');
    await settle();
    expect(runner.isRunning(s.id)).toBe(true);
    await runner.idle();
    const [run] = await snapshots.list(s.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'schedule',
      scheduledFor: '2026-03-02T09:00:00.000Z',
      rowCount: 2500,
      truncated: false,
      source: 'Superstore / Sales',
    });
    expect(run.columns?.map((c) => c.name)).toEqual(['Region', 'Sales', 'Order Date']);
    expect(await collectRows(snapshots.readRows(run))).toEqual(rows);
    expect((await runner.nextRunAt(s.id))?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    await runner.stop();
  });

  it('keeps schedules across a restart and runs them from the database', async () => {
    const first = await setup();
    await first.runner.start();
    const s = await first.schedules.create(
      first.session,
      first.newSchedule({ spec: { kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' } }),
    );
    await first.runner.upsert(s);
    await first.runner.stop();
    await first.store.close();

    // A new process: new database handle, new stores, new runner.
    const clock = new ManualSchedulerClock(T0);
    const again = await scheduleDb(clock, first.dir);
    const runner = new InProcessScheduleRunner({
      schedules: again.schedules,
      snapshots: again.snapshots,
      pull: rowsPull(makeRows(1)),
      logger: again.logger,
      clock,
    });
    await runner.start();
    expect((await again.schedules.get(first.session, s.id))?.spec).toEqual({ kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' });
    // 07:30 Berlin = 06:30Z in winter.
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-03T06:30:00.000Z']);
    clock.advanceTo('2026-03-03T06:30:00Z');
    await runner.idle();
    expect((await again.snapshots.list(s.id)).map((r) => [r.status, r.trigger])).toEqual([['succeeded', 'schedule']]);
    await runner.stop();
  });

  it('after downtime runs a missed schedule once, and says how many times it missed', async () => {
    const first = await setup();
    await first.runner.start();
    const s = await first.schedules.create(first.session, first.newSchedule({ spec: hourly(0) }));
    await first.runner.upsert(s);
    first.clock.advanceTo('2026-03-02T09:00:00Z');
    await first.runner.idle();
    await first.runner.stop();

    // Down from 09:00 to 14:20: 10:00 … 14:00 were missed (5 times).
    first.clock.advanceTo('2026-03-02T14:20:00Z');
    const pulls: string[] = [];
    const runner = new InProcessScheduleRunner({
      schedules: first.schedules,
      snapshots: first.snapshots,
      pull: (sched) => (pulls.push(sched.id), rowsPull(makeRows(1))(sched)),
      logger: first.logger,
      clock: first.clock,
    });
    await runner.start();
    await runner.idle();
    expect(pulls).toHaveLength(1);
    const [catchUp] = await first.snapshots.list(s.id);
    expect(catchUp).toMatchObject({ trigger: 'catch-up', missed: 5, scheduledFor: '2026-03-02T14:00:00.000Z', status: 'succeeded' });
    // Starting again later in the same hour must not repeat it (the handled time is stored).
    await runner.stop();
    await runner.start();
    await runner.idle();
    expect(pulls).toHaveLength(1);
    // And the timetable goes on as usual.
    first.clock.advanceTo('2026-03-02T15:00:00Z');
    await runner.idle();
    expect(pulls).toHaveLength(2);
    expect(await first.snapshots.last(s.id)).toMatchObject({ trigger: 'schedule', scheduledFor: '2026-03-02T15:00:00.000Z' });
    await runner.stop();
  });

  it('never runs a schedule twice at once: run-now is refused and a due time is skipped while it runs', async () => {
    const blocking = blockingPull();
    const { clock, runner, schedules, snapshots, session, newSchedule, logText } = await setup(blocking.pull);
    await runner.start();
    const s = await schedules.create(session, newSchedule({ spec: hourly(0) }));
    await runner.upsert(s);
    const first = await runner.runNow(s.id);
    expect(first.run.status).toBe('running');
    await expect(runner.runNow(s.id)).rejects.toThrow(expect.objectContaining({ code: 'schedule-busy', status: 409 }));
    clock.advanceTo('2026-03-02T09:00:00Z'); // its time comes while the manual run is going on
    await settle();
    expect(blocking.calls()).toBe(1);
    expect(logText()).toContain('scheduled time skipped');
    blocking.release();
    expect(await first.done).toMatchObject({ status: 'succeeded', trigger: 'manual', rowCount: 2 });
    expect(await snapshots.list(s.id)).toHaveLength(1);
    // The skipped time counts as handled: a restart does not "catch it up".
    await runner.stop();
    await runner.start();
    await runner.idle();
    expect(blocking.calls()).toBe(1);
    // Once the run is over, run-now works again.
    await (
      await runner.runNow(s.id)
    ).done;
    expect(blocking.calls()).toBe(2);
    await runner.stop();
  });

  it('an on-tableau-refresh schedule never runs by the clock; a Tableau event and run-now run it', async () => {
    const blocking = blockingPull();
    const { clock, runner, schedules, snapshots, session, newSchedule, logText } = await setup(blocking.pull);
    await runner.start();
    const s = await schedules.create(session, newSchedule({ spec: { kind: 'on-tableau-refresh' } }));
    await runner.upsert(s);
    expect(await runner.nextRunAt(s.id)).toBeNull();
    // Days pass, a restart catches nothing up: there are no times to miss.
    clock.advanceTo('2026-03-05T09:00:00Z');
    await runner.stop();
    await runner.start();
    await runner.idle();
    expect(blocking.calls()).toBe(0);

    expect(await runner.runForTableauEvent(s.id, 'site|WorkbookRefreshSucceeded|wb|2026-03-05T09:00:00Z')).toBe(true);
    // A second event while that run goes on is skipped, as a due time is.
    expect(await runner.runForTableauEvent(s.id, 'site|WorkbookRefreshSucceeded|wb|2026-03-05T09:00:05Z')).toBe(false);
    expect(logText()).toContain('Tableau refresh event skipped');
    blocking.release();
    await runner.idle();
    const runs = await snapshots.list(s.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'tableau-event', status: 'succeeded', rowCount: 2 });
    expect(runs[0].scheduledFor).toBeUndefined();

    expect((await (await runner.runNow(s.id)).done)?.trigger).toBe('manual');
    expect(await runner.runForTableauEvent('no-such-schedule', 'k')).toBe(false);
    await runner.stop();
    await expect(runner.runForTableauEvent(s.id, 'k')).rejects.toMatchObject({ code: 'scheduler-stopped' });
  });

  it('two run-nows at the same moment: one runs, the other is told the schedule is busy', async () => {
    const blocking = blockingPull();
    const { runner, schedules, snapshots, session, newSchedule } = await setup(blocking.pull);
    await runner.start();
    const s = await schedules.create(session, newSchedule());
    const results = await Promise.allSettled([runner.runNow(s.id), runner.runNow(s.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason).toMatchObject({ code: 'schedule-busy' });
    blocking.release();
    await runner.idle();
    expect(await snapshots.list(s.id)).toHaveLength(1);
    await runner.stop();
  });

  it('checks of one schedule that come together (a timer, a change) run a due time once and arm one timer', async () => {
    const pulls: string[] = [];
    const { clock, runner, schedules, snapshots, session, newSchedule } = await setup(
      (sched) => (pulls.push(sched.id), rowsPull(makeRows(1))(sched)),
    );
    await runner.start();
    const s = await schedules.create(session, newSchedule({ spec: hourly(0) }));
    clock.advanceTo('2026-03-02T09:00:30Z', { fire: false });
    await Promise.all([runner.upsert(s), runner.upsert(s), runner.upsert(s)]);
    await runner.idle();
    expect(pulls).toEqual([s.id]);
    expect(await snapshots.list(s.id)).toMatchObject([{ trigger: 'schedule', scheduledFor: '2026-03-02T09:00:00.000Z' }]);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-02T10:00:00.000Z']);
    await runner.stop();
  });

  it('keeps the newest runs up to the history limit and deletes older runs with their data', async () => {
    let n = 0;
    const pull: ScheduledPull = (s) => rowsPull(makeRows(10, `run${++n}-`))(s);
    const { runner, schedules, snapshots, session, newSchedule, store } = await setup(pull);
    await runner.start();
    const s = await schedules.create(session, newSchedule({ historyLimit: 3 }));
    for (let i = 0; i < 5; i++) await (await runner.runNow(s.id)).done;
    const runs = await snapshots.list(s.id);
    expect(runs).toHaveLength(3);
    expect(await collectRows(snapshots.readRows(runs[0]))).toEqual(makeRows(10, 'run5-'));
    const batchRuns = store.db.prepare('SELECT DISTINCT run_id FROM snapshot_batches').pluck().all();
    expect(new Set(batchRuns)).toEqual(new Set(runs.map((r) => r.id)));
    await runner.stop();
  });

  it('keeps the latest good snapshot even when more failures than the history limit follow it', async () => {
    let fail = false;
    const pull: ScheduledPull = (s) =>
      fail
        ? failingPull(() => new TableauError({ code: 'server-unavailable', message: 'Tableau Server is not available right now.' }))(s)
        : rowsPull(makeRows(4))(s);
    const { runner, schedules, snapshots, session, newSchedule } = await setup(pull);
    await runner.start();
    const s = await schedules.create(session, newSchedule({ historyLimit: 2 }));
    await (
      await runner.runNow(s.id)
    ).done;
    fail = true;
    for (let i = 0; i < 3; i++) await (await runner.runNow(s.id)).done;
    expect((await snapshots.list(s.id)).map((r) => r.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect((await snapshots.latestSucceeded(s.id))?.rowCount).toBe(4);
    await runner.stop();
  });

  it('records a failure in plain words and notifies once', async () => {
    const notified: Array<{ id: string; message: string }> = [];
    const pull = failingPull(
      () => new TableauError({ code: 'bad-credentials', message: 'Tableau did not accept the sign-in.', tableauCode: '401001' }),
    );
    const { runner, schedules, snapshots, session, newSchedule } = await setup(pull, async (sched, error) => {
      notified.push({ id: sched.id, message: error.message });
    });
    await runner.start();
    const s = await schedules.create(session, newSchedule({ webhookUrl: 'http://127.0.0.1:9/hook' }));
    const run = await (await runner.runNow(s.id)).done;
    expect(run).toMatchObject({
      status: 'failed',
      error: { code: 'bad-credentials', message: 'Tableau did not accept the sign-in.', tableauCode: '401001' },
    });
    expect(await snapshots.latestSucceeded(s.id)).toBeUndefined();
    expect(notified).toEqual([{ id: s.id, message: 'Tableau did not accept the sign-in.' }]);
    await runner.stop();
  });

  it('stores an error message sent by the stream itself, and drops the rows that came before it', async () => {
    const pull: ScheduledPull = async function* () {
      yield { kind: 'meta', columns: [{ name: 'A', type: 'text', format: '@' }] };
      yield { kind: 'rows', rows: makeRows(1500).map((r) => [r[0]]) };
      yield { kind: 'error', error: { code: 'vds-response-too-large', message: 'The answer is too large.' } };
    };
    const { runner, schedules, session, newSchedule, store } = await setup(pull);
    await runner.start();
    const s = await schedules.create(session, newSchedule());
    expect(await (await runner.runNow(s.id)).done).toMatchObject({ status: 'failed', error: { code: 'vds-response-too-large' } });
    expect(store.db.prepare('SELECT COUNT(*) FROM snapshot_batches').pluck().get()).toBe(0);
    await runner.stop();
  });

  it('an unexpected exception becomes a generic message, never its text', async () => {
    const pull = failingPull(() => new Error('connect ECONNREFUSED https://user:hunter2@internal'));
    const { runner, schedules, session, newSchedule } = await setup(pull);
    await runner.start();
    const s = await schedules.create(session, newSchedule());
    const run = await (await runner.runNow(s.id)).done;
    expect(run?.status).toBe('failed');
    expect(run?.error?.code).toBe('internal');
    expect(JSON.stringify(run)).not.toContain('hunter2');
    await runner.stop();
  });

  it('a notifier that throws is logged and does not break the runner', async () => {
    const pull = failingPull(() => new TableauError({ code: 'timeout', message: 'Tableau did not answer in time.' }));
    const { runner, schedules, session, newSchedule, logText } = await setup(pull, async () => {
      throw new Error('receiver exploded');
    });
    await runner.start();
    const s = await schedules.create(session, newSchedule());
    expect(await (await runner.runNow(s.id)).done).toMatchObject({ status: 'failed' });
    expect(logText()).toContain('failure notification failed');
    expect((await (await runner.runNow(s.id)).done)?.status).toBe('failed');
    await runner.stop();
  });

  it('stop interrupts a running run and records it; a crash leftover is recorded at the next start', async () => {
    const blocking = blockingPull();
    const { clock, runner, schedules, snapshots, session, newSchedule, logger } = await setup(blocking.pull);
    await runner.start();
    const s = await schedules.create(session, newSchedule());
    const { done } = await runner.runNow(s.id);
    await runner.stop();
    expect(await done).toMatchObject({ status: 'failed', error: { code: 'run-interrupted' } });
    // The pull was told too: one still waiting for an export slot stops waiting (tableau/views.ts streamWithSlot).
    expect(blocking.signal()?.aborted).toBe(true);
    await expect(runner.runNow(s.id)).rejects.toThrow(expect.objectContaining({ code: 'scheduler-stopped' }));

    // A process that died mid-run leaves a "running" row behind.
    const orphan = await snapshots.begin(s.id, { trigger: 'manual', startedAt: clock.now() });
    const next = new InProcessScheduleRunner({ schedules, snapshots, pull: rowsPull([]), logger, clock });
    await next.start();
    expect(await snapshots.get(orphan.id)).toMatchObject({ status: 'failed', error: { code: 'run-interrupted' } });
    await next.stop();
  });

  it('deleting a schedule cancels its timer; a changed timetable re-arms it', async () => {
    const { clock, runner, schedules, session, newSchedule } = await setup();
    await runner.start();
    const a = await schedules.create(session, newSchedule({ spec: hourly(30) }));
    await runner.upsert(a);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-02T08:30:00.000Z']);
    const changed = (await schedules.update(session, a.id, { spec: { kind: 'daily', time: '18:00', timeZone: 'UTC' } }))!;
    await runner.upsert(changed);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-02T18:00:00.000Z']);
    runner.remove(a.id);
    await schedules.delete(session, a.id);
    expect(clock.armed()).toEqual([]);
    await runner.stop();
  });

  it('hourly in a DST zone runs every real hour, both repeated hours of the fall-back night included', async () => {
    const clock = new ManualSchedulerClock(Date.parse('2025-10-25T22:00:00Z')); // 00:00 Berlin, 26 Oct (25-hour day)
    const db = await scheduleDb(clock);
    const runner = new InProcessScheduleRunner({
      schedules: db.schedules,
      snapshots: db.snapshots,
      pull: rowsPull(makeRows(1)),
      logger: db.logger,
      clock,
    });
    await runner.start();
    const s = await db.schedules.create(db.session, db.newSchedule({ spec: hourly(15, 'Europe/Berlin'), historyLimit: 100 }));
    await runner.upsert(s);
    // From timer to timer: the check runs after the timer fired (the store is async), still at its time.
    for (let hour = 0; hour < 25; hour++) {
      clock.advanceTo(clock.armed()[0]);
      await runner.idle();
    }
    const runs = (await db.snapshots.list(s.id)).reverse();
    expect(runs).toHaveLength(25);
    expect(runs.every((r) => r.trigger === 'schedule' && r.status === 'succeeded')).toBe(true);
    // 02:15 CEST (00:15Z) and 02:15 CET (01:15Z) both ran.
    expect(runs.map((r) => r.scheduledFor)).toEqual(expect.arrayContaining(['2025-10-26T00:15:00.000Z', '2025-10-26T01:15:00.000Z']));
    await runner.stop();
  });

  it('a timer that fires late (the machine slept) runs once as a catch-up', async () => {
    const pulls: number[] = [];
    const clock = new ManualSchedulerClock(T0);
    const db = await scheduleDb(clock);
    const pull: ScheduledPull = (s) => (pulls.push(clock.now().getTime()), rowsPull(makeRows(1))(s));
    const runner = new InProcessScheduleRunner({ schedules: db.schedules, snapshots: db.snapshots, pull, logger: db.logger, clock });
    await runner.start();
    const s = await db.schedules.create(db.session, db.newSchedule({ spec: hourly(0) }));
    await runner.upsert(s);
    // Asleep from 08:10 to 11:30: the 09:00 timer only fires at wake-up.
    clock.advanceTo('2026-03-02T11:30:00Z', { fire: false });
    clock.advanceTo('2026-03-02T11:30:00Z');
    await runner.idle();
    expect(pulls).toEqual([Date.parse('2026-03-02T11:30:00Z')]);
    expect(await db.snapshots.last(s.id)).toMatchObject({ trigger: 'catch-up', missed: 3, scheduledFor: '2026-03-02T11:00:00.000Z' });
    expect((await runner.nextRunAt(s.id))?.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    await runner.stop();
  });

  it('a store error while checking a schedule is logged and checked again later, never thrown from the timer', async () => {
    const { clock, schedules, snapshots, session, newSchedule, logger, logText } = await setup();
    let failNext = true;
    const flaky = Object.create(schedules) as typeof schedules;
    flaky.markSlot = async (id, at) => {
      if (failNext) {
        failNext = false;
        throw new Error('SQLITE_BUSY: database is locked');
      }
      await schedules.markSlot(id, at);
    };
    const runner = new InProcessScheduleRunner({ schedules: flaky, snapshots, pull: rowsPull(makeRows(1)), logger, clock });
    await runner.start();
    const s = await schedules.create(session, newSchedule({ spec: hourly(0) }));
    await runner.upsert(s);
    expect(() => clock.advanceTo('2026-03-02T09:00:00Z')).not.toThrow();
    await runner.idle();
    expect(logText()).toContain('trying again in 5 minutes');
    expect(await snapshots.list(s.id)).toHaveLength(0);
    clock.advanceTo('2026-03-02T09:05:00Z');
    await runner.idle();
    expect(await snapshots.list(s.id)).toMatchObject([{ status: 'succeeded', scheduledFor: '2026-03-02T09:00:00.000Z' }]);
    expect((await runner.nextRunAt(s.id))?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    await runner.stop();
  });
});
