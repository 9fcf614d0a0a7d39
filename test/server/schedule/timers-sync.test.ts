/**
 * ScheduleTimers.sync (the queue runner's resync every maintenance interval): a schedule armed for
 * the next time of its spec is left alone (its times are not computed again), one whose spec was
 * changed elsewhere, or whose timer is a retry after a failed check, is checked again.
 */
import { describe, expect, it, vi } from 'vitest';

import type { Logger } from '../../../server/log.js';
import { type AheadOptions, ScheduleTimers } from '../../../server/schedule/timers.js';
import type { ScheduleRecord, ScheduleStore } from '../../../server/store/schedules.js';
import { ManualSchedulerClock } from './manual-clock.js';

const T0 = Date.parse('2026-03-02T08:10:00Z');
const silent = { child: () => silent, debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

function schedule(time: string): ScheduleRecord {
  return {
    id: 's1',
    userId: 'u1',
    connectionId: 'c1',
    definitionId: 'd1',
    name: 'Daily',
    source: { kind: 'view', viewId: 'v1', name: 'View' },
    spec: { kind: 'daily', time, timeZone: 'UTC' },
    historyLimit: 10,
    lastSlotAt: new Date(T0).toISOString(),
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
  } as ScheduleRecord;
}

/** A store holding one schedule; `failNext` makes the next find fail (a busy database). */
function store(initial: ScheduleRecord) {
  const state = { current: initial, finds: 0, failNext: false };
  const schedules = {
    find: async () => {
      state.finds++;
      if (state.failNext) {
        state.failNext = false;
        throw new Error('database busy');
      }
      return state.current;
    },
    markSlot: async () => undefined,
  } as unknown as ScheduleStore;
  return { state, schedules };
}

function timers(clock: ManualSchedulerClock, schedules: ScheduleStore) {
  return new ScheduleTimers({ schedules, clock, logger: silent, started: () => true, onDue: async () => undefined });
}

describe('ScheduleTimers.sync', () => {
  it('leaves a schedule armed for its next time alone, however often it runs', async () => {
    const clock = new ManualSchedulerClock(T0);
    const { state, schedules } = store(schedule('09:00'));
    const t = timers(clock, schedules);
    await t.check('s1');
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-02T09:00:00.000Z']);
    const finds = state.finds;
    for (let i = 0; i < 3; i++) t.sync([state.current]);
    await t.idle(() => []);
    expect(state.finds).toBe(finds);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-02T09:00:00.000Z']);
  });

  it('checks again a schedule whose spec was changed through another instance', async () => {
    const clock = new ManualSchedulerClock(T0);
    const { state, schedules } = store(schedule('09:00'));
    const t = timers(clock, schedules);
    await t.check('s1');
    state.current = schedule('10:30');
    t.sync([state.current]);
    await t.idle(() => []);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-02T10:30:00.000Z']);
  });

  it('checks again a schedule whose last check failed (its timer is a retry, not a time of the spec)', async () => {
    const clock = new ManualSchedulerClock(T0);
    const { state, schedules } = store(schedule('09:00'));
    const t = timers(clock, schedules);
    state.failNext = true;
    await t.check('s1');
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-02T08:15:00.000Z']);
    t.sync([state.current]);
    await t.idle(() => []);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-02T09:00:00.000Z']);
  });

  it('checks again a schedule whose armed time has passed without firing', async () => {
    const clock = new ManualSchedulerClock(T0);
    const { state, schedules } = store(schedule('09:00'));
    const t = timers(clock, schedules);
    await t.check('s1');
    clock.advanceTo('2026-03-02T09:30:00Z', { fire: false });
    t.sync([state.current]);
    await t.idle(() => []);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-03T09:00:00.000Z']);
  });
});

describe('ScheduleTimers with times enqueued ahead (the queue runner)', () => {
  /** An ahead option recording what it was asked; `fail` makes the enqueue reject (the database is down). */
  function ahead(state: { current: ScheduleRecord }, ms: number) {
    const log = { enqueued: [] as string[], upcoming: [] as string[], fail: false };
    const options: AheadOptions = {
      ms,
      enqueue: async (_schedule, at) => {
        if (log.fail) throw new Error('database busy');
        log.enqueued.push(at.toISOString());
        state.current = { ...state.current, lastSlotAt: at.toISOString() };
      },
      upcoming: (at) => void log.upcoming.push(at.toISOString()),
    };
    return { log, options };
  }

  it('enqueues a time coming within the lead and arms past it; a later one when a resync finds it within the lead', async () => {
    const clock = new ManualSchedulerClock(T0);
    const { state, schedules } = store(schedule('09:00'));
    const { log, options } = ahead(state, 60 * 60_000);
    const onDue = vi.fn(async () => undefined);
    const t = new ScheduleTimers({ schedules, clock, logger: silent, started: () => true, onDue, ahead: options });
    await t.check('s1');
    expect(log.enqueued).toEqual(['2026-03-02T09:00:00.000Z']);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-03T09:00:00.000Z']);
    // A day later, an hour before the next time: the resync enqueues it too. Nothing was due at 09:00 here.
    clock.advanceTo('2026-03-03T08:05:00Z', { fire: false });
    t.sync([state.current]);
    await t.idle(() => []);
    expect(log.enqueued).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-03T09:00:00.000Z']);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-04T09:00:00.000Z']);
    expect(onDue).not.toHaveBeenCalled();
  });

  it('keeps the timer at the time when the enqueue ahead fails: the time is enqueued when it comes', async () => {
    const clock = new ManualSchedulerClock(T0);
    const { state, schedules } = store(schedule('09:00'));
    const { log, options } = ahead(state, 60 * 60_000);
    log.fail = true;
    const onDue = vi.fn(async () => undefined);
    const t = new ScheduleTimers({ schedules, clock, logger: silent, started: () => true, onDue, ahead: options });
    await t.check('s1');
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-02T09:00:00.000Z']);
    clock.advanceTo('2026-03-02T09:00:00Z');
    await t.idle(() => []);
    expect(onDue).toHaveBeenCalledWith(
      state.current,
      { trigger: 'schedule', scheduledFor: new Date('2026-03-02T09:00:00Z') },
      expect.anything(),
    );
  });

  it('a time another instance enqueued ahead (its slot is marked) is not due here: armed past it, the workers woken at it', async () => {
    const clock = new ManualSchedulerClock(T0);
    const { state, schedules } = store({ ...schedule('09:00'), lastSlotAt: '2026-03-02T09:00:00.000Z' });
    const { log, options } = ahead(state, 60_000);
    const onDue = vi.fn(async () => undefined);
    const t = new ScheduleTimers({ schedules, clock, logger: silent, started: () => true, onDue, ahead: options });
    await t.check('s1');
    expect(log.upcoming).toEqual(['2026-03-02T09:00:00.000Z']);
    expect(log.enqueued).toEqual([]);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-03T09:00:00.000Z']);
    clock.advanceTo('2026-03-02T09:00:00Z');
    await t.idle(() => []);
    expect(onDue).not.toHaveBeenCalled();
  });

  it('a resync arms a schedule made elsewhere whose next time was enqueued ahead: past that time, the workers woken at it', async () => {
    const clock = new ManualSchedulerClock(T0);
    const { state, schedules } = store({ ...schedule('09:00'), lastSlotAt: '2026-03-02T09:00:00.000Z' });
    const { log, options } = ahead(state, 60_000);
    const t = new ScheduleTimers({ schedules, clock, logger: silent, started: () => true, onDue: async () => undefined, ahead: options });
    t.sync([state.current]);
    await t.idle(() => []);
    expect(log.upcoming).toEqual(['2026-03-02T09:00:00.000Z']);
    expect(clock.armed().map((d) => d.toISOString())).toEqual(['2026-03-03T09:00:00.000Z']);
  });
});
