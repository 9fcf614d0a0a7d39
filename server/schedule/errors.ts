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
