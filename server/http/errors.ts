/**
 * Every non-2xx answer is `{ error: ApiErrorBody }` (common/stream.ts) in plain words.
 * Bad input is a 400 `invalid-input`, never a 500; Tableau failures keep their stable code and get
 * the HTTP status that tells the add-in what to do; anything unexpected is a generic 500 whose
 * details go to the (redacting) log only.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import { type ApiErrorBody, HTTP_STATUS, httpStatusOf } from '../../common/errors.js';
import { ApiError, invalidInput } from '../errors.js';
import { SecretUnreadableError } from '../store/connections.js';
import { MissingKeyError } from '../store/keys.js';
import { isTableauError } from '../tableau/errors.js';
import { formatCount, LIMITS } from './limits.js';

// The class lives outside http/ so that services and the scheduler can throw it (server/errors.ts).
export { ApiError, invalidInput, unauthorized } from '../errors.js';

/** Readable one-liner from zod issues: "auth.patSecret: Required; page: Too small". */
function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Parse or throw a 400 naming what is wrong (`where` = "body", "query"...). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(`Invalid ${where}: ${describeZodError(result.error)}`);
  return result.data;
}

export function toErrorReply(err: unknown): { status: number; body: ApiErrorBody; unexpected: boolean } {
  if (err instanceof ApiError) return { status: err.status, body: err.body, unexpected: false };
  if (isTableauError(err)) {
    return { status: HTTP_STATUS[err.code], body: err.toApiError(), unexpected: false };
  }
  const withApi = err as { toApiError?: () => ApiErrorBody } | null;
  if (withApi && typeof withApi.toApiError === 'function') {
    // Data-path errors (server/pull PullDataError): the source's data could not be read as asked.
    const body = withApi.toApiError();
    return { status: httpStatusOf(body.code, 422), body, unexpected: false };
  }
  if (err instanceof z.ZodError) {
    return { status: 400, body: { code: 'invalid-input', message: describeZodError(err) }, unexpected: false };
  }
  const fe = err as Partial<FastifyError>;
  // fastify's own 4xx: unparsable JSON, unsupported content type, body too large, bad URL...
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.statusCode === 413 ? 'payload-too-large' : fe.statusCode === 415 ? 'unsupported-media-type' : 'invalid-input';
    return { status: fe.statusCode, body: { code, message: plainFastifyMessage(fe) }, unexpected: false };
  }
  return {
    status: 500,
    body: { code: 'internal', message: 'Something went wrong in the companion server. Try again; if it persists, check its log.' },
    unexpected: true,
  };
}

function plainFastifyMessage(fe: Partial<FastifyError>): string {
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return 'The request body is not valid JSON.';
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return `The request body is larger than ${formatCount(LIMITS.bodyBytes)} bytes, the limit.`;
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Send the request body as application/json.';
  if (fe.code === 'FST_ERR_BAD_URL') return 'The request URL is not valid (a malformed %-escape).';
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return `A part of the request URL is longer than ${formatCount(LIMITS.urlParamChars)} characters, the limit.`;
  }
  return fe.message ?? 'The request is not valid.';
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, unexpected } = toErrorReply(err);
  if (unexpected) request.log.error({ err }, 'unexpected error');
  else if (status >= 500) request.log.warn({ err }, 'upstream error');
  // A key this instance lacks after a rotation: the operator's fix (which files to copy where) is in the log only.
  else if (err instanceof SecretUnreadableError && err.cause instanceof MissingKeyError) {
    request.log.warn({ code: body.code, status, reason: err.cause.message }, 'a saved secret is sealed with a key this instance lacks');
  } else request.log.info({ code: body.code, status }, 'request refused');
  void reply.status(status).send({ error: body });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0]!;
  // Named, but cut: a refusal never echoes a huge input back.
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  void reply.status(404).send({ error: { code: 'not-found', message: `No such route: ${request.method} ${shown}` } });
}
