/**
 * The server's pino logger. Secrets must never reach a log line, whatever shape they arrive in:
 *  - any property whose NAME looks secret (authorization, x-tableau-auth, patSecret, password, jwt,
 *    token, ...) is replaced at any depth and in any letter case (pino's own `redact` needs exact
 *    paths, so a scrubbing `formatters.log` does the deep part and `redact` covers request headers);
 *  - errors are reduced to name/message/code/status/stack: axios errors carry the request config
 *    (X-Tableau-Auth header, the sign-in body with the PAT secret) as enumerable properties.
 * A person at a terminal gets pino-pretty's one-line-per-event text (colours, local time); anything
 * else (a file, a service manager, a pipe) gets pino's JSON lines. Both are fed the same scrubbed
 * objects: pretty printing runs after redaction, in-process (no worker thread to lose lines at exit).
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import { build as prettyStream } from 'pino-pretty';

export type { Logger };

export const REDACTED = '[redacted]';

const SECRET_KEY =
  /^(authorization|proxy-authorization|x-tableau-auth|cookie|set-cookie|pat-?secret|personalAccessTokenSecret|password|jwt|secret|client-?secret|token|session-?token|credentials?|sealed-?auth)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.replace(/_/g, '-'));
}

const MAX_DEPTH = 8;

/** Copy of `value` with every secret-named property replaced; class instances other than Error are left to serializers. */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth > MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return safeError(value, depth, seen);
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => scrub(item, depth + 1, seen));
  }
  if (proto !== Object.prototype && proto !== null) return value;
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? REDACTED : scrub(item, depth + 1, seen);
  }
  return out;
}

function safeError(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  seen.add(err);
  const e = err as Error & { code?: unknown; status?: unknown; statusCode?: unknown; tableauCode?: unknown };
  const out: Record<string, unknown> = { type: err.name, message: err.message, stack: err.stack };
  for (const key of ['code', 'status', 'statusCode', 'tableauCode'] as const) {
    if (e[key] !== undefined && typeof e[key] !== 'object') out[key] = e[key];
  }
  if (err.cause !== undefined) out.cause = scrub(err.cause, depth + 1, seen);
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go (tests pass a buffer); default stdout. */
  destination?: DestinationStream;
  /** Human-readable lines instead of JSON; default: when stdout is a terminal (and no destination is given). */
  pretty?: boolean;
}

function prettyTo(destination: DestinationStream | undefined): DestinationStream {
  return prettyStream({
    destination: (destination as NodeJS.WritableStream | undefined) ?? 1,
    colorize: destination === undefined && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
    sync: true,
  });
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-tableau-auth"]', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: REDACTED,
      },
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      // Errors are already reduced by scrub(); pino's default serializer would rename their type.
      serializers: { err: (e: unknown) => e, error: (e: unknown) => e },
    },
    (options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true))
      ? prettyTo(options.destination)
      : (options.destination ?? pino.destination(1)),
  );
}
