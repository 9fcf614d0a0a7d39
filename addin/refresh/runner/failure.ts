/**
 * Why a refresh did not happen, in plain words. Every failure of a refresh (server, stream,
 * workbook, a bug) becomes one RefreshFailure carrying an ApiErrorBody, so the runner stores and
 * the pane shows the same sentence.
 */
import { type ApiErrorBody, CANCELLED, throwIfAborted as throwIfAbortedWith } from '../../../common/errors.js';
import { ApiError, toApiError } from '../../api/errors.js';
import { WorkbookError } from '../../workbook/gateway.js';

/** The add-in's one error type (addin/api/errors.ts ApiError), named for where it was made. */
export class RefreshFailure extends ApiError {
  constructor(body: ApiErrorBody) {
    super(body);
    this.name = 'RefreshFailure';
  }
}

/** CANCELLED (common/errors.ts) in the words a refresh log and lastResult keep. */
export const REFRESH_CANCELLED: ApiErrorBody = { ...CANCELLED, message: 'The refresh was cancelled. The table was left as it was.' };

export function failureBody(error: unknown): ApiErrorBody {
  if (error instanceof RefreshFailure) return error.body;
  if (error instanceof WorkbookError) {
    if (error.code === 'cancelled') return REFRESH_CANCELLED;
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
  const body = toApiError(error).body;
  return body.code === 'cancelled' ? REFRESH_CANCELLED : body;
}

/** "Message. Hint" as one sentence for lastResult.error (the workbook stores one string). */
export function plainWords(body: ApiErrorBody): string {
  const message = body.message.trim().replace(/[.!]?$/, '.');
  return body.hint ? `${message} ${body.hint.trim()}` : message;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  throwIfAbortedWith(signal, () => new RefreshFailure(REFRESH_CANCELLED));
}
