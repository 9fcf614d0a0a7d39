/**
 * Every error code of the product, in one union, and the HTTP status of each code the companion
 * server sends. An error travels as `{ error: ApiErrorBody }` (an HTTP body) or as a stream's
 * `error` message (common/stream.ts); the add-in decides what to do by its code, so both sides
 * name the codes from here and the compiler refuses a code that is not listed.
 */

/** What Tableau said or why it could not be reached (server/tableau/errors.ts, network-errors.ts). */
export type TableauErrorCode =
  | 'bad-credentials'
  | 'session-expired'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'bad-request'
  | 'invalid-input'
  | 'rate-limited'
  /** The companion server's own VDS budget for the site (VDS_QUERIES_PER_HOUR_PER_SITE) is spent: nothing was sent. */
  | 'vds-budget-spent'
  | 'server-unavailable'
  | 'server-error'
  | 'timeout'
  | 'invalid-response'
  | 'feature-unavailable'
  | 'vds-disabled'
  /** Tableau's Metadata API is turned off (FEATURE_DISABLED): descriptions and lineage are missing, nothing else. */
  | 'metadata-disabled'
  | 'vds-unknown-field'
  | 'vds-response-too-large'
  | 'vds-no-api-access'
  | 'vds-invalid-query'
  | 'extract-refresh-failed'
  | 'dns-not-found'
  | 'dns-unavailable'
  | 'tls-to-plain-http'
  | 'certificate-untrusted'
  | 'redirect-refused'
  /** Team mode: the operator does not allow this host, or it resolves to an internal address (server/net). */
  | 'target-not-allowed'
  | 'stream-interrupted'
  | 'stream-stalled';

/** The companion server's own refusals (server/http, server/store). */
type CompanionErrorCode =
  /** No session, or the server no longer knows it (restarted, expired): connect again. */
  | 'unauthorized'
  | 'forbidden-origin'
  | 'host-not-allowed'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'secret-unreadable'
  | 'internal';

/** The source's data could not be read as asked (server/pull/errors.ts PullDataError). */
type DataErrorCode = 'invalid-query' | 'result-too-large' | 'vds-error' | 'bad-response' | 'bad-csv' | 'incomplete';

/** Scheduled pulls (server/schedule/errors.ts ScheduleError). */
export type ScheduleErrorCode =
  'schedule-missing' | 'schedule-busy' | 'scheduler-stopped' | 'connection-missing' | 'run-interrupted' | 'incomplete';

/** A schedule's stored results (server/http/routes/schedules.ts, server/store/snapshots.ts). */
type SnapshotErrorCode = 'no-snapshot' | 'snapshot-gone';

/** Publishing a table to Tableau (common/publish.ts, server/publish). */
type PublishErrorCode =
  /** The signed-in user is not a site administrator: nothing was changed (checked before any call). */
  | 'not-site-admin'
  /** The site changed since the dry run the user confirmed: the body carries the new plan. */
  | 'plan-changed'
  /** The plan removes something and the apply came without `confirmRemovals: true`. */
  | 'confirmation-needed'
  /** An apply with this connection is still running (a second click): wait for its results. */
  | 'publish-busy'
  /** The table cannot be planned at all (a required column missing, a mapped header not in the table). */
  | 'table-invalid';

/** Codes the server sends: each has an HTTP status below. */
export type ServerErrorCode =
  TableauErrorCode | CompanionErrorCode | DataErrorCode | ScheduleErrorCode | SnapshotErrorCode | PublishErrorCode;

/**
 * Codes only the add-in makes (never on the wire, so no HTTP status): the server could not be
 * reached or its answer broke off (addin/api), a refresh could not start (addin/refresh/runner),
 * the workbook refused a write (addin/workbook/gateway.ts WorkbookErrorCode).
 */
type PaneErrorCode =
  | 'network'
  | 'gateway'
  | 'cancelled'
  | 'unexpected'
  | 'stream-cut'
  | 'stream-damaged'
  | 'not-connected'
  | 'no-schedule'
  | 'sign-in-needed'
  | 'collision'
  | 'sheet-protected'
  | 'too-large'
  | 'unsupported'
  | 'excel-error';

export type ApiErrorCode = ServerErrorCode | PaneErrorCode;

/**
 * HTTP status of each code the server sends: what the add-in should do, not what Tableau answered
 * (a Tableau 5xx is our 502: the companion server is fine, the server behind it is not).
 */
export const HTTP_STATUS: Record<ServerErrorCode, number> = {
  'bad-credentials': 401,
  'session-expired': 401,
  unauthorized: 401,
  forbidden: 403,
  'not-site-admin': 403,
  'vds-no-api-access': 403,
  'forbidden-origin': 403,
  'not-found': 404,
  'schedule-missing': 404,
  'no-snapshot': 404,
  conflict: 409,
  'secret-unreadable': 409,
  'schedule-busy': 409,
  'connection-missing': 409,
  'plan-changed': 409,
  'publish-busy': 409,
  'bad-request': 400,
  'invalid-input': 400,
  'vds-invalid-query': 400,
  'vds-unknown-field': 400,
  'confirmation-needed': 400,
  'table-invalid': 400,
  // The address in the request (or where Tableau redirected it) is one the operator does not let the
  // server reach: the request cannot succeed as sent, whoever repeats it (docs/security.md).
  'target-not-allowed': 400,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  // https://www.rfc-editor.org/rfc/rfc9110#name-421-misdirected-request: not a host this server answers to.
  'host-not-allowed': 421,
  'feature-unavailable': 422,
  'vds-disabled': 422,
  'metadata-disabled': 422,
  'vds-response-too-large': 422,
  'invalid-query': 422,
  'result-too-large': 422,
  'vds-error': 422,
  'bad-response': 422,
  'bad-csv': 422,
  'snapshot-gone': 422,
  'rate-limited': 429,
  // Our budget, kept to stay inside Tableau's VDS limit: 429 Too Many Requests, try later (https://www.rfc-editor.org/rfc/rfc6585#section-4).
  'vds-budget-spent': 429,
  internal: 500,
  'server-unavailable': 502,
  'server-error': 502,
  'invalid-response': 502,
  'extract-refresh-failed': 502,
  incomplete: 502,
  'dns-not-found': 502,
  'dns-unavailable': 502,
  'tls-to-plain-http': 502,
  'certificate-untrusted': 502,
  'redirect-refused': 502,
  'stream-interrupted': 502,
  'scheduler-stopped': 503,
  'run-interrupted': 503,
  timeout: 504,
  'stream-stalled': 504,
};

/** The status of a code that came from elsewhere (an object's `toApiError()`), or `fallback`. */
export function httpStatusOf(code: string, fallback: number): number {
  return Object.hasOwn(HTTP_STATUS, code) ? HTTP_STATUS[code as ServerErrorCode] : fallback;
}

/** Every API error (HTTP body or stream `error` message) has this shape; `message` is plain words. */
export interface ApiErrorBody {
  code: ApiErrorCode;
  /** Plain words for the analyst. Never contains a secret. */
  message: string;
  /** Optional hint, e.g. "Add a filter or a row limit". */
  hint?: string;
  /** Tableau's own error code when there is one (e.g. '401002', '400804'). */
  tableauCode?: string;
}

/**
 * True for anything shaped like an ApiErrorBody: what a peer sent (an HTTP body, a stream message)
 * or an object's `toApiError()`. The code is not checked against the union: a newer server may
 * send a code this add-in does not know, and its words are still the right ones to show.
 */
export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  const v = value as Partial<Record<keyof ApiErrorBody, unknown>> | null;
  return typeof v === 'object' && v !== null && typeof v.code === 'string' && typeof v.message === 'string';
}

/** The one "cancelled" answer: the analyst (or a newer request) stopped the work, nothing was kept. */
export const CANCELLED: ApiErrorBody = { code: 'cancelled', message: 'Cancelled' };

/**
 * Throws `cancelled()` once `signal` has been aborted: the one check every long piece of work
 * (a refresh, a workbook write) makes between steps, each throwing its own error type.
 * (Structural type: common/ has neither the DOM's nor Node's AbortSignal declared.)
 */
export function throwIfAborted(signal: { readonly aborted: boolean } | undefined, cancelled: () => Error): void {
  if (signal?.aborted) throw cancelled();
}
