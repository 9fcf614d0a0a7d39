import { describe, expect, it } from 'vitest';

import { MISSED_COUNT_CAP, missedRunsSince, nextRunAfter, nextRuns, zoneOffsetMinutes } from '../../../server/schedule/math.js';
import { parseScheduleSpec, type ScheduleSpec } from '../../../server/schedule/spec.js';

const spec = (input: unknown): ScheduleSpec => {
  const r = parseScheduleSpec(input);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.spec;
};
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const at = (s: string) => new Date(s);

/** Wall-clock "YYYY-MM-DD HH:MM" of `d` in `zone`. */
function local(d: Date, zone: string): string {
  const f = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return f.format(d);
}

describe('nextRuns', () => {
  it('daily at 07:30 in the spec zone', () => {
    const runs = nextRuns(spec({ kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' }), at('2025-01-10T12:00:00Z'), 2);
    expect(iso(runs)).toEqual(['2025-01-11T06:30:00.000Z', '2025-01-12T06:30:00.000Z']);
  });

  it('weekly on chosen days only', () => {
    const runs = nextRuns(spec({ kind: 'weekly', days: ['mon', 'thu'], time: '09:00', timeZone: 'UTC' }), at('2025-06-01T00:00:00Z'), 3);
    expect(iso(runs)).toEqual(['2025-06-02T09:00:00.000Z', '2025-06-05T09:00:00.000Z', '2025-06-09T09:00:00.000Z']);
  });

  it('is strictly after `from`', () => {
    const runs = nextRuns(spec({ kind: 'daily', time: '07:30', timeZone: 'UTC' }), at('2025-01-10T07:30:00Z'), 1);
    expect(iso(runs)).toEqual(['2025-01-11T07:30:00.000Z']);
  });

  it('hourly follows local minutes in zones with half-hour offsets', () => {
    const runs = nextRuns(spec({ kind: 'hourly', minute: 0, timeZone: 'Asia/Kolkata' }), at('2025-01-10T00:00:00Z'), 2);
    expect(iso(runs)).toEqual(['2025-01-10T00:30:00.000Z', '2025-01-10T01:30:00.000Z']);
  });

  it('refuses a bad count', () => {
    const s = spec({ kind: 'daily', time: '07:30', timeZone: 'UTC' });
    expect(() => nextRuns(s, new Date(), -1)).toThrow(/0 to 1000/);
    expect(() => nextRuns(s, new Date(), 1.5)).toThrow(/whole number/);
    expect(nextRuns(s, new Date(), 0)).toEqual([]);
  });
});

describe.each([
  // zone, spring-forward day, fall-back day (02:00–03:00 is skipped / repeated in Berlin; 02:00 / 01:00 in New York)
  { zone: 'Europe/Berlin', spring: '2025-03-30', fall: '2025-10-26', repeated: '02:30' },
  { zone: 'America/New_York', spring: '2025-03-09', fall: '2025-11-02', repeated: '01:30' },
])('DST in $zone', ({ zone, spring, fall, repeated }) => {
  const dayBefore = (day: string) => new Date(new Date(`${day}T00:00:00Z`).getTime() - 36 * 3600_000);

  it('a daily 02:30 job runs once on the spring-forward day, shifted to 03:30', () => {
    const runs = nextRuns(spec({ kind: 'daily', time: '02:30', timeZone: zone }), dayBefore(spring), 4);
    const locals = runs.map((d) => local(d, zone));
    expect(locals.filter((l) => l.startsWith(spring))).toEqual([`${spring} 03:30`]);
    // Only one run per calendar day, and the day after is back to 02:30.
    expect(new Set(locals.map((l) => l.slice(0, 10))).size).toBe(4);
    expect(locals.some((l) => l.endsWith('02:30') && l > spring)).toBe(true);
  });

  it(`a daily job at the repeated ${repeated} runs once on the fall-back day`, () => {
    const runs = nextRuns(spec({ kind: 'daily', time: repeated, timeZone: zone }), dayBefore(fall), 4);
    const onFallDay = runs.filter((d) => local(d, zone).startsWith(fall));
    expect(onFallDay).toHaveLength(1);
    expect(local(onFallDay[0], zone)).toBe(`${fall} ${repeated}`);
    // First occurrence: still summer time (the larger UTC offset).
    expect(zoneOffsetMinutes(zone, onFallDay[0])).toBe(zoneOffsetMinutes(zone, dayBefore(fall)));
  });

  it('an hourly job runs every real hour, one hour apart, through both changes', () => {
    const hourly = spec({ kind: 'hourly', minute: 15, timeZone: zone });
    for (const day of [spring, fall]) {
      const runs = nextRuns(hourly, dayBefore(day), 72);
      for (let i = 1; i < runs.length; i++) expect(runs[i].getTime() - runs[i - 1].getTime()).toBe(3600_000);
      expect(runs.every((d) => local(d, zone).endsWith(':15'))).toBe(true);
    }
  });

  it('a cron job every 30 minutes never repeats an instant across the gap', () => {
    const runs = nextRuns(spec({ kind: 'cron', expression: '*/30 * * * *', timeZone: zone }), dayBefore(spring), 100);
    expect(new Set(iso(runs)).size).toBe(runs.length);
    for (let i = 1; i < runs.length; i++) expect(runs[i] > runs[i - 1]).toBe(true);
  });
});

describe('missedRunsSince (a missed schedule runs once)', () => {
  const daily = spec({ kind: 'daily', time: '07:00', timeZone: 'UTC' });

  it('nothing missed: nothing due, next is the upcoming run', () => {
    const r = missedRunsSince(daily, at('2025-01-10T07:00:00Z'), at('2025-01-10T20:00:00Z'));
    expect(r).toEqual({ due: null, missed: 0, capped: false, next: at('2025-01-11T07:00:00Z') });
  });

  it('after three days down: one run due (the latest missed time), three counted', () => {
    const r = missedRunsSince(daily, at('2025-01-10T07:00:00Z'), at('2025-01-13T12:00:00Z'));
    expect(r.due).toEqual(at('2025-01-13T07:00:00Z'));
    expect(r.missed).toBe(3);
    expect(r.next).toEqual(at('2025-01-14T07:00:00Z'));
  });

  it('the same slot asked again later (its next time remembered): nothing missed, then one missed', () => {
    const slot = at('2025-02-10T07:00:00Z');
    expect(missedRunsSince(daily, slot, at('2025-02-10T09:00:00Z'))).toEqual({
      due: null,
      missed: 0,
      capped: false,
      next: at('2025-02-11T07:00:00Z'),
    });
    const later = missedRunsSince(daily, slot, at('2025-02-11T08:00:00Z'));
    expect(later).toEqual({ due: at('2025-02-11T07:00:00Z'), missed: 1, capped: false, next: at('2025-02-12T07:00:00Z') });
    later.next!.setTime(0);
    expect(missedRunsSince(daily, slot, at('2025-02-10T10:00:00Z')).next).toEqual(at('2025-02-11T07:00:00Z'));
  });

  it('a run exactly at now counts as due', () => {
    const r = missedRunsSince(daily, at('2025-01-10T07:00:00Z'), at('2025-01-11T07:00:00Z'));
    expect(r).toMatchObject({ due: at('2025-01-11T07:00:00Z'), missed: 1 });
  });

  it('stops counting at the cap but still finds the latest missed time', () => {
    const everyMinute = spec({ kind: 'cron', expression: '* * * * *', timeZone: 'UTC' });
    const r = missedRunsSince(everyMinute, at('2025-01-01T00:00:00Z'), at('2025-01-05T10:30:30Z'));
    expect(r).toMatchObject({ missed: MISSED_COUNT_CAP, capped: true, due: at('2025-01-05T10:30:00Z'), next: at('2025-01-05T10:31:00Z') });
  });

  it('a clock that went backwards (lastRunAt after now) runs nothing', () => {
    expect(missedRunsSince(daily, at('2025-01-12T00:00:00Z'), at('2025-01-11T00:00:00Z'))).toMatchObject({
      due: null,
      missed: 0,
      next: at('2025-01-11T07:00:00Z'),
    });
  });

  it('the same time in two zones stays two schedules (compiled patterns are kept per zone)', () => {
    const berlin = spec({ kind: 'daily', time: '07:00', timeZone: 'Europe/Berlin' });
    const from = at('2025-01-10T00:00:00Z');
    for (let i = 0; i < 2; i++) {
      expect(nextRuns(daily, from, 1)).toEqual([at('2025-01-10T07:00:00Z')]);
      expect(nextRuns(berlin, from, 1)).toEqual([at('2025-01-10T06:00:00Z')]);
    }
  });

  it('refuses invalid dates', () => {
    expect(() => missedRunsSince(daily, new Date('nope'), new Date())).toThrow(/valid dates/);
  });
});

describe('an on-tableau-refresh spec', () => {
  it('has no times: nothing is next, nothing was missed, so no timer is ever armed for it', () => {
    const onRefresh = spec({ kind: 'on-tableau-refresh' });
    expect(nextRuns(onRefresh, at('2026-03-02T08:00:00Z'), 5)).toEqual([]);
    expect(missedRunsSince(onRefresh, at('2026-01-01T00:00:00Z'), at('2026-03-02T08:00:00Z'))).toEqual({
      due: null,
      missed: 0,
      capped: false,
      next: null,
    });
  });
});

describe('nextRunAfter (remembered per spec and instant)', () => {
  it('answers what nextRuns does, for each spec and instant, and a copy the caller may change', () => {
    const daily = spec({ kind: 'daily', time: '09:00', timeZone: 'Europe/Berlin' });
    const other = spec({ kind: 'daily', time: '10:00', timeZone: 'Europe/Berlin' });
    const from = at('2026-03-28T08:00:00Z'); // the day before spring forward in Berlin
    for (const s of [daily, other, daily]) expect(nextRunAfter(s, from)?.toISOString()).toBe(nextRuns(s, from, 1)[0].toISOString());
    const first = nextRunAfter(daily, from)!;
    first.setTime(0);
    expect(nextRunAfter(daily, from)?.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(nextRunAfter(daily, at('2026-03-29T07:00:00Z'))?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextRunAfter(spec({ kind: 'on-tableau-refresh' }), from)).toBeNull();
  });
});
