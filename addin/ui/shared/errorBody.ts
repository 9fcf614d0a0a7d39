import type { ApiErrorBody } from '../../../common/stream.js';
import { toApiError } from '../../api/errors.js';
import { WorkbookError } from '../../workbook/gateway.js';

/** Any failure (server, stream, workbook, bug) → plain words for the MessageBar. */
export function errorBody(error: unknown): ApiErrorBody {
  if (error instanceof WorkbookError) {
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
  return toApiError(error).body;
}
