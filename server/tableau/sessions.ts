/**
 * Session cache: one Tableau token per (server, site, principal + secret), shared by every
 * TableauClient, with a single-flight lock per key. A second sign-in with the same personal access
 * token kills the first session ("Signing in multiple times with the same PAT at the same time will
 * terminate any prior session", tableau-mcp docs pat.md; TSC #1227), so concurrent 401s must all wait
 * for ONE re-sign-in instead of each signing in.
 *
 * Alone (SQLite, one server) the cache holds all of it in this process. With `shared` (PostgreSQL,
 * several instances: docs/limits-across-instances.md) the token, the sign-in lock, the export slots
 * and the VDS budget live in the database, so every instance re-uses one session per PAT and counts
 * against one limit per site; this process keeps only a copy of the token and a hint for paging.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

import type { ConnectAuth } from '../../common/api.js';
import { EXPORT_CONCURRENCY_PER_SITE, type ExportSlots, Limiter } from './limiter.js';
import { MemoryVdsBudget, type VdsBudget, vdsBudgetSpent, type VdsBudgetUse } from './vds-budget.js';

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

/** The sessions every instance shares (server/store/tableau-sessions.ts). */
export interface SharedSessions {
  /** The stored session of `key`, if any (no lock: a fast path for a session already signed in). */
  read(key: string): Promise<Session | undefined>;
  /**
   * Under the cross-instance lock of `key` (one sign-in per PAT at a time): the stored session when
   * there is one and it is not `stale` (another instance signed in meanwhile), else `signIn()`'s,
   * stored for the others.
   */
  signInOnce(key: string, stale: string | undefined, signIn: () => Promise<Session>): Promise<Session>;
  /** Store a session got another way (switchSite). */
  write(key: string, session: Session): Promise<void>;
  /** Forget the stored session, only if it still holds `token` (a newer one survives). */
  remove(key: string, token: string | undefined): Promise<void>;
}

/** What several instances share; absent = everything in this process. */
export interface SharedTableauState {
  /** Keys the secret's fingerprint: the same on every instance, so all compute the same cache key. */
  fingerprintKey: Buffer;
  sessions: SharedSessions;
  /** The export/VDS slots of a site, counted across instances. */
  exportSlots(siteKey: string): ExportSlots;
  /** The VDS budget counted across instances; undefined when the operator set none. */
  vdsBudget?: VdsBudget;
}

export interface SessionCacheOptions {
  /** Concurrent export/VDS calls per site, in this process (default 20); `shared` brings its own. */
  exportConcurrency?: number;
  /** VDS calls per site per rolling hour, counted in this process; `shared` brings its own. */
  vdsQueriesPerHour?: number;
  shared?: SharedTableauState;
  /** Told when the shared store could not forget or store a session (the database was away). */
  onSharedError?: (err: unknown, what: string) => void;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly limiters = new Map<string, Limiter>();
  private readonly exportConcurrency: number;
  private readonly shared?: SharedTableauState;
  private readonly budget?: VdsBudget;
  private readonly onSharedError: (err: unknown, what: string) => void;

  /**
   * Keys the secret's fingerprint. Alone: random per cache, so the fingerprint cannot be reversed or
   * compared across processes. Shared: derived from the store's key (never the raw secret), the
   * same on every instance and useless without the key file.
   */
  private readonly fingerprintKey: Buffer;

  /** A number is the export concurrency (kept for the tests' `new SessionCache(1)`). */
  constructor(options: number | SessionCacheOptions = {}) {
    const o = typeof options === 'number' ? { exportConcurrency: options } : options;
    this.exportConcurrency = o.exportConcurrency ?? EXPORT_CONCURRENCY_PER_SITE;
    this.shared = o.shared;
    this.fingerprintKey = o.shared?.fingerprintKey ?? randomBytes(32);
    this.budget = o.shared ? o.shared.vdsBudget : o.vdsQueriesPerHour === undefined ? undefined : new MemoryVdsBudget(o.vdsQueriesPerHour);
    this.onSharedError = o.onSharedError ?? (() => undefined);
  }

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
   * Per process even when instances share the rest: it is a hint for speed, another instance that
   * lacks it only pages less eagerly the first time.
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

  /** True when the sessions live in the database for every instance (not this process alone). */
  get sharedAcrossInstances(): boolean {
    return this.shared !== undefined;
  }

  get(key: string): Session | undefined {
    return this.entries.get(key)?.session;
  }

  /** Reuse the cached session, join a sign-in in progress, or run `signIn` (only one at a time per key). */
  async acquire(key: string, signIn: () => Promise<Session>): Promise<Session> {
    const e = this.entries.get(key);
    if (e?.pending) return e.pending;
    if (e?.session) return e.session;
    const shared = this.shared?.sessions;
    return this.run(key, shared ? async () => (await shared.read(key)) ?? shared.signInOnce(key, undefined, signIn) : signIn);
  }

  /**
   * The token `stale` was rejected. If another caller already replaced it, return the new session;
   * if a re-sign-in is running, wait for it; otherwise run exactly one.
   */
  async renew(key: string, stale: string, signIn: () => Promise<Session>): Promise<Session> {
    const e = this.entries.get(key);
    if (e?.pending) return e.pending;
    if (e?.session && e.session.token !== stale) return e.session;
    const shared = this.shared?.sessions;
    return this.run(key, shared ? () => shared.signInOnce(key, stale, signIn) : signIn);
  }

  set(key: string, session: Session): void {
    this.entries.set(key, { session });
    this.shared?.sessions.write(key, session).catch((err: unknown) => this.onSharedError(err, 'store a Tableau session'));
  }

  /** Forget a session (after sign-out). Only if it still holds `token`, so a newer session survives. */
  async drop(key: string, token?: string): Promise<void> {
    const e = this.entries.get(key);
    if (e && !e.pending && (token === undefined || e.session?.token === token)) this.entries.delete(key);
    if (!this.shared || e?.pending) return;
    // Another instance may still hold the row's token: it is removed only if it is the one signed out.
    await this.shared.sessions.remove(key, token).catch((err: unknown) => this.onSharedError(err, 'forget a Tableau session'));
  }

  /**
   * One VDS call for the site against the operator's budget: throws 'vds-budget-spent' (nothing
   * is sent to Tableau) when the rolling hour's budget is used up; otherwise how full the window is
   * now. No budget set: always allowed, nothing to report.
   */
  async takeVdsCall(siteKey: string): Promise<VdsBudgetUse | undefined> {
    if (!this.budget) return undefined;
    const answer = await this.budget.take(siteKey);
    if (!answer.ok) throw vdsBudgetSpent(this.budget.perHour, answer.freesAt);
    return { used: answer.used, perHour: answer.perHour, oldestFreesAt: answer.oldestFreesAt };
  }

  /** The per-site export/VDS slots: this process's limiter, or the count every instance shares. */
  limiter(siteKey: string): ExportSlots {
    if (this.shared) return this.shared.exportSlots(siteKey);
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
