/**
 * The one axios instance per client and the retry loop around it.
 *
 * - Statuses never throw (validateStatus: always true): the caller maps them to TableauErrors.
 * - Bodies are read as text and parsed by us, because 429/502/503/504 answers are often HTML pages
 *   (Cloud KB "concurrency limits in REST APIs"; TSC NonXMLResponseError): an HTML body must keep its
 *   status, never crash a JSON.parse.
 * - Redirects are never followed by axios (maxRedirects 0): axios turns a 301 POST into a GET, and
 *   sign-in must be re-POSTed to the pod (auth.ts).
 * - Retries: 429/502/503/504 and network errors, exponential backoff with full jitter, Retry-After
 *   honoured, bounded attempts and an overall deadline. Clock, sleep and random are injected.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios, { type AxiosInstance } from 'axios';
import { TableauError } from './errors.js';

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
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** Text body; for a 2xx streamed answer it is '' and `stream` is set. */
  body: string;
  stream?: Readable;
}

/** Error bodies we read from a stream are small JSON or HTML pages; never buffer more than this. */
const MAX_ERROR_BODY = 64 * 1024;

export function createAxios(timeoutMs: number): AxiosInstance {
  return axios.create({
    timeout: timeoutMs,
    maxRedirects: 0,
    validateStatus: () => true,
    transformResponse: [(d: unknown) => d],
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
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

/** One attempt, no retry. Network failures throw the raw axios/Node error (classified by the caller). */
export async function sendOnce(ax: AxiosInstance, req: HttpRequest): Promise<HttpResponse> {
  const url = req.query ? `${req.url}?${req.query}` : req.url;
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
    const stream = res.data as Readable;
    if (res.status >= 200 && res.status < 300) return { status: res.status, headers, body: '', stream };
    return { status: res.status, headers, body: await readCapped(stream) };
  }
  return { status: res.status, headers, body: typeof res.data === 'string' ? res.data : String(res.data ?? '') };
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ERR_NETWORK', 'ENETUNREACH', 'EHOSTUNREACH']);

export function isRetryableStatus(status: number): boolean {
  return RETRY_STATUS.has(status);
}

export function isNetworkError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { code?: string; message?: string; cause?: unknown };
  if (err.code && NETWORK_CODES.has(err.code)) return true;
  if (typeof err.message === 'string' && /socket hang up|timeout of \d+ms exceeded|network error/i.test(err.message)) return true;
  return err.cause ? isNetworkError(err.cause) : false;
}

function isTimeout(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === 'ECONNABORTED' || err?.code === 'ETIMEDOUT' || /timeout/i.test(err?.message ?? '');
}

/**
 * An AxiosError carries the request config: headers with X-Tableau-Auth and the sign-in body with
 * the PAT secret or password. Only its code and message may travel on (as a TableauError cause that
 * a logger might serialise).
 */
export function sanitize(e: unknown): Error {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const message = typeof err?.message === 'string' ? err.message.slice(0, 200) : 'request failed';
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
 * Send with retries. Returns the final response (2xx or not); throws TableauError only when the
 * network kept failing ('timeout' / 'server-unavailable').
 */
export async function sendWithRetry(send: () => Promise<HttpResponse>, ctx: RetryContext): Promise<HttpResponse> {
  const { policy, clock, logger } = ctx;
  const started = clock.now();
  for (let attempt = 0; ; attempt++) {
    let res: HttpResponse | undefined;
    let failure: unknown;
    try {
      res = await send();
      if (!isRetryableStatus(res.status)) return res;
    } catch (e) {
      if (e instanceof TableauError) throw e;
      if (!isNetworkError(e)) {
        throw new TableauError({ code: 'server-unavailable', message: 'The request to Tableau failed.', cause: sanitize(e) });
      }
      failure = e;
    }
    const backoff = backoffDelay(attempt, policy, clock.random);
    const retryAfter = res ? parseRetryAfter(res.headers['retry-after'], clock.now()) : undefined;
    const delay = retryAfter !== undefined ? Math.max(retryAfter, backoff) : backoff;
    const elapsed = clock.now() - started;
    const giveUp = attempt + 1 >= policy.maxAttempts || elapsed + delay > policy.deadlineMs;
    const what = res ? { status: res.status } : { error: (failure as { code?: string }).code ?? (failure as Error).message };
    if (giveUp) {
      logger.warn({ request: ctx.label, attempt: attempt + 1, ...what }, 'tableau request failed, no retries left');
      if (res) return res;
      throw new TableauError({
        code: isTimeout(failure) ? 'timeout' : 'server-unavailable',
        message: isTimeout(failure) ? 'Tableau took too long to answer.' : 'Could not reach Tableau (the connection failed repeatedly).',
        cause: sanitize(failure),
      });
    }
    logger.info({ request: ctx.label, attempt: attempt + 1, delayMs: delay, ...what }, 'tableau request retrying');
    await clock.sleep(delay);
  }
}
