/**
 * The server's one error class, free of any transport: the plain-words body every non-2xx answer
 * carries (`{ error: ApiErrorBody }`, common/errors.ts) and its HTTP status, which by default is
 * the code's own (common/errors.ts HTTP_STATUS). Same argument order as the add-in's ApiError
 * (addin/api/errors.ts). Services and the scheduler throw it; server/http/errors.ts turns it (and
 * TableauError) into the HTTP reply.
 */
import { type ApiErrorBody, httpStatusOf } from '../common/errors.js';

export class ApiError extends Error {
  readonly body: ApiErrorBody;
  readonly status: number;

  constructor(body: ApiErrorBody, status: number = httpStatusOf(body.code, 500)) {
    super(body.message);
    this.name = 'ApiError';
    this.body = body;
    this.status = status;
  }
}

export const invalidInput = (message: string) => new ApiError({ code: 'invalid-input', message });
export const notFound = (message = 'Not found.') => new ApiError({ code: 'not-found', message });
export const unauthorized = (message: string) => new ApiError({ code: 'unauthorized', message });
