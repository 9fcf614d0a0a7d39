/**
 * Scheduled pulls on the job queue (pg-boss) with several instances on one PostgreSQL: each due
 * time runs once, a run of an instance killed with -9 runs again once elsewhere, catch-up after
 * downtime runs once, and an instance starting never fails another instance's live run.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { dueKey, jobIdFor } from '../../../server/schedule/queue-runner.js';
import type { ScheduledPull } from '../../../server/schedule/runner.js';
import type { ScheduleRecord } from '../../../server/store/schedules.js';
import { blockingPull, COLUMNS, makeRows, rowsPull } from '../schedule/fixtures.js';
import { ManualSchedulerClock } from '../schedule/manual-clock.js';
import { adminUrl, FAST_QUEUE, SHORT_RUN, skipReason, teamDatabase, until } from './support.js';

const T0 = Date.parse('2026-03-02T08:10:00Z');

describe.skipIf(!adminUrl)(`the job queue, several instances on one PostgreSQL${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  it('gives each due time one job id, whatever instance computes it', () => {
    const at = new Date('2026-03-02T09:00:00Z');
    expect(jobIdFor(dueKey('s1', at))).toBe(jobIdFor(dueKey('s1', at)));
    expect(jobIdFor(dueKey('s1', at))).not.toBe(jobIdFor(dueKey('s2', at)));
    expect(jobIdFor(dueKey('s1', at))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('two instances with schedules due at the same minute: each runs exactly once', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const [a, b] = await Promise.all([db.instance(rowsPull(makeRows(3))), db.instance(rowsPull(makeRows(3)))]);
    await Promise.all([a.runner.start(), b.runner.start()]);
    const created: ScheduleRecord[] = [];
    for (let i = 0; i < 6; i++) created.push(await db.schedules.create(db.session, db.newSchedule({ name: `s${i}` })));
    // Each instance hears of every schedule (as through its own API or at its start).
    for (const s of created) await Promise.all([a.runner.upsert(s), b.runner.upsert(s)]);
    clock.advanceTo('2026-03-02T09:00:00Z');
    const succeeded = async () =>
      (await Promise.all(created.map((s) => db.snapshots.list(s.id)))).flat().filter((r) => r.status === 'succeeded');
    await until(async () => (await succeeded()).length >= created.length, 20_000, 'every schedule to run');
    // Time for a duplicate to show up, were there one.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const s of created) {
      const runs = await db.snapshots.list(s.id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'succeeded', trigger: 'schedule', scheduledFor: '2026-03-02T09:00:00.000Z', rowCount: 3 });
      expect(runs[0].attempt).toBeUndefined();
    }
    expect(a.pulls() + b.pulls()).toBe(created.length);
    // The next hour, again once each.
    clock.advanceTo('2026-03-02T10:00:00Z');
    await until(async () => (await succeeded()).length >= 2 * created.length, 20_000, 'the second hour');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(a.pulls() + b.pulls()).toBe(2 * created.length);
  });

  it('catch-up after downtime runs once, even with two instances starting together on a fresh queue', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const s = await db.schedules.create(db.session, db.newSchedule());
    // Down from 08:10 to 12:30: 09:00 .. 12:00 missed.
    clock.advanceTo('2026-03-02T12:30:00Z', { fire: false });
    const [a, b] = await Promise.all([db.instance(rowsPull(makeRows(2))), db.instance(rowsPull(makeRows(2)))]);
    await Promise.all([a.runner.start(), b.runner.start()]);
    await until(async () => (await db.snapshots.last(s.id))?.status === 'succeeded', 20_000, 'the catch-up run');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const runs = await db.snapshots.list(s.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'catch-up', scheduledFor: '2026-03-02T12:00:00.000Z', missed: 4 });
    expect(a.pulls() + b.pulls()).toBe(1);
    // A third instance starting later finds the slot handled.
    const c = await db.instance(rowsPull(makeRows(2)));
    await c.runner.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await db.snapshots.list(s.id)).toHaveLength(1);
  });

  it("an instance starting leaves another instance's live run alone", async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const s = await db.schedules.create(db.session, db.newSchedule());
    const blocking = blockingPull();
    const a = await db.instance(blocking.pull);
    await a.runner.start();
    const { run } = await a.runner.runNow(s.id);
    await until(() => blocking.calls() === 1, 10_000, 'the run to start');
    const b = await db.instance(rowsPull(makeRows(1)));
    await b.runner.start(); // its sweep sees a running run whose job is active
    expect((await db.snapshots.get(run.id))?.status).toBe('running');
    await expect(b.runner.runNow(s.id)).rejects.toMatchObject({ code: 'schedule-busy' });
    blocking.release();
    await until(async () => (await db.snapshots.get(run.id))?.status === 'succeeded', 10_000, 'the run to finish');
    expect(await db.snapshots.list(s.id)).toHaveLength(1);
  });

  it('two instances taking "Run now" of one schedule at the same moment: one run starts, the other is told it is busy', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const s = await db.schedules.create(db.session, db.newSchedule());
    // Each run waits at its own gate until the test opens it, so both Run-nows of a round meet a run still going.
    const gates: Array<() => void> = [];
    const gated: ScheduledPull = async function* () {
      yield { kind: 'meta', columns: COLUMNS };
      await new Promise<void>((resolve) => gates.push(resolve));
      yield { kind: 'rows', rows: makeRows(2) };
      yield { kind: 'end', rowCount: 2, truncated: false };
    };
    const a = await db.instance(gated);
    const b = await db.instance(gated);
    await Promise.all([a.runner.start(), b.runner.start()]);
    // Both read "not running" before either writes: only the store's one-running index tells them apart.
    for (let round = 0; round < 5; round++) {
      const outcomes = await Promise.allSettled([a.runner.runNow(s.id), b.runner.runNow(s.id)]);
      const started = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(started).toHaveLength(1);
      expect(refused.map((o) => (o as PromiseRejectedResult).reason)).toMatchObject([{ code: 'schedule-busy' }]);
      const { run } = (started[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof a.runner.runNow>>>).value;
      await until(() => gates.length === round + 1, 10_000, 'the run to start');
      gates[round]!();
      await until(async () => (await db.snapshots.get(run.id))?.status === 'succeeded', 10_000, 'the run to finish');
    }
    expect(await db.snapshots.list(s.id)).toHaveLength(5);
  });

  it('an instance that stops mid-run gives the job back: another instance runs it again, once', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const s = await db.schedules.create(db.session, db.newSchedule());
    const blocking = blockingPull();
    const a = await db.instance(blocking.pull);
    await a.runner.start();
    const { run } = await a.runner.runNow(s.id);
    await until(() => blocking.calls() === 1, 10_000, 'the run to start');
    const b = await db.instance(rowsPull(makeRows(4)));
    await b.runner.start();
    await a.runner.stop();
    await until(async () => (await db.snapshots.last(s.id))?.status === 'succeeded', 20_000, 'the retry');
    const [retry, cut] = await db.snapshots.list(s.id);
    expect(cut).toMatchObject({ id: run.id, status: 'failed', error: { code: 'run-interrupted' } });
    expect(retry).toMatchObject({ status: 'succeeded', trigger: 'manual', attempt: 2, rowCount: 4 });
    expect(b.pulls()).toBe(1);
  });

  it('an instance killed with -9 mid-run: its run is retried once on another instance, and the history says so', async () => {
    const clock = new ManualSchedulerClock(Date.now());
    const db = await teamDatabase(clock);
    const s = await db.schedules.create(db.session, db.newSchedule());
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/server/queue/lost-instance.child.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        DATA_DIR: db.dir,
        SCHEDULE_ID: s.id,
        QUEUE_JSON: JSON.stringify({ ...FAST_QUEUE, ...SHORT_RUN }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await until(() => /pulling \S+/.test(out), 30_000, 'the child instance to start its run');
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    const runId = /pulling (\S+)/.exec(out)![1];
    expect((await db.snapshots.get(runId))?.status).toBe('running');
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The survivor: its start leaves the run alone (the job is still active); pg-boss's
    // maintenance expires the job after 3 s and puts it back once; the survivor's worker takes it.
    const onFailure = vi.fn();
    const b = await db.instance(rowsPull(makeRows(5)), { onFailure, queue: SHORT_RUN });
    await b.runner.start();
    await until(async () => (await db.snapshots.last(s.id))?.status === 'succeeded', 30_000, 'the retried run');
    const [retry, cut] = await db.snapshots.list(s.id);
    expect(cut).toMatchObject({ id: runId, status: 'failed', error: { code: 'run-interrupted' } });
    expect(cut.error?.hint).toMatch(/runs it again once/);
    expect(retry).toMatchObject({ status: 'succeeded', trigger: 'manual', attempt: 2, rowCount: 5 });
    expect(await db.snapshots.unfinished()).toEqual([]);
    // Retried, not lost: nobody is told of a failure.
    expect(onFailure).not.toHaveBeenCalled();
  });

  it('a run whose job is gone (its retry used, or deleted) is failed by the sweep, and its owner told', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const s = await db.schedules.create(db.session, db.newSchedule({ webhookUrl: 'https://hooks.example.com/x' }));
    // Left "running" by an instance that died twice, a minute ago: its job is no longer in the queue.
    const lost = await db.snapshots.begin(s.id, {
      trigger: 'manual',
      startedAt: new Date(T0 - 60_000),
      jobId: crypto.randomUUID(),
      attempt: 2,
    });
    // A run that has only just been written ("run now" sends its job right after): left alone. (Of
    // another schedule: the store holds one running run per schedule.)
    const other = await db.schedules.create(db.session, db.newSchedule({ name: 'Another' }));
    const young = await db.snapshots.begin(other.id, { trigger: 'manual', startedAt: new Date(T0), jobId: crypto.randomUUID() });
    const onFailure = vi.fn();
    const a = await db.instance(rowsPull(makeRows(1)), { onFailure });
    await a.runner.start();
    expect(await db.snapshots.get(lost.id)).toMatchObject({ status: 'failed', attempt: 2, error: { code: 'run-interrupted' } });
    expect((await db.snapshots.get(lost.id))?.error?.message).toMatch(/retry is used up/);
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0][0]).toMatchObject({ id: s.id });
    expect((await db.snapshots.get(young.id))?.status).toBe('running');
  });

  it('a run is stopped before its job would expire, so the queue never runs a live run twice', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const s = await db.schedules.create(db.session, db.newSchedule());
    const endless = blockingPull(); // never released
    const onFailure = vi.fn();
    const a = await db.instance(endless.pull, { onFailure, queue: SHORT_RUN });
    // The owner is told once, whichever instance records the failure (a busy machine may let the
    // other instance's sweep see the run first).
    const b = await db.instance(endless.pull, { onFailure, queue: SHORT_RUN });
    await Promise.all([a.runner.start(), b.runner.start()]);
    const { run } = await a.runner.runNow(s.id);
    // runSeconds 3: stopped at 2 s, a second before pg-boss would take the job for lost.
    await until(async () => (await db.snapshots.get(run.id))?.status === 'failed', 10_000, 'the watchdog');
    expect((await db.snapshots.get(run.id))?.error).toMatchObject({
      code: 'run-interrupted',
      message: expect.stringMatching(/stopped after/),
    });
    // The webhook is called once the failure is recorded.
    await until(() => onFailure.mock.calls.length > 0, 15_000, 'the failure notification');
    expect(onFailure).toHaveBeenCalledTimes(1);
    // Past the expiry and a maintenance round: no second attempt.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await db.snapshots.list(s.id)).toHaveLength(1);
    expect(a.pulls() + b.pulls()).toBe(1);
  });
});
