/**
 * The one way the pane sends a request to the companion server: same origin by default, the session
 * token as a Bearer header, JSON bodies, errors turned into ApiError with plain words, and the
 * stored session dropped only when the server itself says it no longer knows it.
 */
import type { StreamMessage } from '../../common/stream.js';
import { ApiError, endsCompanionSession, errorFromResponse, toApiError } from './errors.js';
import { pullInWorker, startPullWorker, type WorkerLike } from './pull-in-worker.js';
import { createSessionStore, type SessionStore } from './sessionStore.js';
import { readStream } from './stream.js';

export interface TransportOptions {
  /** '' = same origin (the server serves the pane). */
  baseUrl?: string;
  fetch?: typeof fetch;
  session?: SessionStore;
  /**
   * Where typed result streams are read and decoded (pull-in-worker.ts). Default: a new Web Worker
   * per stream, unless `fetch` is given (a worker cannot use it) or the pane cannot start one;
   * null: always on the pane's thread.
   */
  worker?: (() => WorkerLike | null) | null;
}

export interface CallOptions {
  signal?: AbortSignal;
}

interface Transport {
  readonly session: SessionStore;
  send(method: string, path: string, body?: unknown, opts?: CallOptions, accept?: string): Promise<Response>;
  json<T>(method: string, path: string, body?: unknown, opts?: CallOptions): Promise<T>;
  /** A typed result stream (common/stream.ts), decoded message by message as bytes arrive. */
  stream(method: string, path: string, body?: unknown, opts?: CallOptions): AsyncGenerator<StreamMessage>;
}

export function createTransport(options: TransportOptions = {}): Transport {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  // Bound lazily: tests swap globalThis.fetch after the client exists.
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const session = options.session ?? createSessionStore();
  const worker = options.worker !== undefined ? options.worker : options.fetch ? null : startPullWorker;

  function request(method: string, path: string, body: unknown, accept: string) {
    const headers: Record<string, string> = { Accept: accept };
    const token = session.get();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return { url: `${baseUrl}${path}`, method, headers, body: body === undefined ? undefined : JSON.stringify(body), token };
  }

  async function refused(response: Response, token: string | null): Promise<ApiError> {
    const error = await errorFromResponse(response);
    // The server no longer knows our session (restarted, expired): drop it so the next Connect starts fresh.
    if (token && endsCompanionSession(response.status, error)) session.clear();
    return error;
  }

  async function send(
    method: string,
    path: string,
    body?: unknown,
    opts: CallOptions = {},
    accept = 'application/json',
  ): Promise<Response> {
    const req = request(method, path, body, accept);
    let response: Response;
    try {
      response = await doFetch(req.url, { method, headers: req.headers, body: req.body, signal: opts.signal });
    } catch (error) {
      throw toApiError(error);
    }
    if (!response.ok) throw await refused(response, req.token);
    return response;
  }

  async function* stream(method: string, path: string, body?: unknown, opts: CallOptions = {}): AsyncGenerator<StreamMessage> {
    async function* here(): AsyncGenerator<StreamMessage> {
      const response = await send(method, path, body, opts);
      yield* readStream(response, opts.signal);
    }
    const w = worker?.() ?? null;
    if (!w) return yield* here();
    const { token, ...init } = request(method, path, body, 'application/json');
    yield* pullInWorker(w, init, { signal: opts.signal, refused: (response) => refused(response, token), fallback: here });
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

  return { session, send, json, stream };
}
