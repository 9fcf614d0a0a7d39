import { describe, expect, it } from 'vitest';

import type { TimedScheduleSpec } from '../../../common/schedules.js';
import {
  cronProblem,
  describeSchedule,
  isTimed,
  isValidTimeZone,
  parseScheduleSpec,
  type ScheduleSpec,
  toCron,
} from '../../../server/schedule/spec.js';

const any = (input: unknown): ScheduleSpec => {
  const r = parseScheduleSpec(input);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.spec;
};
/** A timed spec (the kinds toCron takes). */
const ok = (input: unknown): TimedScheduleSpec => {
  const spec = any(input);
  if (!isTimed(spec)) throw new Error(`${spec.kind} has no times`);
  return spec;
};
const errors = (input: unknown): string => {
  const r = parseScheduleSpec(input);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.errors.join('\n');
};

describe('parseScheduleSpec', () => {
  it('accepts the four kinds', () => {
    expect(ok({ kind: 'hourly', minute: 5, timeZone: 'UTC' })).toEqual({ kind: 'hourly', minute: 5, timeZone: 'UTC' });
    expect(ok({ kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' }).kind).toBe('daily');
    expect(ok({ kind: 'weekly', days: ['mon', 'fri'], time: '18:00', timeZone: 'America/New_York' }).kind).toBe('weekly');
    expect(ok({ kind: 'cron', expression: ' 0 7 * * 1-5 ', timeZone: 'Asia/Kolkata' })).toMatchObject({ expression: '0 7 * * 1-5' });
  });

  it('accepts "when Tableau refreshes the data", which has no time and no zone', () => {
    const spec = any({ kind: 'on-tableau-refresh' });
    expect(spec).toEqual({ kind: 'on-tableau-refresh' });
    expect(isTimed(spec)).toBe(false);
    // A zone sent along means nothing for it: dropped, not stored.
    expect(any({ kind: 'on-tableau-refresh', timeZone: 'UTC' })).toEqual({ kind: 'on-tableau-refresh' });
    expect(describeSchedule(spec)).toBe('When Tableau refreshes the data');
  });

  it('explains a bad time zone in plain words', () => {
    expect(errors({ kind: 'daily', time: '07:30', timeZone: 'Mars/Olympus' })).toMatch(/"Mars\/Olympus" is not a time zone.*IANA/);
    expect(errors({ kind: 'daily', time: '07:30', timeZone: 'CEST ' })).toMatch(/not a time zone/);
    expect(errors({ kind: 'daily', time: '07:30' })).toMatch(/time zone is required/);
  });

  it('explains a bad cron expression, including one that never runs', () => {
    expect(errors({ kind: 'cron', expression: '61 * * * *', timeZone: 'UTC' })).toMatch(
      /"61 \* \* \* \*" is not a valid cron expression \(.*minute.*\)\. Use five fields/,
    );
    expect(errors({ kind: 'cron', expression: '0 0 * * * *', timeZone: 'UTC' })).toMatch(/not a valid cron expression/);
    expect(errors({ kind: 'cron', expression: '0 0 30 2 *', timeZone: 'UTC' })).toMatch(/never runs/);
    expect(errors({ kind: 'cron', expression: '   ', timeZone: 'UTC' })).toMatch(/required/);
  });

  it('explains bad times, minutes, days and kinds', () => {
    expect(errors({ kind: 'daily', time: '24:00', timeZone: 'UTC' })).toMatch(/"24:00" is not a time\. Use 24-hour HH:MM/);
    expect(errors({ kind: 'daily', time: '7:30', timeZone: 'UTC' })).toMatch(/not a time/);
    expect(errors({ kind: 'hourly', minute: 60, timeZone: 'UTC' })).toMatch(/0 to 59/);
    expect(errors({ kind: 'weekly', days: [], time: '07:00', timeZone: 'UTC' })).toMatch(/at least one day/);
    expect(errors({ kind: 'weekly', days: ['mon', 'mon'], time: '07:00', timeZone: 'UTC' })).toMatch(/only once/);
    expect(errors({ kind: 'weekly', days: ['monday'], time: '07:00', timeZone: 'UTC' })).toMatch(/Days are sun, mon/);
    expect(errors({ kind: 'monthly', timeZone: 'UTC' })).toMatch(/"hourly", "daily", "weekly", "cron" or "on-tableau-refresh"/);
    expect(errors(null)).not.toBe('');
  });
});

describe('toCron', () => {
  it('turns each kind into a 5-field expression', () => {
    expect(toCron(ok({ kind: 'hourly', minute: 0, timeZone: 'UTC' }))).toBe('0 * * * *');
    expect(toCron(ok({ kind: 'daily', time: '07:05', timeZone: 'UTC' }))).toBe('5 7 * * *');
    expect(toCron(ok({ kind: 'weekly', days: ['sat', 'mon', 'sun'], time: '18:30', timeZone: 'UTC' }))).toBe('30 18 * * 0,1,6');
    expect(toCron(ok({ kind: 'cron', expression: '0   7 *  * 1-5', timeZone: 'UTC' }))).toBe('0 7 * * 1-5');
  });

  it('produces expressions croner accepts', () => {
    for (const spec of [
      ok({ kind: 'hourly', minute: 59, timeZone: 'UTC' }),
      ok({ kind: 'daily', time: '23:59', timeZone: 'UTC' }),
      ok({ kind: 'weekly', days: ['sun', 'sat'], time: '00:00', timeZone: 'UTC' }),
    ]) {
      expect(cronProblem(toCron(spec))).toBeNull();
    }
  });
});

describe('describeSchedule / isValidTimeZone', () => {
  it('reads like a sentence', () => {
    expect(describeSchedule(ok({ kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' }))).toBe('Every day at 07:30 (Europe/Berlin)');
    expect(describeSchedule(ok({ kind: 'weekly', days: ['fri', 'mon'], time: '09:00', timeZone: 'UTC' }))).toBe(
      'Every Monday, Friday at 09:00 (UTC)',
    );
    expect(describeSchedule(ok({ kind: 'hourly', minute: 15, timeZone: 'UTC' }))).toBe('Every hour at minute 15 (UTC)');
  });

  it('knows real zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('Nowhere/Special')).toBe(false);
  });
});

describe('error wording', () => {
  it('names the field when zod speaks for it, and not when the message already does', () => {
    expect(errors({ kind: 'hourly', minute: 'five', timeZone: 'UTC' })).toBe('The minute must be a whole number from 0 to 59.');
    expect(errors({ kind: 'hourly', minute: -1, timeZone: 'UTC' })).toBe('The minute must be a whole number from 0 to 59.');
    expect(errors({ kind: 'daily', time: 730, timeZone: 'UTC' })).toBe('A time is required, e.g. "07:30".');
  });
});
