/**
 * The server-schedule form: its draft, checks in plain words, and the spec sent to
 * POST /api/schedules (addin/api/schedules.ts). The server validates again (server/schedule/spec.ts);
 * these checks only spare the analyst a round trip.
 */
import type { PullSource } from '../../../common/source.js';
import { type ScheduleSpec, type Weekday, WEEKDAYS } from '../../api/schedules.js';

export interface ScheduleDraft {
  kind: ScheduleSpec['kind'];
  minute: string;
  time: string;
  days: Weekday[];
  expression: string;
  timeZone: string;
}

function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export const emptySchedule = (timeZone = localTimeZone()): ScheduleDraft => ({
  kind: 'daily',
  minute: '0',
  time: '07:00',
  days: ['mon'],
  expression: '0 7 * * 1-5',
  timeZone,
});

/**
 * The zones to pick from: the runtime's IANA list (Intl.supportedValuesOf, ES2022:
 * https://developer.mozilla.org/docs/Web/JavaScript/Reference/Global_Objects/Intl/supportedValuesOf),
 * always with UTC and the current choice, so nothing has to be typed.
 */
export function timeZoneChoices(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  return [...new Set([...zones, 'UTC', current].filter(Boolean))].sort();
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * "When Tableau refreshes the data" (docs/tableau-events.md) waits for Tableau's refresh of the data
 * a view or a data-source query shows; an inventory list depends on no one refresh.
 */
export const canRunOnTableauRefresh = (source: PullSource): boolean => source.kind === 'view' || source.kind === 'datasource';

export function buildScheduleSpec(d: ScheduleDraft): { spec?: ScheduleSpec; errors: string[] } {
  // No time and so no time zone: the server runs it when Tableau says the data was refreshed.
  if (d.kind === 'on-tableau-refresh') return { spec: { kind: 'on-tableau-refresh' }, errors: [] };
  const errors: string[] = [];
  const timeZone = d.timeZone.trim();
  if (!timeZone || !isTimeZone(timeZone))
    errors.push(`"${d.timeZone}" is not a time zone. Use a name such as Europe/Berlin, America/New_York or UTC.`);
  const timeOk = /^([01]\d|2[0-3]):[0-5]\d$/.test(d.time);
  let spec: ScheduleSpec | undefined;
  switch (d.kind) {
    case 'hourly': {
      const minute = Number(d.minute);
      if (!/^\d{1,2}$/.test(d.minute.trim()) || minute > 59) errors.push('The minute must be a whole number from 0 to 59.');
      spec = { kind: 'hourly', minute, timeZone };
      break;
    }
    case 'daily':
      if (!timeOk) errors.push('Use a 24-hour time such as 07:30.');
      spec = { kind: 'daily', time: d.time, timeZone };
      break;
    case 'weekly':
      if (!timeOk) errors.push('Use a 24-hour time such as 07:30.');
      if (d.days.length === 0) errors.push('Pick at least one day of the week.');
      spec = { kind: 'weekly', days: WEEKDAYS.filter((w) => d.days.includes(w)), time: d.time, timeZone };
      break;
    case 'cron':
      if (d.expression.trim().split(/\s+/).length !== 5)
        errors.push('A cron expression has five fields: minute hour day-of-month month day-of-week, e.g. "0 7 * * 1-5".');
      spec = { kind: 'cron', expression: d.expression.trim(), timeZone };
      break;
  }
  return errors.length ? { errors } : { spec, errors };
}
