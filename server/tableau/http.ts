/**
 * The one axios instance per client and the retry loop around it.
 *
 * - Statuses never throw (validateStatus: always true): the caller maps them to TableauErrors.
 * - Bodies are read as text and parsed by us, because 429/502/503/504 answers are often HTML pages
 *   (Cloud KB "concurrency limits in REST APIs"; TSC NonXMLResponseError): an HTML body must keep its
 *   status, never crash a JSON.parse.
 * - Redirects are never followed by axios (maxRedirects 0): axios turns a 301 POST into a GET, and
 *   sign-in must be re-POSTed to the pod (auth.ts).
 * - Retries: 429/502/503/504 and network errors that can heal, exponential backoff with full jitter,
 *   Retry-After honoured, bounded attempts and an overall deadline. Clock, sleep and random are
 *   injected. A name that does not resolve, an untrusted certificate and TLS spoken to a plain-HTTP
 *   port are not retried: they fail the same way every time (network-errors.ts).
 * - Team mode: the agents (server/net/guard.ts) refuse a host the operator does not allow or an
 *   internal address, at connect time; that refusal becomes 'target-not-allowed', never retried.
 * - Streamed bodies are guarded (guardBody): a body that breaks off or sends nothing for the idle
 *   timeout becomes a StreamInterruptedError, logged once at warn with its cause.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';

import axios, { type AxiosInstance } from 'axios';

import { findTargetRefusal, type TargetRefusedError } from '../net/guard.js';
import { TableauError } from './errors.js';
import {
  classifyNetworkError,
  logCause,
  networkError,
  originOf,
  type StreamFailureKind,
  StreamInterruptedError,
  stripQueries,
} from './network-errors.js';

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** [0, 1) */
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Overall budget for one logical request including all its retries. */
  deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, deadlineMs: 120_000 };

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** Already-encoded query string without '?' (see buildQuery). */
  query?: string;
  headers?: Record<string, string>;
  data?: unknown;
  /** Stream the body of a 2xx answer instead of reading it as text. */
  stream?: boolean;
  /**
   * A call that changes the site (add a user, create a project): retried only when Tableau surely did
   * not act on it — a 429, or a connection that never opened (WRITE_SAFE_FAILURES). A 5xx or a
   * connection lost after the request went out is NOT retried: Tableau may have done it (TSC#636,
   * TSC#1137: a user added although the answer was an error), so the caller reads the site to decide.
   */
  write?: boolean;
  /**
   * Called once when a 2xx answer's status line and headers are in, before its body is read: Tableau
   * is done with the request then (paging.ts sends the next page at that moment). Only the lean GET
   * path calls it; a caller must not rely on it being called.
   */
  onAnswered?: () => void;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** Text body; for a 2xx streamed answer it is '' and `stream` is set. */
  body: string;
  stream?: Readable;
}

/** A bodiless GET read whole, outside axios (lean-get.ts). */
export type LeanGet = (url: string, headers: Record<string, string>, onAnswered?: () => void) => Promise<HttpResponse>;

/** A streamed GET outside axios (lean-get.ts createLeanStream): the body stream, unguarded, and its socket. */
export type LeanStream = (
  url: string,
  headers: Record<string, string>,
) => Promise<{ status: number; headers: Record<string, string | undefined>; stream: Readable; socket?: Socket }>;

/** Error bodies we read from a stream are small JSON or HTML pages; never buffer more than this. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Agents: a team server's check where it may connect (TargetGuard.agents, server/net/guard.ts);
 * tests pass their own (a CA to trust, a DNS `lookup` for made-up names).
 */
export interface Agents {
  http?: http.Agent;
  https?: https.Agent;
}

/** The given agents, or keep-alive ones of our own. */
export function withDefaultAgents(agents: Agents = {}): Required<Agents> {
  return { http: agents.http ?? new http.Agent({ keepAlive: true }), https: agents.https ?? new https.Agent({ keepAlive: true }) };
}

export function createAxios(timeoutMs: number, agents: Agents = {}): AxiosInstance {
  const { http: httpAgent, https: httpsAgent } = withDefaultAgents(agents);
  return axios.create({
    timeout: timeoutMs,
    maxRedirects: 0,
    validateStatus: () => true,
    transformResponse: [(d: unknown) => d],
    httpAgent,
    httpsAgent,
    // Export streams can be hundreds of MB (TSC #1374): no axios body cap, we stream.
    maxContentLength: Infinity,
    maxBodyLength: Infinity,
  });
}

/**
 * Encode query parameters ourselves: spaces as %20 (field names in vf_ keys contain spaces), every
 * value through encodeURIComponent. Tableau decodes before splitting filter expressions, so encoded
 * `:` `,` `[` `]` are fine (TSC ≥ 3.7 sends filter as a normal encoded param).
 */
export function buildQuery(params: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

async function readCapped(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      chunks.push(b);
      size += b.length;
      if (size >= MAX_ERROR_BODY) break;
    }
  } catch {
    // A reset while reading an error page: the status is what matters.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8');
}

/** Default idle timeout of a streamed body: no byte for this long while we wait for one = stalled. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export interface BodyGuard {
  /** No byte for this long, while we are ready for more, ends the body with 'stream-stalled'. */
  idleTimeoutMs: number;
  logger: Logger;
}

/**
 * One attempt, no retry. Network failures throw the raw axios/Node error (classified by the caller).
 * `lean`: bodiless GETs read whole go through it instead of axios (lean-get.ts says why and how).
 */
export async function sendOnce(
  ax: AxiosInstance,
  req: HttpRequest,
  guard?: BodyGuard,
  lean?: LeanGet,
  leanStream?: LeanStream,
): Promise<HttpResponse> {
  const url = req.query ? `${req.url}?${req.query}` : req.url;
  if (lean && req.method === 'GET' && !req.stream && req.data === undefined)
    return lean(url, { Accept: 'application/json', ...req.headers }, req.onAnswered);
  if (leanStream && req.method === 'GET' && req.stream && req.data === undefined) {
    const res = await leanStream(url, { Accept: 'application/json', ...req.headers });
    return streamed(req, res.status, res.headers, res.stream, res.socket, guard);
  }
  const res = await ax.request({
    method: req.method,
    url,
    // No body → no Content-Type at all (axios would add a form type that servers answer with 415).
    headers: { Accept: 'application/json', 'Content-Type': req.data !== undefined ? 'application/json' : false, ...req.headers },
    data: req.data === undefined ? undefined : JSON.stringify(req.data),
    responseType: req.stream ? 'stream' : 'text',
  });
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) headers[k.toLowerCase()] = v == null ? undefined : String(v);
  if (req.stream) {
    // The socket tells a reset (RST: 'close' with hadError) from a plain close; the body cannot.
    const socket = (res.request as { socket?: Socket } | undefined)?.socket ?? undefined;
    return streamed(req, res.status, headers, res.data as Readable, socket, guard);
  }
  return { status: res.status, headers, body: typeof res.data === 'string' ? res.data : String(res.data ?? '') };
}

/** A streamed answer: a 2xx body guarded (guardBody), any other status's body read as text (capped). */
async function streamed(
  req: HttpRequest,
  status: number,
  headers: Record<string, string | undefined>,
  stream: Readable,
  socket: Socket | undefined,
  guard: BodyGuard | undefined,
): Promise<HttpResponse> {
  if (status >= 200 && status < 300) {
    const body = guard
      ? guardBody(stream, { ...guard, label: `${req.method} ${new URL(req.url).pathname}`, origin: originOf(req.url), socket })
      : stream;
    return { status, headers, body: '', stream: body };
  }
  return { status, headers, body: await readCapped(stream) };
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

function isRetryableStatus(status: number, write: boolean | undefined): boolean {
  // 429: Tableau refused the call before doing it (rest_api_concepts_errors.htm, kb "Concurrency limits in REST APIs").
  return write ? status === 429 : RETRY_STATUS.has(status);
}

/** Network failures where the request never reached Tableau: safe to send a write again. */
const WRITE_SAFE_FAILURES = new Set(['refused', 'unreachable', 'connect-timeout', 'dns-unavailable']);

/**
 * An AxiosError carries the request config: headers with X-Tableau-Auth and the sign-in body with
 * the PAT secret or password. Only its code and message may travel on (as a TableauError cause that
 * a logger might serialise), and the message without any URL query string.
 */
function sanitize(e: unknown): Error {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const message = typeof err?.message === 'string' ? stripQueries(err.message).slice(0, 200) : 'request failed';
  return Object.assign(new Error(message), code ? { code } : {});
}

/** `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT` → ms, or undefined. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Full jitter (AWS architecture blog "Exponential Backoff And Jitter"): random(0, min(cap, base·2^n)). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

export interface RetryContext {
  policy: RetryPolicy;
  clock: Clock;
  logger: Logger;
  /** For log lines: method + path, no query string (filter values are the analyst's business). */
  label: string;
}

/**
 * Send with retries. Returns the final response (2xx or not); throws a TableauError when the request
 * never got an HTTP answer, in words that name the cause (network-errors.ts). That error is not logged
 * here: its `cause` holds the exact reason (code, request, address, attempts) for the ONE line that
 * whoever reports the failure writes (the HTTP error handler, the scheduler). Retries log at info.
 */
export async function sendWithRetry(
  send: () => Promise<HttpResponse>,
  ctx: RetryContext & { url?: string; write?: boolean },
): Promise<HttpResponse> {
  const { policy, clock, logger } = ctx;
  const started = clock.now();
  for (let attempt = 0; ; attempt++) {
    let res: HttpResponse | undefined;
    let failure: ReturnType<typeof classifyNetworkError> | undefined;
    try {
      res = await send();
      if (!isRetryableStatus(res.status, ctx.write)) return res;
    } catch (e) {
      if (e instanceof TableauError) throw e;
      const refused = findTargetRefusal(e);
      if (refused) throw targetNotAllowed(refused, ctx);
      failure = classifyNetworkError(e);
      if (!failure.retryable || (ctx.write && !WRITE_SAFE_FAILURES.has(failure.kind))) throw failed(failure, ctx, attempt + 1);
    }
    const backoff = backoffDelay(attempt, policy, clock.random);
    const retryAfter = res ? parseRetryAfter(res.headers['retry-after'], clock.now()) : undefined;
    const delay = retryAfter !== undefined ? Math.max(retryAfter, backoff) : backoff;
    const elapsed = clock.now() - started;
    const giveUp = attempt + 1 >= policy.maxAttempts || elapsed + delay > policy.deadlineMs;
    const what = res ? { status: res.status } : { error: failure!.kind, code: failure!.code };
    if (giveUp) {
      if (res) {
        // The status goes on to the caller, which turns it into the error that gets reported.
        logger.info({ request: ctx.label, attempt: attempt + 1, ...what }, 'tableau request failed, no retries left');
        return res;
      }
      throw failed(failure!, ctx, attempt + 1);
    }
    logger.info({ request: ctx.label, attempt: attempt + 1, delayMs: delay, ...what }, 'tableau request retrying');
    await clock.sleep(delay);
  }
}

/** The operator's rule, not the network: the same every time, so never retried. The log gets the address. */
function targetNotAllowed(refused: TargetRefusedError, ctx: RetryContext & { url?: string }): TableauError {
  const why = refused.detail ?? 'not on the allow-list';
  const cause = Object.assign(new Error(`target refused (${ctx.label} to ${ctx.url ? originOf(ctx.url) : refused.host}): ${why}`), {
    code: refused.code,
  });
  return new TableauError({ code: 'target-not-allowed', message: refused.message, cause });
}

function failed(failure: ReturnType<typeof classifyNetworkError>, ctx: RetryContext & { url?: string }, attempts: number): TableauError {
  const origin = ctx.url ? originOf(ctx.url) : 'Tableau';
  const cause = logCause(failure, { request: ctx.label, origin, attempts });
  if (!ctx.url) return new TableauError({ code: 'server-unavailable', message: 'Could not reach Tableau.', cause });
  return networkError(failure, ctx.url, cause);
}

/**
 * The body of a streamed answer, guarded:
 *  - an error on the socket or a close before the end → StreamInterruptedError ('cut' or 'reset');
 *  - no byte for `idleTimeoutMs` while we are ready to take more → 'stalled', and the download is
 *    aborted. A body that waits because OUR reader is slow (backpressure: the source is paused) is
 *    not stalled — Tableau is not the one who stopped.
 * Each failure is logged once at warn with its cause (no URL query, no headers). A consumer that
 * stops reading early (destroy) is not a failure: the download is closed quietly.
 */
export function guardBody(source: Readable, o: BodyGuard & { label: string; origin: string; socket?: Socket }): Readable {
  // 64 kB: a socket chunk fits, so the source is not paused and resumed on every chunk.
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  let bytes = 0;
  let lastByteAt = Date.now();
  let ended = false;
  let failed = false;
  let reset = false;
  let timer: NodeJS.Timeout | undefined;
  const onSocketError = (e: unknown) => {
    if ((e as { code?: string })?.code === 'ECONNRESET') reset = true;
  };
  const onSocketClose = (hadError: boolean) => {
    if (hadError) reset = true;
  };
  o.socket?.on('error', onSocketError);
  o.socket?.on('close', onSocketClose);
  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  // Keep-alive sockets carry later requests: leave no listener behind.
  const detach = () => {
    o.socket?.off('error', onSocketError);
    o.socket?.off('close', onSocketClose);
  };
  const fail = (kind: StreamFailureKind, cause?: unknown) => {
    if (failed || ended || out.destroyed) return;
    failed = true;
    clear();
    detach();
    const why = cause === undefined ? undefined : classifyNetworkError(cause);
    o.logger.warn(
      {
        request: o.label,
        target: o.origin,
        bytes,
        failure: kind,
        ...(why ? { cause: why.detail, code: why.code } : { idleMs: o.idleTimeoutMs }),
      },
      kind === 'stalled' ? 'tableau stopped sending data' : 'tableau data stream broke off',
    );
    const err = new StreamInterruptedError(kind, bytes, o.idleTimeoutMs, undefined, why ? sanitize(cause) : undefined);
    source.destroy();
    out.destroy(err);
  };
  // One timer, not one per chunk: it checks how long ago the last byte came and sleeps the rest.
  const arm = (delay = o.idleTimeoutMs) => {
    clear();
    if (failed || ended || out.destroyed || !(o.idleTimeoutMs > 0)) return;
    timer = setTimeout(() => {
      timer = undefined;
      // Our reader is behind (the PassThrough is full and paused the source): not Tableau's stall.
      if (source.isPaused() || out.writableNeedDrain) {
        lastByteAt = Date.now();
        return arm();
      }
      const silent = Date.now() - lastByteAt;
      if (silent < o.idleTimeoutMs) return arm(o.idleTimeoutMs - silent);
      fail('stalled');
    }, delay);
    timer.unref?.();
  };
  source.on('data', (chunk: Buffer | string) => {
    bytes += chunk.length;
    lastByteAt = Date.now();
    if (!out.write(chunk)) source.pause();
  });
  out.on('drain', () => {
    // Waiting for our reader does not count as Tableau's silence.
    lastByteAt = Date.now();
    source.resume();
  });
  source.on('end', () => {
    ended = true;
    clear();
    detach();
    out.end();
  });
  // Node reports both a close and a reset mid-body as "aborted" (ECONNRESET); the socket knows which
  // (its error may have come before these listeners: the RST can arrive with the first bytes).
  const broken = (): StreamFailureKind =>
    reset || (o.socket?.errored as { code?: string } | null | undefined)?.code === 'ECONNRESET' ? 'reset' : 'cut';
  source.on('error', (e) => fail(broken(), e));
  source.on('close', () => {
    if (!ended)
      fail(broken(), Object.assign(new Error('the connection closed before the body ended'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
  });
  // The reader went away (preview limit reached, client disconnected): close the download.
  out.on('close', () => {
    clear();
    detach();
    if (!source.destroyed) source.destroy();
  });
  arm();
  return out;
}
