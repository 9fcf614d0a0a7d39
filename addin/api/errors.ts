import { type ApiErrorBody, type ApiErrorCode, CANCELLED, isApiErrorBody } from '../../common/errors.js';

/**
 * The one error type the pane shows. `body` is always plain words (ApiErrorBody.message), so a
 * screen can put it in a MessageBar as-is; `status` is the HTTP status when there was one.
 */
export class ApiError extends Error {
  readonly body: ApiErrorBody;
  readonly status?: number;

  constructor(body: ApiErrorBody, status?: number) {
    super(body.message);
    this.name = 'ApiError';
    this.body = body;
    this.status = status;
  }
}

export const NETWORK_DOWN: ApiErrorBody = {
  code: 'network',
  message: 'Cannot reach the companion server',
  hint: 'Check that it is running (npm start) and that this pane was opened from it.',
};

function isAbort(error: unknown): boolean {
  return (
    (error instanceof ApiError && error.body.code === 'cancelled') ||
    (typeof error === 'object' && error !== null && (error as { name?: string }).name === 'AbortError')
  );
}

/** Plain words for an HTTP status when the body did not carry the server's own mapped message. */
function errorForStatus(status: number): ApiErrorBody {
  // The server's own 401 (server/http/auth.ts) always has a body; one without a body (a proxy, a
  // restarted server behind it) can only mean the same thing: no companion session. One meaning,
  // one code, so the stored session is dropped (endsCompanionSession) and the pane asks to connect.
  if (status === 401) return { code: 'unauthorized', message: 'Your session with the companion server has ended', hint: 'Connect again.' };
  if (status === 403) return { code: 'forbidden', message: 'You do not have permission to do that' };
  if (status === 404) return { code: 'not-found', message: 'That item no longer exists on the server' };
  if (status === 413) return { code: 'payload-too-large', message: 'The request is too large for the companion server' };
  if (status === 429) return { code: 'rate-limited', message: 'Tableau is busy and asked us to slow down', hint: 'Try again in a minute.' };
  if (status === 502 || status === 503 || status === 504)
    return { code: 'gateway', message: 'Tableau or a proxy in between did not answer in time', hint: 'Try again in a minute.' };
  if (status >= 500) return { code: 'server-error', message: 'The companion server hit an unexpected problem' };
  return { code: 'bad-request', message: `The companion server refused the request (HTTP ${status})` };
}

/** Reads `{ error: ApiErrorBody }` from a failed response; falls back to words for the status (HTML bodies etc.). */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await response.text());
  } catch {
    parsed = undefined;
  }
  const inner = (parsed as { error?: unknown } | undefined)?.error;
  if (isApiErrorBody(inner)) return new ApiError(inner, response.status);
  return new ApiError(errorForStatus(response.status), response.status);
}

/** Anything thrown while talking to the server → ApiError with plain words. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isAbort(error)) return new ApiError(CANCELLED);
  // fetch rejects with a TypeError ("Failed to fetch" / "fetch failed") when the server is unreachable.
  if (error instanceof TypeError) return new ApiError(NETWORK_DOWN);
  if (isApiErrorBody(error)) return new ApiError(error);
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError({ code: 'unexpected', message: message || 'Something went wrong' });
}

/**
 * True when the companion server no longer knows our session (restarted, expired, revoked): only
 * then is the stored session token dropped. A 401 can also carry Tableau's own verdict on the
 * connection (e.g. 'bad-credentials' for a revoked PAT); that must not end the companion session.
 */
export function endsCompanionSession(status: number, error: unknown): boolean {
  const code = (error as { body?: { code?: unknown } } | null)?.body?.code;
  return status === 401 && code === 'unauthorized';
}

/**
 * Tableau no longer accepts the connection's sign-in (401000/401002 → 'bad-credentials' /
 * 'session-expired'), or the companion server no longer knows the session ('unauthorized', with
 * or without a body): either way the analyst connects again, so a screen or a refresh asks for
 * that instead of showing an error.
 */
const SIGN_IN_CODES: ReadonlySet<ApiErrorCode> = new Set(['bad-credentials', 'session-expired', 'unauthorized']);

export function needsSignIn(body: ApiErrorBody): boolean {
  return SIGN_IN_CODES.has(body.code);
}
