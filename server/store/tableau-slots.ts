/**
 * Tableau's export slots shared by every instance on one PostgreSQL (docs/limits-across-instances.md):
 * at most `max` (20) export or VDS calls per site at once, whichever instance makes them
 * (kb.tableau.com "Concurrency limits in REST APIs on Tableau Cloud"; docs/tableau-rest.md#concurrency-and-rate-limits).
 *
 * A counting semaphore made of leases in `tableau_slots`: a caller inserts a waiting ticket
 * (bigserial id: the smaller, the longer it has waited), and a ticket is granted when fewer tickets
 * wait ahead of it than slots are free — FIFO across instances. Granting takes a transaction-level
 * advisory lock per site (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS),
 * so two instances never count the same free slot; the lock ends with the transaction, never held
 * across a Tableau call. Each row carries `expires_at` (the database's clock, so instances' clocks
 * need not agree); a heartbeat pushes it on while the row is held. Each instance also holds a
 * session-level advisory lock (LIVENESS_LOCKS, its `holder_key`) on its listening connection, which
 * PostgreSQL drops the moment that connection ends: a grant finds a killed instance's key free and
 * deletes its slots and tickets at once (postgres.ts migration 11), the lease is the fallback. A release NOTIFYs the site
 * (https://www.postgresql.org/docs/current/sql-notify.html) and every instance LISTENing grants its
 * waiters at once; a poll catches what a lost notification or a lost listener connection missed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import type pg from 'pg';

import type { Logger } from '../tableau/http.js';
import type { ExportSlots } from '../tableau/limiter.js';

export interface SlotSettings {
  /** Slots per site across all instances (Tableau Cloud: 20). */
  max: number;
  /** A lease not renewed for this long is free again (a killed instance's slots come back). */
  leaseMs: number;
  /** How often waiters look again without a notification. */
  pollMs: number;
}

export const DEFAULT_SLOT_SETTINGS: Omit<SlotSettings, 'max'> = { leaseMs: 30_000, pollMs: 2_000 };

const CHANNEL = 'tableau_slots';
/**
 * First key of the two-key advisory locks on the slots of a site (the second: a hash of the site).
 * Two-key locks never meet single-key ones (the migration lock, pg-boss's): "these two key spaces
 * do not overlap" (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS).
 */
const SLOT_LOCKS = 7_231_018;
/**
 * First key of each instance's liveness lock (the second: its random `holder_key`), held for the
 * instance's life on its listening connection. The number is written into tableau_slots_grant too.
 */
const LIVENESS_LOCKS = 7_231_022;

/**
 * Keys computed so far: a site's key is asked for at every take and grant (1,000 runs at one
 * minute: ~1.4 % of an instance's CPU went to hashing the same few site names, bench/team.ts CPU
 * profile). Few distinct texts (sites, session keys); bounded all the same.
 */
const lockKeys = new Map<string, number>();
const LOCK_KEYS_CAP = 10_000;

/** A signed 32-bit key for a string (two sites sharing one only wait on each other's grants). */
export function lockKey(text: string): number {
  let key = lockKeys.get(text);
  if (key === undefined) {
    key = createHash('sha256').update(text).digest().readInt32BE(0);
    if (lockKeys.size >= LOCK_KEYS_CAP) lockKeys.clear();
    lockKeys.set(text, key);
  }
  return key;
}

/** Who holds a row: shown to an operator looking at the table. */
const instanceId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

interface Waiter {
  id: number;
  grant: () => void;
  fail: (err: unknown) => void;
}

interface SiteQueue {
  waiters: Map<number, Waiter>;
  pumping: boolean;
  again: boolean;
  poll?: NodeJS.Timeout;
}

/**
 * Grants this instance's waiting tickets of a site that are first in line for a free slot, in one
 * round trip: tableau_slots_grant (postgres.ts migration 7) takes the site's advisory lock, drops
 * expired leases (and NOTIFYs when it did), then grants, all inside the statement's transaction.
 */
const GRANT = 'SELECT tableau_slots_grant AS id FROM tableau_slots_grant($1, $2, $3, $4::bigint[], $5, $6)';
const TAKE = 'SELECT ticket, granted FROM tableau_slots_take($1, $2, $3, $4, $5, $6, $7)';

export class SharedExportSlots {
  private readonly sites = new Map<string, SiteQueue>();
  /** This instance's rows (waiting or granted), renewed by the heartbeat. */
  private readonly rows = new Map<number, { site: string; granted: boolean }>();
  private heartbeat?: NodeJS.Timeout;
  /** The connection LISTENing for freed slots; `drop` destroys it (once). */
  private listener?: { drop: () => void };
  private listening?: Promise<void>;
  /** The second key of this instance's liveness lock while its listening connection holds it. */
  private liveKey?: number;
  private closed = false;
  /** Releases on their way to the database: close() waits for them before the pool ends. */
  private readonly freeing = new Set<Promise<unknown>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly settings: SlotSettings,
    private readonly logger: Logger,
    private readonly holder: string = instanceId(),
  ) {
    if (!Number.isInteger(settings.max) || settings.max < 1) throw new RangeError('Export slots: max must be a positive integer');
  }

  forSite(site: string): ExportSlots {
    return { acquire: (signal) => this.acquire(site, signal) };
  }

  async acquire(site: string, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.closed) throw new Error('The export slots are closed: the server is stopping.');
    this.start();
    const { id, granted } = await this.take(site);
    if (signal?.aborted || this.closed) {
      this.free(id);
      throw signal?.aborted ? signal.reason : new Error('The export slots are closed: the server is stopping.');
    }
    // A slot was free and nobody waited ahead: granted with the ticket, no second round trip.
    if (granted) return () => this.free(id);
    return new Promise<() => void>((resolve, reject) => {
      const queue = this.queue(site);
      const onAbort = () => {
        // Granted meanwhile or not: the row goes, so no slot stays taken.
        if (queue.waiters.delete(waiter.id)) this.free(waiter.id);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        id,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          const granted = waiter.id;
          resolve(() => this.free(granted));
        },
        fail: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      queue.waiters.set(id, waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.pump(site);
    });
  }

  /** Stops renewing and listening; this instance's rows are deleted so the others get them now. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const queue of this.sites.values()) {
      clearTimeout(queue.poll);
      for (const w of queue.waiters.values()) w.fail(new Error('The server is stopping.'));
      queue.waiters.clear();
    }
    this.sites.clear();
    const ids = [...this.rows.keys()];
    const sites = [...new Set([...this.rows.values()].map((r) => r.site))];
    this.rows.clear();
    this.listener?.drop();
    await Promise.all(this.freeing);
    if (ids.length) {
      await this.pool
        .query('DELETE FROM tableau_slots WHERE id = ANY($1::bigint[])', [ids])
        .then(() => Promise.all(sites.map((site) => this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, site]))))
        .catch((err: unknown) => this.warn(err, 'export slots not handed back at shutdown; they free when their leases expire'));
    }
  }

  private queue(site: string): SiteQueue {
    let queue = this.sites.get(site);
    if (!queue) this.sites.set(site, (queue = { waiters: new Map(), pumping: false, again: false }));
    return queue;
  }

  /** A ticket, granted at once when a slot is free and no ticket waits ahead of it (tableau_slots_take, postgres.ts migration 10). */
  private async take(site: string): Promise<{ id: number; granted: boolean }> {
    // A ticket carries the liveness key once this instance holds one (the first call waits for it).
    if (this.listening) await this.listening;
    const { rows } = await this.pool.query<{ ticket: number; granted: boolean }>(TAKE, [
      site,
      this.holder,
      this.settings.max,
      this.settings.leaseMs,
      SLOT_LOCKS,
      lockKey(site),
      this.liveKey ?? null,
    ]);
    const id = Number(rows[0]!.ticket);
    const granted = rows[0]!.granted;
    this.rows.set(id, { site, granted });
    return { id, granted };
  }

  private async enqueue(site: string): Promise<number> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO tableau_slots (site, holder, holder_key, expires_at) VALUES ($1, $2, $4, now() + $3::int * interval '1 millisecond') RETURNING id`,
      [site, this.holder, this.settings.leaseMs, this.liveKey ?? null],
    );
    const id = Number(rows[0]!.id);
    this.rows.set(id, { site, granted: false });
    return id;
  }

  /** Grants what it can to this instance's waiters of `site`; calls while it runs make it run once more. */
  private async pump(site: string): Promise<void> {
    const queue = this.sites.get(site);
    if (!queue) return;
    if (queue.pumping) {
      queue.again = true;
      return;
    }
    queue.pumping = true;
    try {
      do {
        queue.again = false;
        const ids = [...queue.waiters.keys()];
        if (!ids.length) break;
        for (const id of await this.grant(site, ids)) {
          const row = this.rows.get(id);
          if (row) row.granted = true;
          const waiter = queue.waiters.get(id);
          if (!waiter) {
            this.free(id); // its caller gave up while the grant was on its way
            continue;
          }
          queue.waiters.delete(id);
          waiter.grant();
        }
      } while (queue.again && !this.closed);
    } catch (err) {
      this.warn(err, 'could not hand out export slots; trying again shortly');
    } finally {
      queue.pumping = false;
      this.schedulePoll(site, queue);
    }
  }

  private schedulePoll(site: string, queue: SiteQueue): void {
    if (this.closed || queue.poll) return;
    if (!queue.waiters.size) {
      this.sites.delete(site);
      return;
    }
    queue.poll = setTimeout(() => {
      queue.poll = undefined;
      void this.pump(site);
    }, this.settings.pollMs);
  }

  private async grant(site: string, ids: number[]): Promise<number[]> {
    const { rows } = await this.pool.query<{ id: number }>(GRANT, [
      site,
      this.settings.max,
      this.settings.leaseMs,
      ids,
      SLOT_LOCKS,
      lockKey(site),
    ]);
    return rows.map((r) => Number(r.id));
  }

  /** Idempotent: the row goes (slot or ticket), the site is told, and local waiters look at once. */
  private free(id: number): void {
    const row = this.rows.get(id);
    if (!row) return;
    this.rows.delete(id);
    const freeing = this.pool
      .query('WITH gone AS (DELETE FROM tableau_slots WHERE id = $1 RETURNING site) SELECT pg_notify($2, site) FROM gone', [id, CHANNEL])
      .catch((err: unknown) => this.warn(err, 'an export slot was not handed back; it frees when its lease expires'))
      .finally(() => {
        this.freeing.delete(freeing);
        void this.pump(row.site);
      });
    this.freeing.add(freeing);
  }

  private start(): void {
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.settings.leaseMs / 3)));
      this.heartbeat.unref();
    }
    if (!this.listener && !this.listening) {
      this.listening = this.listen()
        .catch((err: unknown) => this.warn(err, 'not listening for freed export slots; waiters poll instead'))
        .finally(() => (this.listening = undefined));
    }
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    let dropped = false;
    // Once only: a connection that fails after close() (or fails twice) must not go back twice.
    const drop = (err?: Error) => {
      if (dropped) return;
      dropped = true;
      if (this.listener === listener) {
        this.listener = undefined;
        // Its liveness lock ended with it: the rows under that key may be deleted by any grant now.
        this.liveKey = undefined;
      }
      // Destroyed, never returned to the pool: a pooled connection would go on LISTENing.
      client.release(err ?? true);
    };
    const listener = { drop: () => drop() };
    client.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload && this.sites.has(n.payload)) void this.pump(n.payload);
    });
    client.on('error', (err) => {
      if (!this.closed) this.warn(err, 'the connection listening for freed export slots failed; waiters poll until the next one');
      drop(err);
    });
    let key: number | undefined;
    try {
      key = await this.holdLiveness(client);
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      drop(err as Error);
      throw err;
    }
    if (this.closed) drop();
    else {
      this.listener = listener;
      this.liveKey = key;
    }
  }

  /**
   * A session-level advisory lock on a random key, held by the listening connection for as long as it
   * lives; undefined when a few keys in a row were taken (this instance's rows then rely on the lease).
   */
  private async holdLiveness(client: pg.PoolClient): Promise<number | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const key = randomBytes(4).readInt32BE(0);
      const { rows } = await client.query<{ took: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS took', [LIVENESS_LOCKS, key]);
      if (rows[0]!.took) return key;
    }
    return undefined;
  }

  /** The heartbeat: pushes this instance's leases on; a ticket found expired queues again (at the back). */
  private async renew(): Promise<void> {
    const ids = [...this.rows.keys()];
    if (!ids.length) return;
    // The listening connection (and so the liveness lock) was lost: take them again.
    if (!this.closed) this.start();
    let alive: Set<number>;
    try {
      // The rows follow the current liveness key (a new one after the listening connection was lost).
      const { rows } = await this.pool.query<{ id: number }>(
        `UPDATE tableau_slots SET expires_at = now() + $2::int * interval '1 millisecond', holder_key = COALESCE($3, holder_key)
          WHERE id = ANY($1::bigint[]) RETURNING id`,
        [ids, this.settings.leaseMs, this.liveKey ?? null],
      );
      alive = new Set(rows.map((r) => Number(r.id)));
    } catch (err) {
      this.warn(err, 'could not renew export slot leases');
      return;
    }
    for (const id of ids) {
      const row = this.rows.get(id);
      if (!row || alive.has(id)) continue;
      this.rows.delete(id);
      if (row.granted) {
        this.logger.warn(
          { site: row.site },
          "an export slot was freed while in use (its lease renewed too late, or the connection holding this instance's liveness lock was lost); another instance may have taken it",
        );
        continue;
      }
      const waiter = this.sites.get(row.site)?.waiters.get(id);
      if (waiter) void this.requeue(row.site, waiter);
    }
  }

  private async requeue(site: string, waiter: Waiter): Promise<void> {
    const queue = this.queue(site);
    try {
      const id = await this.enqueue(site);
      if (queue.waiters.get(waiter.id) !== waiter) return this.free(id); // gave up meanwhile
      queue.waiters.delete(waiter.id);
      waiter.id = id;
      queue.waiters.set(id, waiter);
      void this.pump(site);
    } catch (err) {
      this.warn(err, 'could not queue again for an export slot');
    }
  }

  private warn(err: unknown, message: string): void {
    // Only the error's kind and code: pg's messages can name the host and user (as main.ts does).
    this.logger.warn({ code: (err as { code?: string } | null)?.code, name: (err as Error | null)?.name }, message);
  }
}
