/**
 * Errors of the data path in plain words. Anything thrown while producing a typed result stream ends
 * the stream with an `error` message built by `toStreamError`: objects with
 * `toApiError()` speak for themselves, everything else becomes a generic message, so a stack trace,
 * a URL with a token or a secret in an exception text never reaches the analyst.
 */
import { type ApiErrorBody, type ApiErrorCode, isApiErrorBody } from '../../common/errors.js';
import type { StreamError } from '../../common/stream.js';
import { ApiError } from '../errors.js';

/** The server's ApiError (server/errors.ts) made on the data path; its status is the code's own. */
export class PullDataError extends ApiError {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly hint?: string,
    readonly tableauCode?: string,
  ) {
    super({ code, message, ...(hint ? { hint } : {}), ...(tableauCode ? { tableauCode } : {}) });
    this.name = 'PullDataError';
  }

  toApiError(): ApiErrorBody {
    return this.body;
  }
}

const GENERIC: ApiErrorBody = {
  code: 'internal',
  message: 'The data could not be read because of an unexpected problem on the companion server.',
  hint: 'Try again; if it keeps happening, the server log has the details.',
};

/** The `error` message for anything thrown while a stream was produced. */
export function toStreamError(err: unknown): StreamError {
  const withApi = err as { toApiError?: () => unknown } | null;
  if (withApi && typeof withApi.toApiError === 'function') {
    try {
      const body = withApi.toApiError();
      if (isApiErrorBody(body)) return { kind: 'error', error: body };
    } catch {
      // fall through to the generic message
    }
  }
  return { kind: 'error', error: { ...GENERIC } };
}

/**
 * A body that broke off while it was read (the Tableau client's StreamInterruptedError: cut, reset,
 * stalled) can say how many rows had arrived; anything else is returned as it is.
 */
export function withRowCount(err: unknown, rows: number): unknown {
  const e = err as { withRows?: (n: number) => unknown } | null;
  return e && typeof e === 'object' && typeof e.withRows === 'function' ? e.withRows(rows) : err;
}
