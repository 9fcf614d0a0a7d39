/**
 * Server schedule specs: what an analyst picks in the pane ("every day at 07:30, Berlin time"),
 * validated with zod and turned into a 5-field cron expression for croner. Every timed spec carries
 * an IANA time zone, because "07:30" means the analyst's wall clock, DST included. The one untimed
 * spec, `on-tableau-refresh`, runs when Tableau says the data was refreshed (docs/tableau-events.md):
 * it has no times, so the timers never arm one for it (math.ts).
 */
import { Cron } from 'croner';
import { z } from 'zod';

import {
  type ScheduleSpec as ApiScheduleSpec,
  type TableauRefreshSpec,
  type TimedScheduleSpec,
  type Weekday,
  WEEKDAYS,
} from '../../common/schedules.js';

/** true when the runtime's ICU knows `zone` (Intl throws RangeError for unknown zones). */
export function isValidTimeZone(zone: string): boolean {
  if (!zone || zone.trim() !== zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// Bounds first, with abort: the refinements below echo the input and ask ICU / croner about it.
// IANA zone names are at most ~30 characters (https://data.iana.org/time-zones/tz-link.html).
const timeZone = z
  .string({ error: 'A time zone is required, e.g. "Europe/Berlin".' })
  .max(100, { abort: true, error: 'A time zone name is at most 100 characters, e.g. "Europe/Berlin".' })
  .refine(isValidTimeZone, {
    error: (issue) => `"${String(issue.input)}" is not a time zone. Use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC".`,
  });

const time = z
  .string({ error: 'A time is required, e.g. "07:30".' })
  .max(20, { abort: true, error: 'A time is 24-hour HH:MM, e.g. "07:30" or "18:00".' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
    error: (issue) => `"${String(issue.input)}" is not a time. Use 24-hour HH:MM, e.g. "07:30" or "18:00".`,
  });

/** Croner in strict 5-field mode: minute hour day-of-month month day-of-week (no seconds). */
export function compileCron(expression: string, zone?: string): Cron {
  return new Cron(expression, { mode: '5-part', paused: true, timezone: zone });
}

/** Plain-words reason a cron expression is unusable, or null when it is fine. */
export function cronProblem(expression: string): string | null {
  const example = 'Use five fields (minute hour day-of-month month day-of-week), e.g. "0 7 * * 1-5" for 07:00 on weekdays.';
  let cron: Cron;
  try {
    cron = compileCron(expression, 'UTC');
  } catch (err) {
    const detail = (err as Error).message.replace(/^CronPattern:\s*/, '');
    return `"${expression}" is not a valid cron expression (${detail}). ${example}`;
  }
  // Croner accepts patterns that can never match, like 30 February.
  if (cron.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) return `"${expression}" never runs (no date matches it). ${example}`;
  return null;
}

const cronExpression = z
  .string({ error: 'A cron expression is required.' })
  .trim()
  .min(1, { error: 'A cron expression is required.' })
  .max(1000, { abort: true, error: 'A cron expression is at most 1,000 characters.' })
  .superRefine((expression, ctx) => {
    const problem = cronProblem(expression);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const scheduleSpecSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('hourly'),
      minute: z
        .number({ error: 'The minute must be a whole number from 0 to 59.' })
        .int({ error: 'The minute must be a whole number from 0 to 59.' })
        .min(0, { error: 'The minute must be a whole number from 0 to 59.' })
        .max(59, { error: 'The minute must be a whole number from 0 to 59.' }),
      timeZone,
    }),
    z.object({ kind: z.literal('daily'), time, timeZone }),
    z.object({
      kind: z.literal('weekly'),
      days: z
        .array(z.enum(WEEKDAYS, { error: `Days are ${WEEKDAYS.join(', ')}.` }))
        .min(1, { error: 'Pick at least one day of the week.' })
        .max(WEEKDAYS.length, { abort: true, error: 'Each day may appear only once.' })
        .refine((days) => new Set(days).size === days.length, { error: 'Each day may appear only once.' }),
      time,
      timeZone,
    }),
    z.object({ kind: z.literal('cron'), expression: cronExpression, timeZone }),
    z.object({ kind: z.literal('on-tableau-refresh') }),
  ],
  { error: 'The schedule kind must be "hourly", "daily", "weekly", "cron" or "on-tableau-refresh".' },
);

export type ScheduleSpec = z.infer<typeof scheduleSpecSchema>;
// The schema and the API's type (common/schedules.ts) must describe the same specs, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const specMatchesApi: Same<ScheduleSpec, ApiScheduleSpec> = true;
void specMatchesApi;

/** True for the specs with times of their own (every kind but on-tableau-refresh). */
export const isTimed = (spec: ScheduleSpec): spec is TimedScheduleSpec => spec.kind !== 'on-tableau-refresh';

export const runsOnTableauRefresh = (spec: ScheduleSpec): spec is TableauRefreshSpec => spec.kind === 'on-tableau-refresh';

export type ParsedSchedule = { ok: true; spec: ScheduleSpec } | { ok: false; errors: string[] };

/** Validates untrusted input (an API body); errors are sentences an analyst can act on. */
export function parseScheduleSpec(input: unknown): ParsedSchedule {
  const result = scheduleSpecSchema.safeParse(input);
  if (result.success) return { ok: true, spec: result.data };
  // Our messages are sentences that name the field ("The minute must be ..."); zod's own defaults
  // ("Invalid input: expected string") do not end with a period and get the field's path.
  const sentence = (m: string) => /[.)]$/.test(m);
  return {
    ok: false,
    errors: result.error.issues.map((i) => (i.path.length && !sentence(i.message) ? `${i.path.join('.')}: ${i.message}` : i.message)),
  };
}

const hhmm = (t: string) => t.split(':').map(Number) as [number, number];

/** The 5-field cron expression croner runs (in the spec's time zone). */
export function toCron(spec: TimedScheduleSpec): string {
  switch (spec.kind) {
    case 'hourly':
      return `${spec.minute} * * * *`;
    case 'daily': {
      const [h, m] = hhmm(spec.time);
      return `${m} ${h} * * *`;
    }
    case 'weekly': {
      const [h, m] = hhmm(spec.time);
      const days = [...new Set(spec.days)].map((d) => WEEKDAYS.indexOf(d)).sort((a, b) => a - b);
      return `${m} ${h} * * ${days.join(',')}`;
    }
    case 'cron':
      return spec.expression.trim().replace(/\s+/g, ' ');
  }
}

const DAY_NAMES: Record<Weekday, string> = {
  sun: 'Sunday',
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
};

/** One line for the pane: "Every day at 07:30 (Europe/Berlin)". */
export function describeSchedule(spec: ScheduleSpec): string {
  if (!isTimed(spec)) return 'When Tableau refreshes the data';
  const zone = ` (${spec.timeZone})`;
  switch (spec.kind) {
    case 'hourly':
      return `Every hour at minute ${spec.minute}${zone}`;
    case 'daily':
      return `Every day at ${spec.time}${zone}`;
    case 'weekly': {
      const days = WEEKDAYS.filter((d) => spec.days.includes(d)).map((d) => DAY_NAMES[d]);
      return `Every ${days.join(', ')} at ${spec.time}${zone}`;
    }
    case 'cron':
      return `Cron "${toCron(spec)}"${zone}`;
  }
}
