/**
 * Typed errors of the Tableau client. Every failure that leaves server/tableau is a TableauError whose
 * `code` is one of the stable ApiErrorBody codes (common/stream.ts) and whose message is plain words
 * for the analyst. Messages are built from Tableau's codes and our own text only: never from request
 * headers or bodies, so a token, password or JWT cannot leak through an error.
 */
import type { ApiErrorBody } from '../../common/stream.js';
import { restErrorSchema, vdsErrorSchema } from './schemas/error.js';

export type TableauErrorCode =
  | 'bad-credentials'
  | 'session-expired'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'bad-request'
  | 'invalid-input'
  | 'rate-limited'
  | 'server-unavailable'
  | 'server-error'
  | 'timeout'
  | 'invalid-response'
  | 'feature-unavailable'
  | 'vds-disabled'
  | 'vds-unknown-field'
  | 'vds-response-too-large'
  | 'vds-no-api-access'
  | 'vds-invalid-query'
  | 'extract-refresh-failed';

export interface TableauErrorInit {
  code: TableauErrorCode;
  message: string;
  hint?: string;
  tableauCode?: string;
  httpStatus?: number;
  /** What went wrong underneath, for logs only (never shown to the analyst). */
  cause?: unknown;
}

export class TableauError extends Error {
  readonly code: TableauErrorCode;
  readonly hint?: string;
  readonly tableauCode?: string;
  readonly httpStatus?: number;

  constructor(init: TableauErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TableauError';
    this.code = init.code;
    this.hint = init.hint;
    this.tableauCode = init.tableauCode;
    this.httpStatus = init.httpStatus;
  }

  toApiError(): ApiErrorBody {
    const body: ApiErrorBody = { code: this.code, message: this.message };
    if (this.hint) body.hint = this.hint;
    if (this.tableauCode) body.tableauCode = this.tableauCode;
    return body;
  }
}

export function isTableauError(e: unknown): e is TableauError {
  return e instanceof TableauError;
}

interface Known {
  code: TableauErrorCode;
  message: string;
  hint?: string;
}

/** REST codes seen by real clients (notes §6.2, §1.6). The first three digits equal the HTTP status. */
const REST_CODES: Record<string, Known> = {
  '400006': { code: 'bad-request', message: 'Tableau rejected the page number: there are fewer pages than requested.' },
  '400023': { code: 'bad-request', message: 'Tableau rejected the list request (often caused by fields=_all_ on older servers).' },
  '401000': { code: 'session-expired', message: 'The Tableau session has expired. Sign in again.' },
  '401001': {
    code: 'bad-credentials',
    message: 'Tableau did not accept the sign-in.',
    hint: 'Check the token name and secret (or user name and password) and the site. Personal access tokens expire after 15 days without use.',
  },
  '401002': {
    code: 'session-expired',
    message: 'The Tableau session is no longer valid (expired, signed out, or the same personal access token signed in elsewhere).',
  },
  '403070': { code: 'forbidden', message: 'Tableau could not switch to that site.' },
  '403157': { code: 'feature-unavailable', message: 'This feature is turned off on the Tableau server.' },
  '403800': {
    code: 'vds-no-api-access',
    message: 'You do not have the "API Access" permission on this data source.',
    hint: 'Ask the data source owner or a site admin to grant API Access.',
  },
  '404001': { code: 'not-found', message: 'Tableau could not find that item. It may have been deleted or you may lack access.' },
  '404003': { code: 'not-found', message: 'This Tableau server does not know this API request (the server may be too old).' },
  '409004': { code: 'conflict', message: 'Tableau rejected the schedule as invalid.' },
  '429000': { code: 'rate-limited', message: 'Tableau is receiving too many requests. Try again in a minute.' },
};

/** VizQL Data Service codes (notes §5.4, tableau-mcp queryDatasourceErrorHandler.ts / vds_error_codes.html). */
const VDS_CODES: Record<string, Known> = {
  '400000': { code: 'vds-invalid-query', message: 'Tableau rejected the query as a bad request.' },
  '400800': { code: 'vds-invalid-query', message: 'A calculation in the query is not a valid Tableau formula.' },
  '400802': { code: 'vds-invalid-query', message: 'The query does not match the VizQL Data Service format.' },
  '400803': { code: 'vds-unknown-field', message: 'The query names a field that the data source does not have.' },
  '400804': {
    code: 'vds-response-too-large',
    message: 'The query result is too large for Tableau to return.',
    hint: 'Add a filter or a row limit.',
  },
  '401001': REST_CODES['401001'],
  '401002': REST_CODES['401002'],
  '403157': { code: 'vds-disabled', message: 'VizQL Data Service is turned off on this Tableau site.' },
  '403800': REST_CODES['403800'],
  '404934': { code: 'vds-unknown-field', message: 'The query names a field that the data source does not have.' },
  '404950': { code: 'vds-disabled', message: 'VizQL Data Service is not enabled on this server.' },
  '408000': { code: 'timeout', message: 'The VizQL Data Service query timed out.', hint: 'Add a filter to make the query smaller.' },
  '429000': REST_CODES['429000'],
  '500810': { code: 'server-error', message: 'The data source returned an empty table.' },
  '500811': { code: 'server-error', message: 'Tableau could not read the data source metadata.' },
  '503800': { code: 'server-unavailable', message: 'VizQL Data Service is temporarily unavailable.' },
  '503801': { code: 'server-unavailable', message: 'VizQL Data Service is temporarily unavailable.' },
  '504000': { code: 'timeout', message: 'Tableau timed out while answering the query.' },
};

/** Fallback by HTTP status when the body carries no code we know (HTML gateway pages, bare 429s). */
function byStatus(status: number): Known {
  if (status === 400) return { code: 'bad-request', message: 'Tableau rejected the request as invalid.' };
  if (status === 401) return { code: 'session-expired', message: 'Tableau did not accept the session. Sign in again.' };
  if (status === 403) return { code: 'forbidden', message: 'You do not have permission for this in Tableau.' };
  if (status === 404) return { code: 'not-found', message: 'Tableau could not find that item. It may have been deleted or you may lack access.' };
  if (status === 405 || status === 409) return { code: 'conflict', message: 'Tableau refused the request in the current state.' };
  if (status === 408 || status === 504) return { code: 'timeout', message: 'Tableau took too long to answer.' };
  if (status === 429) return { code: 'rate-limited', message: 'Tableau is receiving too many requests. Try again in a minute.' };
  if (status === 502 || status === 503) return { code: 'server-unavailable', message: 'Tableau is temporarily unavailable.' };
  if (status >= 500) return { code: 'server-error', message: `Tableau reported an internal error (HTTP ${status}).` };
  return { code: 'invalid-response', message: `Tableau answered with an unexpected HTTP status ${status}.` };
}

/** Tableau's own text is safe to show (it never echoes credentials) but can be long; keep it short. */
function clip(text: string | undefined, max = 300): string | undefined {
  if (!text) return undefined;
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function tryParseJson(text: string): unknown {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** REST error body `{error:{code,summary,detail}}` → code, or undefined (HTML page, empty body...). */
export function restErrorCode(body: string): string | undefined {
  const parsed = restErrorSchema.safeParse(tryParseJson(body));
  return parsed.success ? parsed.data.error.code : undefined;
}

export function vdsErrorCode(body: string): string | undefined {
  const parsed = vdsErrorSchema.safeParse(tryParseJson(body));
  return parsed.success ? parsed.data.errorCode : restErrorCode(body);
}

/** Build the error for a non-2xx REST answer. The HTML of a gateway page is never parsed as JSON. */
export function restError(status: number, body: string): TableauError {
  const parsed = restErrorSchema.safeParse(tryParseJson(body));
  const tableauCode = parsed.success ? parsed.data.error.code : undefined;
  const known = (tableauCode && REST_CODES[tableauCode]) || byStatus(status);
  const detail = parsed.success && !REST_CODES[tableauCode ?? ''] ? clip(parsed.data.error.detail ?? parsed.data.error.summary) : undefined;
  return new TableauError({
    code: known.code,
    message: detail ? `${known.message} Tableau says: ${detail}` : known.message,
    hint: known.hint,
    tableauCode,
    httpStatus: status,
  });
}

/** VDS errors have their own shape `{errorCode, message}` (notes §5.4); a disabled VDS answers 404. */
export function vdsError(status: number, body: string): TableauError {
  const parsed = vdsErrorSchema.safeParse(tryParseJson(body));
  const tableauCode = parsed.success ? parsed.data.errorCode : restErrorCode(body);
  if (status === 404 && (!tableauCode || tableauCode === '404950' || !VDS_CODES[tableauCode])) {
    // tableau-mcp vizqlDataServiceMethods.ts: every 404 from VDS means the service is switched off.
    return new TableauError({
      code: 'vds-disabled',
      message: 'VizQL Data Service is not enabled on this server.',
      hint: 'A Tableau Server administrator can enable it with TSM (features.VizqlDataServiceDeployWithTSM).',
      tableauCode,
      httpStatus: status,
    });
  }
  const known = (tableauCode && VDS_CODES[tableauCode]) || (status === 429 ? VDS_CODES['429000'] : byStatus(status));
  const tableauText = parsed.success ? clip(parsed.data.message) : undefined;
  const isQueryProblem = known.code === 'vds-unknown-field' || known.code === 'vds-invalid-query';
  return new TableauError({
    code: known.code,
    message: isQueryProblem && tableauText ? `${known.message} Tableau says: ${tableauText}` : known.message,
    hint: known.hint,
    tableauCode,
    httpStatus: status,
  });
}

/** Known message for a code (used by tests and by callers building their own errors). */
export function describeTableauCode(tableauCode: string): { code: TableauErrorCode; message: string } | undefined {
  const k = REST_CODES[tableauCode] ?? VDS_CODES[tableauCode];
  return k ? { code: k.code, message: k.message } : undefined;
}
