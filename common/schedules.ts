/**
 * The scheduled-pulls API (server/http/routes/schedules.ts) as both sides see it: the server
 * answers with these shapes and the add-in's client (addin/api/schedules.ts) reads them.
 *   GET /api/schedules -> ScheduleInfo[] · POST /api/schedules CreateScheduleBody -> ScheduleInfo
 *   PUT /api/schedules/:sid UpdateScheduleBody · DELETE /api/schedules/:sid · POST /api/schedules/:sid/run
 *   GET /api/schedules/:sid/runs -> ScheduleRunInfo[]
 *   GET /api/snapshots/latest?scheduleId -> typed result stream + header X-Data-As-Of
 */
import type { DiffSummary } from './diff/compare.js';
import type { PullOptions, PullSource } from './source.js';
import type { ApiErrorBody, ColumnSpec } from './stream.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** What an analyst picks: a timed spec carries an IANA time zone ("07:30" is their wall clock). */
export type TimedScheduleSpec =
  | { kind: 'hourly'; minute: number; timeZone: string }
  | { kind: 'daily'; time: string; timeZone: string }
  | { kind: 'weekly'; days: Weekday[]; time: string; timeZone: string }
  | { kind: 'cron'; expression: string; timeZone: string };

/**
 * "When Tableau refreshes the data": no time of its own. The team server subscribes to Tableau's
 * refresh webhooks (docs/tableau-events.md) and runs the schedule when the extract of the data
 * source it queries, or of the view's workbook (or a data source that workbook uses), was refreshed.
 * View and data-source (VDS query) sources only: an inventory list depends on no one refresh.
 */
export interface TableauRefreshSpec {
  kind: 'on-tableau-refresh';
}

export type ScheduleSpec = TimedScheduleSpec | TableauRefreshSpec;

/** `tableau-event`: started by a Tableau refresh webhook (a schedule with the on-tableau-refresh spec). */
export type RunTrigger = 'schedule' | 'catch-up' | 'manual' | 'tableau-event';
export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface ScheduleRunInfo {
  id: string;
  scheduleId: string;
  trigger: RunTrigger;
  status: RunStatus;
  /** The scheduled time this run serves (absent for "run now"). */
  scheduledFor?: string;
  /** Catch-up runs: how many scheduled times were missed (capped). */
  missed?: number;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  rowCount?: number;
  truncated?: boolean;
  columns?: ColumnSpec[];
  /** The source description of the stream's `meta`. */
  source?: string;
  warnings?: string[];
  /** Compressed size of the stored rows. */
  storedBytes?: number;
  /** Failed runs: what went wrong, in plain words. */
  error?: ApiErrorBody;
  /**
   * Team server (job queue): 2 for the run that retried one cut by the loss of its server
   * instance (docs/queue.md); absent for a first attempt.
   */
  attempt?: number;
  /**
   * Succeeded runs: what changed against the run before, by the key guessed from the columns whose
   * values are unique (common/diff); absent for the first run and runs stored before it existed.
   */
  changes?: DiffSummary;
}

/**
 * An on-tableau-refresh schedule's Tableau webhook when the server's periodic check found it not
 * fine (docs/tableau-events.md): deleted at Tableau and re-created, or gone or disabled and not
 * made again. `message` is for the analyst: "Tableau webhook missing — re-created at …".
 */
export interface TableauWebhookHealth {
  state: 'recreated' | 'failed';
  at: string;
  message: string;
}

export interface ScheduleInfo {
  id: string;
  connectionId: string;
  /** The add-in's refresh definition this schedule serves. */
  definitionId: string;
  name: string;
  source: PullSource;
  options?: PullOptions;
  spec: ScheduleSpec;
  /** "Every day at 07:30 (Europe/Berlin)". */
  description: string;
  /**
   * Only the receiver's host: the full URL can hold a credential. `unreadable`: one is stored but
   * the server cannot unseal it any more (its key file was replaced); it has to be set again.
   */
  webhook: { host: string } | { unreadable: true } | null;
  /** On-tableau-refresh schedules only, and only when a check found their Tableau webhook not fine. */
  tableauWebhook?: TableauWebhookHealth;
  historyLimit: number;
  createdAt: string;
  updatedAt: string;
  /** ISO time of the next scheduled run, or null when none is left. */
  nextRunAt: string | null;
  /** 'never-run' until the first run; else the last run's status. */
  status: 'never-run' | RunStatus;
  lastRun: ScheduleRunInfo | null;
  /** When the data the add-in would load now was pulled (latest successful run), or null. */
  dataAsOf: string | null;
}

export interface CreateScheduleBody {
  /** The session's connection the server runs the schedule with. */
  connectionId: string;
  /** The refresh definition (UUID) whose table the snapshots feed. */
  definitionId: string;
  name: string;
  source: PullSource;
  spec: ScheduleSpec;
  options?: PullOptions;
  webhookUrl?: string;
  historyLimit?: number;
}

export type UpdateScheduleBody = Partial<Omit<CreateScheduleBody, 'options' | 'webhookUrl'>> & {
  options?: PullOptions | null;
  webhookUrl?: string | null;
};
