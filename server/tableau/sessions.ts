/**
 * Process-wide session cache: one Tableau token per (server, site, principal + secret), shared by every
 * TableauClient, with a single-flight lock per key. A second sign-in with the same personal access
 * token kills the first session ("Signing in multiple times with the same PAT at the same time will
 * terminate any prior session", tableau-mcp docs pat.md; TSC #1227), so concurrent 401s must all wait
 * for ONE re-sign-in instead of each signing in.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

import type { ConnectAuth } from '../../common/api.js';
import { EXPORT_CONCURRENCY_PER_SITE, Limiter } from './limiter.js';

export interface Session {
  token: string;
  siteId: string;
  siteContentUrl: string;
  userId: string;
  /** Origin (+ path prefix) after sign-in redirects: a Cloud pod URL when online.tableau.com redirected. */
  baseUrl: string;
}

/** Who signs in, without the secret: PAT name, user name, or the JWT's subject (or a hash of it). */
export function principalOf(auth: ConnectAuth): string {
  if (auth.kind === 'pat') return `pat:${auth.patName}`;
  if (auth.kind === 'password') return `user:${auth.username}`;
  try {
    const payload = JSON.parse(Buffer.from(auth.jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown; iss?: unknown };
    if (typeof payload.sub === 'string') return `jwt:${String(payload.iss ?? '')}:${payload.sub}`;
  } catch {
    // not a decodable JWT: fall through to the hash (the server will reject it anyway)
  }
  return `jwt#${createHash('sha256').update(auth.jwt).digest('hex').slice(0, 16)}`;
}

function secretOf(auth: ConnectAuth): string {
  return auth.kind === 'pat' ? auth.patSecret : auth.kind === 'password' ? auth.password : auth.jwt;
}

interface Entry {
  session?: Session;
  pending?: Promise<Session>;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly limiters = new Map<string, Limiter>();

  /** Per-cache random key: the secret's fingerprint cannot be reversed or compared across processes. */
  private readonly fingerprintKey = randomBytes(32);

  constructor(private readonly exportConcurrency = EXPORT_CONCURRENCY_PER_SITE) {}

  /**
   * Cache key of (server, site, principal) PLUS an HMAC of the secret: a caller with the right PAT
   * name but a wrong secret must not inherit someone else's live session; it signs in and fails.
   */
  keyFor(serverUrl: string, siteContentUrl: string, auth: ConnectAuth): string {
    const fp = createHmac('sha256', this.fingerprintKey).update(secretOf(auth)).digest('hex').slice(0, 32);
    return `${serverUrl.toLowerCase()}|${siteContentUrl.toLowerCase()}|${principalOf(auth)}|${fp}`;
  }

  /**
   * totalAvailable of recent complete listings, by session key + list: a list that was long last time
   * gets its first pool of pages requested at once (paging.ts expectedPages). Kept here, not on a
   * client, because the companion server connects a client per request. Bounded, oldest out first.
   */
  private readonly listSizes = new Map<string, number>();

  listSize(key: string, list: string): number | undefined {
    return this.listSizes.get(`${key}#${list}`);
  }

  rememberListSize(key: string, list: string, total: number): void {
    const k = `${key}#${list}`;
    this.listSizes.delete(k);
    if (this.listSizes.size >= 256) this.listSizes.delete(this.listSizes.keys().next().value!);
    this.listSizes.set(k, total);
  }

  get(key: string): Session | undefined {
    return this.entries.get(key)?.session;
  }

  /** Reuse the cached session, join a sign-in in progress, or run `signIn` (only one at a time per key). */
  async acquire(key: string, signIn: () => Promise<Session>): Promise<Session> {
    const e = this.entries.get(key);
    if (e?.pending) return e.pending;
    if (e?.session) return e.session;
    return this.run(key, signIn);
  }

  /**
   * The token `stale` was rejected. If another caller already replaced it, return the new session;
   * if a re-sign-in is running, wait for it; otherwise run exactly one.
   */
  async renew(key: string, stale: string, signIn: () => Promise<Session>): Promise<Session> {
    const e = this.entries.get(key);
    if (e?.pending) return e.pending;
    if (e?.session && e.session.token !== stale) return e.session;
    return this.run(key, signIn);
  }

  set(key: string, session: Session): void {
    this.entries.set(key, { session });
  }

  /** Forget a session (after sign-out). Only if it still holds `token`, so a newer session survives. */
  drop(key: string, token?: string): void {
    const e = this.entries.get(key);
    if (!e || e.pending) return;
    if (token === undefined || e.session?.token === token) this.entries.delete(key);
  }

  /** The per-site export/VDS limiter (shared by all clients of the process). */
  limiter(siteKey: string): Limiter {
    let l = this.limiters.get(siteKey);
    if (!l) {
      l = new Limiter(this.exportConcurrency);
      this.limiters.set(siteKey, l);
    }
    return l;
  }

  private run(key: string, signIn: () => Promise<Session>): Promise<Session> {
    const pending = signIn().then(
      (session) => {
        this.entries.set(key, { session });
        return session;
      },
      (err: unknown) => {
        this.entries.delete(key);
        throw err;
      },
    );
    this.entries.set(key, { ...this.entries.get(key), pending });
    return pending;
  }
}

/** Default process-wide cache for callers that do not pass their own. */
export const defaultSessions = new SessionCache();
