/**
 * Network failures in words that name the party and what to do.
 *
 * axios hands us the Node error (or wraps it, the original under `.cause`); the code that matters can
 * sit anywhere in that chain, so every classification walks it. Codes and what they mean:
 *   - DNS: ENOTFOUND / EAI_NONAME / EAI_FAIL / EAI_NODATA = the name does not exist; EAI_AGAIN = the
 *     resolver did not answer (https://nodejs.org/api/dns.html#error-codes, getaddrinfo(3)).
 *     RFC 2606 reserves `.invalid` for names that never resolve (the tests use it).
 *   - Sockets: ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EPIPE
 *     (https://nodejs.org/api/errors.html#common-system-errors).
 *   - TLS to a plain-HTTP port: OpenSSL reads the HTTP answer as a TLS record and fails with
 *     "wrong version number" (EPROTO; ERR_SSL_WRONG_VERSION_NUMBER in newer Node) or
 *     "packet length too long" (https://github.com/nodejs/node/issues/27384 and OpenSSL's ssl3_record.c).
 *   - Certificates: the X509 verification codes of https://nodejs.org/api/tls.html#x509-certificate-error-codes
 *     and ERR_TLS_CERT_ALTNAME_INVALID (https://nodejs.org/api/errors.html#err_tls_cert_altname_invalid).
 *   - Not HTTP at all: llhttp's HPE_* parse errors (https://nodejs.org/api/errors.html#hpe_header_overflow and
 *     https://github.com/nodejs/llhttp).
 *
 * Port-probe oracle. The connect form takes any address, so the API must not tell a caller whether a
 * port is open: refused, reset, timed out, unreachable, "answered but not HTTP" and "answered HTTP but
 * not Tableau" (auth.ts negotiateVersion) are ONE code, 'server-unavailable', with ONE message per
 * address; the exact cause goes to the log only (in the error's `cause`). Trade-off, as issue #14
 * asks: three failures keep their own words because they tell the analyst exactly what to fix —
 * a name that does not resolve (no port is involved at all), TLS spoken to a plain-HTTP port and an
 * untrusted certificate. The last two do reveal that something listens on that port (and speaks HTTP,
 * or TLS); that is accepted. Timing still differs (a refused port fails at once, a dropped one after
 * the timeout): the words are the same, the clock is not — documented in docs/tableau-network.md.
 */
import { TableauError } from './errors.js';

type NetworkFailureKind =
  | 'dns-not-found'
  | 'dns-unavailable'
  | 'tls-to-plain-http'
  | 'certificate'
  | 'refused'
  | 'reset'
  | 'connect-timeout'
  | 'response-timeout'
  | 'unreachable'
  | 'not-http'
  | 'other';

export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** The Node / OpenSSL / axios code that decided it (ENOTFOUND, DEPTH_ZERO_SELF_SIGNED_CERT, ...). */
  code?: string;
  /** Would the same request work a moment later? DNS-not-found, certificates, TLS-to-http: never. */
  retryable: boolean;
  /** For certificates: the plain reason ("it is self-signed"). */
  reason?: string;
  /** Low-level message for the log, query strings removed, at most 300 characters. */
  detail: string;
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error and everything under it: `.cause` chains and AggregateError's `.errors` (happy eyeballs). */
function errorChain(e: unknown, max = 8): ErrorLike[] {
  const out: ErrorLike[] = [];
  const queue: unknown[] = [e];
  const seen = new Set<unknown>();
  while (queue.length && out.length < max) {
    const next = queue.shift();
    if (!next || typeof next !== 'object' || seen.has(next)) continue;
    seen.add(next);
    const err = next as ErrorLike;
    out.push(err);
    if (err.cause !== undefined) queue.push(err.cause);
    if (Array.isArray(err.errors)) queue.push(...err.errors);
  }
  return out;
}

const DNS_NOT_FOUND = new Set(['ENOTFOUND', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const TLS_TO_HTTP_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);
const TLS_TO_HTTP_TEXT = /wrong version number|packet length too long|http request/i;

const UNKNOWN_ISSUER = 'it was issued by a certificate authority this computer does not trust';

/** X509 verification codes (Node tls docs) → the plain reason. */
const CERTIFICATE_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: `${UNKNOWN_ISSUER} (a self-signed root certificate)`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: `${UNKNOWN_ISSUER}, or the server does not send its intermediate certificate`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: `${UNKNOWN_ISSUER}, or the server does not send its intermediate certificate`,
  UNABLE_TO_GET_ISSUER_CERT: `${UNKNOWN_ISSUER}, or the server does not send its intermediate certificate`,
  CERT_UNTRUSTED: 'it is not trusted for this purpose',
  CERT_REJECTED: 'it is marked as rejected',
  CERT_REVOKED: 'it has been revoked',
  CERT_SIGNATURE_FAILURE: 'its signature is not valid',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was issued for another name',
  HOSTNAME_MISMATCH: 'it was issued for another name',
  INVALID_PURPOSE: 'it is not meant to identify a server',
};

const REFUSED = new Set(['ECONNREFUSED']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);
const CONNECT_TIMEOUT = new Set(['ETIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);

/** Node's messages can hold the request URL; its query string (filter values) stays out of logs. */
export function stripQueries(text: string): string {
  return text.replace(/(\bhttps?:\/\/[^\s?#"']*)[?#][^\s"']*/gi, '$1');
}

function describe(chain: ErrorLike[]): string {
  const parts: string[] = [];
  for (const err of chain) {
    const code = typeof err.code === 'string' ? err.code : undefined;
    const message = typeof err.message === 'string' ? err.message.replace(/\s+/g, ' ').trim() : '';
    const text = code && !message.includes(code) ? `${code}: ${message}` : message || code || '';
    if (text && !parts.includes(text)) parts.push(text);
  }
  return stripQueries(parts.join(' ← ') || 'request failed').slice(0, 300);
}

/**
 * What went wrong underneath a failed request. Always answers: anything not recognised is 'other'
 * (treated as a connection-level failure, not retried).
 */
export function classifyNetworkError(e: unknown): NetworkFailure {
  const chain = errorChain(e);
  const detail = describe(chain);
  const codes = chain.map((err) => (typeof err.code === 'string' ? err.code : undefined));
  const messages = chain.map((err) => (typeof err.message === 'string' ? err.message : ''));
  const find = (set: Set<string>) => codes.find((c) => c !== undefined && set.has(c));

  // The specific causes first, wherever they sit in the chain.
  const dns = find(DNS_NOT_FOUND);
  if (dns) return { kind: 'dns-not-found', code: dns, retryable: false, detail };
  if (codes.includes('EAI_AGAIN')) return { kind: 'dns-unavailable', code: 'EAI_AGAIN', retryable: true, detail };
  const cert = codes.find((c) => c !== undefined && c in CERTIFICATE_REASONS);
  if (cert) return { kind: 'certificate', code: cert, retryable: false, reason: CERTIFICATE_REASONS[cert], detail };
  const tlsCode = find(TLS_TO_HTTP_CODES);
  const tlsText = messages.some((m) => /SSL routines|ssl3_get_record|EPROTO/i.test(m) && TLS_TO_HTTP_TEXT.test(m));
  if (tlsCode || tlsText) return { kind: 'tls-to-plain-http', code: tlsCode ?? 'EPROTO', retryable: false, detail };

  const refused = find(REFUSED);
  if (refused) return { kind: 'refused', code: refused, retryable: true, detail };
  const unreachable = find(UNREACHABLE);
  if (unreachable) return { kind: 'unreachable', code: unreachable, retryable: true, detail };
  const connectTimeout = find(CONNECT_TIMEOUT);
  if (connectTimeout) return { kind: 'connect-timeout', code: connectTimeout, retryable: true, detail };
  // axios' own timeout ("timeout of 120000ms exceeded"): the server accepted but did not answer.
  if (codes.includes('ECONNABORTED') || messages.some((m) => /timeout of \d+ms exceeded/i.test(m))) {
    return { kind: 'response-timeout', code: 'ECONNABORTED', retryable: true, detail };
  }
  const reset = find(RESET);
  if (reset || messages.some((m) => /socket hang up|^aborted$/i.test(m)))
    return { kind: 'reset', code: reset ?? 'ECONNRESET', retryable: true, detail };
  const parse = codes.find((c) => c?.startsWith('HPE_'));
  if (parse || messages.some((m) => /^Parse Error/i.test(m))) return { kind: 'not-http', code: parse ?? 'HPE', retryable: false, detail };
  if (codes.includes('ERR_NETWORK') || codes.includes('EPROTO'))
    return { kind: 'other', code: codes.find(Boolean), retryable: codes.includes('ERR_NETWORK'), detail };
  return { kind: 'other', code: codes.find(Boolean), retryable: false, detail };
}

/** `https://host:443` — scheme, host and port always written out, never a path or query. */
export function originOf(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
  return `${u.protocol}//${u.hostname}${port ? `:${port}` : ''}`;
}

/** The one message of every connection-level failure (the port-probe rule above). */
export function unreachableError(url: string | URL, cause?: unknown): TableauError {
  const u = typeof url === 'string' ? new URL(url) : url;
  const plain =
    u.protocol === 'http:' ? ' The address starts with http://; if the server uses https, write https:// (or leave the scheme out).' : '';
  return new TableauError({
    code: 'server-unavailable',
    message: `Could not reach Tableau at ${originOf(u)}.`,
    hint: `Check the server address and port, and that this computer can reach it (network, VPN, proxy). The companion server's log has the exact cause.${plain}`,
    cause,
  });
}

/** A cause object for the log: the classified failure, what was asked, no headers, no query. */
export function logCause(failure: NetworkFailure, context: { request: string; origin: string; attempts: number }): Error {
  const err = new Error(
    `${failure.kind} (${context.request} to ${context.origin}, ${context.attempts} attempt${context.attempts === 1 ? '' : 's'}): ${failure.detail}`,
  );
  return Object.assign(err, failure.code ? { code: failure.code } : {});
}

/**
 * The TableauError for a request that failed underneath HTTP. `cause` carries the exact reason for
 * the one log line the caller writes (the HTTP error handler, the scheduler).
 */
export function networkError(failure: NetworkFailure, url: string | URL, cause: Error): TableauError {
  const u = typeof url === 'string' ? new URL(url) : url;
  const host = u.hostname;
  switch (failure.kind) {
    case 'dns-not-found':
      return new TableauError({
        code: 'dns-not-found',
        message: `The server name "${host}" was not found (DNS). Check the server address.`,
        hint: 'Copy the address from the browser while you are signed in to Tableau, e.g. https://tableau.example.com or https://10ay.online.tableau.com.',
        cause,
      });
    case 'dns-unavailable':
      return new TableauError({
        code: 'dns-unavailable',
        message: `The server name "${host}" could not be looked up: the network's name service (DNS) did not answer.`,
        hint: "Check this computer's network connection (and VPN), then try again.",
        cause,
      });
    case 'tls-to-plain-http':
      return new TableauError({
        code: 'tls-to-plain-http',
        message: `${originOf(u)} answered in plain HTTP: https:// was used on a port that does not speak TLS.`,
        hint: `Use the server's https port (usually 443, no port in the address), or write http://${u.host} if this server really runs without TLS.`,
        cause,
      });
    case 'certificate':
      return new TableauError({
        code: 'certificate-untrusted',
        message: `The certificate of ${host} is not trusted: ${failure.reason ?? 'it could not be verified'}. Nothing was sent to it.`,
        hint: certificateHint(failure.code),
        cause,
      });
    case 'response-timeout':
      return new TableauError({ code: 'timeout', message: 'Tableau took too long to answer.', hint: 'Try again in a moment.', cause });
    default:
      return unreachableError(u, cause);
  }
}

function certificateHint(code: string | undefined): string {
  if (code === 'CERT_HAS_EXPIRED') return "The Tableau server's administrator must renew its certificate.";
  if (code === 'CERT_NOT_YET_VALID')
    return "Check this computer's date and time; otherwise the server's administrator must fix the certificate.";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return 'Use the address that the certificate was issued for (the one you use in the browser).';
  }
  // https://nodejs.org/api/cli.html#node_extra_ca_certsfile
  return "If your organisation uses its own certificate authority, start the companion server with NODE_EXTRA_CA_CERTS set to that authority's certificate (a PEM file). Certificate checks are never turned off.";
}

export type StreamFailureKind = 'cut' | 'reset' | 'stalled';

/**
 * A response body that stopped before its end: Tableau (or something between) closed or reset the
 * connection, or sent nothing for `idleMs`. The data path knows how many rows had arrived and adds
 * them with `withRows` before the message reaches the analyst (server/pull).
 */
export class StreamInterruptedError extends TableauError {
  constructor(
    readonly failure: StreamFailureKind,
    readonly bytes: number,
    readonly idleMs: number,
    readonly rows?: number,
    cause?: unknown,
  ) {
    super({
      code: failure === 'stalled' ? 'stream-stalled' : 'stream-interrupted',
      message: streamFailureMessage(failure, idleMs, rows),
      hint:
        failure === 'stalled'
          ? 'Try again; if it keeps happening, add a filter so Tableau has less to send.'
          : 'Try again; if it keeps happening, add a filter so the result is smaller.',
      cause,
    });
  }

  /** The same failure, its words now counting the rows that had arrived. */
  withRows(rows: number): StreamInterruptedError {
    return new StreamInterruptedError(this.failure, this.bytes, this.idleMs, rows, this.cause);
  }
}

const count = (n: number) => n.toLocaleString('en-US');

function streamFailureMessage(failure: StreamFailureKind, idleMs: number, rows?: number): string {
  const after = rows === undefined ? '' : ` after ${count(rows)} row${rows === 1 ? '' : 's'}`;
  const kept = 'the previous data in your table is kept. Try again.';
  if (failure === 'stalled') return `Tableau stopped sending data for ${formatSeconds(idleMs)}${after}; ${kept}`;
  if (failure === 'reset') return `The connection to Tableau was reset${after} (by Tableau or by the network in between); ${kept}`;
  return `Tableau cut the data stream${after}; ${kept}`;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
