/**
 * Why a schedule could not run, in plain words. Objects with `toApiError()` are turned into
 * `{ error: ApiErrorBody }` by server/http/errors.ts and stored as a run's failure as they are.
 */
import { type ApiErrorBody, HTTP_STATUS, type ScheduleErrorCode } from '../../common/errors.js';
import { ApiError } from '../errors.js';

export type { ScheduleErrorCode };

export class ScheduleError extends Error {
  readonly status: number;

  constructor(
    readonly code: ScheduleErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ScheduleError';
    // The code's one HTTP status (common/errors.ts), for a route that throws it.
    this.status = HTTP_STATUS[code];
  }

  toApiError(): ApiErrorBody {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

export const scheduleMissing = () => new ScheduleError('schedule-missing', 'No such schedule. It may have been deleted.');

export const scheduleBusy = () =>
  new ScheduleError('schedule-busy', 'This schedule is running right now. Wait for the run to finish, then try again.');

export const schedulerStopped = () =>
  new ScheduleError('scheduler-stopped', 'The companion server is shutting down and starts no new runs.');

export const connectionMissing = () =>
  new ScheduleError(
    'connection-missing',
    'The Tableau connection this schedule uses no longer exists.',
    'Connect to Tableau again and point the schedule at the new connection.',
  );

export const runInterrupted = () =>
  new ScheduleError(
    'run-interrupted',
    'The companion server stopped while this run was going on.',
    'The next scheduled time runs it again.',
  );

/** Job queue (docs/queue.md): the run's server instance stopped or died; the queue runs the job once more. */
export const runInterruptedRetrying = () =>
  new ScheduleError(
    'run-interrupted',
    'The server instance running this was stopped or lost while the run was going on.',
    'Another instance (or this one, once it is back) runs it again once.',
  );

/** Job queue: the run's instance was lost and its job will not run again (its retry was used, or the job is gone). */
export const runLost = () =>
  new ScheduleError(
    'run-interrupted',
    'The server instance running this was lost while the run was going on, and its one retry is used up.',
    'The next scheduled time runs it again.',
  );

/** Job queue: the run went on for longer than the queue lets a job be active. */
export const runTooLong = (seconds: number) =>
  new ScheduleError(
    'run-interrupted',
    `This run was stopped after ${Math.round(seconds / 60) || 1} minute(s): the job queue takes a longer run for a lost one and would run it twice.`,
    'Pull less data (a filter or fewer columns); docs/queue.md explains the limit.',
  );

export const streamIncomplete = () =>
  new ScheduleError('incomplete', 'The data stream from Tableau ended unexpectedly.', 'The next scheduled time tries again.');

/**
 * What a failed run records: the body of a typed error (ApiError, or anything with `toApiError()`:
 * TableauError, PullDataError, ScheduleError), else a generic message whose cause only the log
 * sees. The same bodies as server/http/errors.ts toErrorReply, without an HTTP status: a run is
 * no HTTP request, and the scheduler must not depend on server/http.
 */
export function runFailure(err: unknown): { body: ApiErrorBody; unexpected: boolean } {
  if (err instanceof ApiError) return { body: err.body, unexpected: false };
  const typed = err as { toApiError?: () => ApiErrorBody } | null;
  if (typed && typeof typed.toApiError === 'function') return { body: typed.toApiError(), unexpected: false };
  return {
    body: { code: 'internal', message: 'Something went wrong in the companion server. Try again; if it persists, check its log.' },
    unexpected: true,
  };
}
