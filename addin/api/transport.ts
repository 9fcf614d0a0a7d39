/**
 * The one way the pane sends a request to the companion server: same origin by default, the session
 * token as a Bearer header, JSON bodies, errors turned into ApiError with plain words, and the
 * stored session dropped only when the server itself says it no longer knows it.
 */
import { ApiError, endsCompanionSession, errorFromResponse, toApiError } from './errors.js';
import { createSessionStore, type SessionStore } from './sessionStore.js';

export interface TransportOptions {
  /** '' = same origin (the server serves the pane). */
  baseUrl?: string;
  fetch?: typeof fetch;
  session?: SessionStore;
}

export interface CallOptions {
  signal?: AbortSignal;
}

interface Transport {
  readonly session: SessionStore;
  send(method: string, path: string, body?: unknown, opts?: CallOptions, accept?: string): Promise<Response>;
  json<T>(method: string, path: string, body?: unknown, opts?: CallOptions): Promise<T>;
}

export function createTransport(options: TransportOptions = {}): Transport {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  // Bound lazily: tests swap globalThis.fetch after the client exists.
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const session = options.session ?? createSessionStore();

  async function send(
    method: string,
    path: string,
    body?: unknown,
    opts: CallOptions = {},
    accept = 'application/json',
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept };
    const token = session.get();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: opts.signal,
      });
    } catch (error) {
      throw toApiError(error);
    }
    if (!response.ok) {
      const error = await errorFromResponse(response);
      // The server no longer knows our session (restarted, expired): drop it so the next Connect starts fresh.
      if (token && endsCompanionSession(response.status, error)) session.clear();
      throw error;
    }
    return response;
  }

  async function json<T>(method: string, path: string, body?: unknown, opts?: CallOptions): Promise<T> {
    const response = await send(method, path, body, opts);
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch (error) {
      if (opts?.signal?.aborted) throw toApiError(error);
      throw new ApiError({ code: 'bad-response', message: 'The companion server sent an answer the pane cannot read' });
    }
  }

  return { session, send, json };
}
