/**
 * A lean read of bodiless GETs (list pages, serverinfo, single items): node:http on the client's own
 * agents, the body taken as one Buffer and decoded once. axios spent ~1.3 ms of CPU per 500 KB list
 * page around Node's own work (config merging, interceptors, header objects, its stream pipeline):
 * on the 11 pages of a 10k listing that is CPU on the critical path of every round trip (bench
 * list_10k, issue #18; docs/performance.md, List).
 *
 * It does what the axios instance of http.ts does for such a request, and no less:
 *  - the same agents, so the team-mode guard (server/net/guard.ts) checks every connection it opens
 *    and keep-alive sockets are shared with axios;
 *  - redirects are never followed (node:http does not; auth.ts decides on a 3xx);
 *  - every status resolves (the caller maps it), the body as text with a leading BOM removed;
 *  - the same socket-inactivity timeout, failing with axios' code and words (ECONNABORTED,
 *    "timeout of N ms exceeded"), so network-errors.ts classifies it the same;
 *  - the same request headers (Accept-Encoding, User-Agent) and gzip/deflate/br bodies decoded
 *    leniently as axios does (https://github.com/axios/axios/blob/v1.x/lib/adapters/http.js);
 *  - an outbound proxy is axios' business: with HTTP_PROXY/HTTPS_PROXY/ALL_PROXY set
 *    (proxy-from-env, which axios reads: https://github.com/Rob--W/proxy-from-env), it is not used.
 * Node's errors carry no request config, so nothing secret rides on a failure (http.ts sanitize).
 */
import { isAscii } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { pipeline, type Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';

import axios from 'axios';

import type { HttpResponse, LeanGet, LeanStream } from './http.js';

/** The variables proxy-from-env reads (either case); any of them set means axios may use a proxy. */
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy'];

export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => !!(env[name] || env[name.toUpperCase()]));
}

/** What axios adds to every request by default (its defaults and http adapter, axios 1.x). */
const DEFAULT_HEADERS = { 'Accept-Encoding': 'gzip, compress, deflate, br', 'User-Agent': `axios/${axios.VERSION}` };

/** axios' lenient decoding: a body cut inside the last block still gives what arrived. */
const ZLIB_LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_LENIENT = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

function decode(encoding: string | undefined, body: Buffer, done: (err: Error | null, out: Buffer) => void): boolean {
  switch ((encoding ?? '').toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
      zlib.unzip(body, ZLIB_LENIENT, done);
      return true;
    case 'deflate':
      // A raw deflate body gets a zlib header first, as axios' ZlibHeaderTransformStream does.
      zlib.unzip(body[0] === 0x78 ? body : Buffer.concat([Buffer.from([0x78, 0x9c]), body]), ZLIB_LENIENT, done);
      return true;
    case 'br':
      zlib.brotliDecompress(body, { ...BROTLI_LENIENT }, done);
      return true;
    default:
      return false;
  }
}

/**
 * The answer with its body decoded when first read, not when it arrives: a list page is read in its
 * parse turn (paging.ts), so the next request goes out ~0.5–1 ms sooner after each 500 KB page. An
 * all-ASCII body (most list pages: only names and descriptions may hold other characters) is copied
 * as latin1, the same string at about half the cost of UTF-8 decoding (https://nodejs.org/api/buffer.html#bufferisasciiinput).
 */
function lazyText(status: number, headers: Record<string, string | undefined>, bytes: Buffer): HttpResponse {
  let text: string | undefined;
  let raw: Buffer | undefined = bytes;
  return {
    status,
    headers,
    get body(): string {
      if (text === undefined) {
        const decoded = isAscii(raw!) ? raw!.toString('latin1') : raw!.toString('utf8');
        raw = undefined; // the bytes are not kept beside their text
        // axios removes a leading byte order mark from text bodies.
        text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
      }
      return text;
    },
  };
}

function timeoutError(timeoutMs: number): Error {
  return Object.assign(new Error(`timeout of ${timeoutMs}ms exceeded`), { code: 'ECONNABORTED' });
}

/**
 * One GET on the client's agents with axios' headers, sent at once. Socket inactivity, before and
 * during the body, fails the request (and so the response and its body stream) with axios' timeout
 * error, as axios' req.setTimeout does.
 */
function sendGet(
  url: string,
  headers: Record<string, string>,
  agents: { http: http.Agent; https: https.Agent },
  timeoutMs: number,
  reject: (err: Error) => void,
  onResponse: (res: http.IncomingMessage) => void,
): void {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const request = (secure ? https : http).request(
    target,
    { method: 'GET', agent: secure ? agents.https : agents.http, headers: { ...DEFAULT_HEADERS, ...headers } },
    onResponse,
  );
  request.setTimeout(timeoutMs, () => request.destroy(timeoutError(timeoutMs)));
  request.on('error', reject);
  request.end();
}

export function createLeanGet(timeoutMs: number, agents: { http: http.Agent; https: https.Agent }): LeanGet {
  return (url, headers, onAnswered) =>
    new Promise<HttpResponse>((resolve, reject) => {
      sendGet(url, headers, agents, timeoutMs, reject, (res) => {
        const status = res.statusCode ?? 0;
        if (onAnswered && status >= 200 && status < 300) onAnswered();
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('error', reject);
        // A body that breaks off: Node emits 'error' (ECONNRESET "aborted"); a close without an end is the same.
        res.on('close', () => {
          if (!res.complete) reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        });
        res.on('end', () => {
          const out: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) out[k] = v == null ? undefined : String(v);
          const finish = (err: Error | null, bytes: Buffer) => {
            if (err) return reject(err);
            resolve(lazyText(status, out, bytes));
          };
          const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
          // axios drops the header of a body it decoded, and of a 204 that has none.
          if (status !== 204 && decode(out['content-encoding'], body, finish)) delete out['content-encoding'];
          else {
            if (status === 204) delete out['content-encoding'];
            finish(null, body);
          }
        });
      });
    });
}

/** A raw deflate body gets a zlib header before its first byte, as axios' ZlibHeaderTransformStream does. */
function zlibHeader(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (first && chunk.length) {
        first = false;
        if (chunk[0] !== 0x78) this.push(Buffer.from([0x78, 0x9c]));
      }
      cb(null, chunk);
    },
  });
}

/** axios' streamed decoders for a Content-Encoding (its http adapter), or none: the body as it came. */
function decoders(encoding: string | undefined): Transform[] {
  switch ((encoding ?? '').toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
      return [zlib.createUnzip(ZLIB_LENIENT)];
    case 'deflate':
      return [zlibHeader(), zlib.createUnzip(ZLIB_LENIENT)];
    case 'br':
      return [zlib.createBrotliDecompress({ ...BROTLI_LENIENT })];
    default:
      return [];
  }
}

/**
 * A streamed GET (the view data export, views.ts openExport) outside axios: the response itself is
 * the body stream, with none of axios' layers around it (its config merging, and for a streamed
 * answer an async generator re-wrapped in Readable.from that only counts bytes against
 * maxContentLength, which our client sets to Infinity). About a sixth of an instance's CPU per
 * scheduled run went to axios' export request (bench team, issue #17; docs/performance.md, Team).
 *
 * What createLeanGet keeps, kept here: the client's agents (the team-mode guard checks every
 * connection), no redirect followed, every status resolved, the socket-inactivity timeout failing
 * in axios' words, axios' request headers, and gzip/deflate/br bodies decoded as a stream as axios
 * does (stream.pipeline, which passes a failure of the response on to the decoded stream). The
 * caller guards the body (http.ts guardBody: stalls, cuts, resets) as it guards axios' stream.
 */
export function createLeanStream(timeoutMs: number, agents: { http: http.Agent; https: https.Agent }): LeanStream {
  return (url, headers) =>
    new Promise((resolve, reject) => {
      sendGet(url, headers, agents, timeoutMs, reject, (res) => {
        const status = res.statusCode ?? 0;
        const out: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) out[k] = v == null ? undefined : String(v);
        // axios drops the header of a body it decodes, and of a 204 that has none.
        const steps = status === 204 ? [] : decoders(out['content-encoding']);
        if (status === 204 || steps.length) delete out['content-encoding'];
        // No decoding (the usual case): the response is the body stream, no layer in between.
        const body: Readable = steps.length ? (pipeline([res, ...steps], () => undefined) as unknown as Transform) : res;
        resolve({ status, headers: out, stream: body, socket: res.socket as Socket | undefined });
      });
    });
}
