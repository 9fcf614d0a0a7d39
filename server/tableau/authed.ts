/**
 * Authenticated requests: X-Tableau-Auth on every REST and VDS call (docs/tableau-rest.md#sessions), one re-sign-in and
 * replay on a 401 with 401000/401002 (docs/tableau-rest.md#sessions), non-2xx → TableauError, JSON through zod.
 * A 3xx is followed only where auth.ts `redirectVerdict` allows (same origin as the address the user
 * gave, or a Cloud pod over https); anywhere else it is refused and the token is not sent there.
 */
import type { z } from 'zod';

import { followRedirects, type Transport } from './auth.js';
import { restError, restErrorCode, TableauError, tryParseJson, vdsError, vdsErrorCode } from './errors.js';
import type { Clock, HttpRequest, HttpResponse, Logger } from './http.js';
import type { Session, SessionCache } from './sessions.js';

export type ErrorShape = 'rest' | 'vds';

/** "No credentials" / "invalid credentials": the token is gone, a fresh sign-in fixes it. */
const SESSION_CODES = new Set(['401000', '401002']);

export interface AuthedOptions {
  transport: Transport;
  sessions: SessionCache;
  key: string;
  session: Session;
  signIn: () => Promise<Session>;
  logger: Logger;
  clock: Clock;
  /** The address the user gave; redirects are checked against it (default: the session's server). */
  given?: URL;
}

export class AuthedTransport {
  private current: Session;

  constructor(private readonly o: AuthedOptions) {
    this.current = o.session;
  }

  get logger(): Logger {
    return this.o.logger;
  }

  get clock(): Clock {
    return this.o.clock;
  }

  /** The freshest session: another client sharing the cache may have renewed the token already. */
  get session(): Session {
    const shared = this.o.sessions.get(this.o.key);
    if (shared && shared.siteId === this.current.siteId) this.current = shared;
    return this.current;
  }

  /** Replace the session (switchSite) under a new key. */
  rebind(key: string, session: Session, signIn: () => Promise<Session>): void {
    this.o.key = key;
    this.o.signIn = signIn;
    this.current = session;
    this.o.sessions.set(key, session);
  }

  get key(): string {
    return this.o.key;
  }

  async send(req: HttpRequest, shape: ErrorShape = 'rest'): Promise<HttpResponse> {
    let session = this.session;
    let res = await this.sendFollowing(withToken(req, session.token), session);
    if (res.status === 401 && isSessionGone(res.body, shape)) {
      this.o.logger.info({ request: `${req.method} ${new URL(req.url).pathname}` }, 'tableau session no longer valid, signing in again');
      session = await this.o.sessions.renew(this.o.key, session.token, this.o.signIn);
      this.current = session;
      res = await this.sendFollowing(withToken(req, session.token), session);
    }
    if (res.status < 200 || res.status >= 300) {
      res.stream?.destroy();
      throw shape === 'vds' ? vdsError(res.status, res.body) : restError(res.status, res.body);
    }
    return res;
  }

  private async sendFollowing(req: HttpRequest, session: Session): Promise<HttpResponse> {
    const given = this.o.given ?? new URL(session.baseUrl);
    return (await followRedirects(this.o.transport, req, given, this.o.logger)).res;
  }

  async json<S extends z.ZodType>(req: HttpRequest, schema: S, shape: ErrorShape = 'rest'): Promise<z.infer<S>> {
    const res = await this.send(req, shape);
    return parseJson(res, schema);
  }
}

export function parseJson<S extends z.ZodType>(res: HttpResponse, schema: S): z.infer<S> {
  const raw = tryParseJson(res.body);
  if (raw === undefined) {
    throw new TableauError({
      code: 'invalid-response',
      message: 'Tableau answered with something that is not JSON.',
      httpStatus: res.status,
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => i.path.join('.') || '(root)')
      .join(', ');
    throw new TableauError({
      code: 'invalid-response',
      message: `Tableau's answer had an unexpected shape (${where}).`,
      httpStatus: res.status,
    });
  }
  return parsed.data;
}

function withToken(req: HttpRequest, token: string): HttpRequest {
  return { ...req, headers: { ...req.headers, 'X-Tableau-Auth': token } };
}

function isSessionGone(body: string, shape: ErrorShape): boolean {
  const code = shape === 'vds' ? vdsErrorCode(body) : restErrorCode(body);
  return code !== undefined && SESSION_CODES.has(code);
}
