/**
 * Tableau's export slots shared by every instance on one PostgreSQL (docs/limits-across-instances.md):
 * at most `max` (20) export or VDS calls per site at once, whichever instance makes them
 * (kb.tableau.com "Concurrency limits in REST APIs on Tableau Cloud"; docs/tableau-rest.md#concurrency-and-rate-limits).
 *
 * A counting semaphore made of leases in `tableau_slots`: a caller inserts a waiting ticket
 * (bigserial id: the smaller, the longer it has waited). Free slots are handed to the oldest
 * waiting tickets of the site, whichever instance holds them (FIFO across instances), by whoever
 * frees a slot, takes a ticket or polls, in that same statement (tableau_slots_hand_out, postgres.ts
 * migration 13) under a transaction-level advisory lock per site
 * (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS), so two instances
 * never count the same free slot; the lock ends with the statement's transaction, never held across
 * a Tableau call. A ticket granted for another instance is told to that instance alone, by a NOTIFY
 * on its own channel (https://www.postgresql.org/docs/current/sql-notify.html); the caller's own
 * grants come back in the answer. Each row carries `expires_at` (the database's clock, so instances'
 * clocks need not agree); a heartbeat pushes it on while the row is held. Each instance also holds a
 * session-level advisory lock (LIVENESS_LOCKS, its `holder_key`, which also names its channel) on
 * its listening connection, which PostgreSQL drops the moment that connection ends: the sweep of a
 * waiting instance's poll (every pollMs) finds a killed instance's key free and deletes its slots and
 * tickets (migrations 11, 13), the lease is the fallback. The poll also catches what a lost
 * notification or a lost listener connection missed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import type pg from 'pg';

import type { Logger } from '../tableau/http.js';
import type { ExportSlots } from '../tableau/limiter.js';
import { TickBatcher } from './batcher.js';

export interface SlotSettings {
  /** Slots per site across all instances (Tableau Cloud: 20). */
  max: number;
  /** A lease not renewed for this long is free again (a killed instance's slots come back). */
  leaseMs: number;
  /** How often waiters look again without a notification. */
  pollMs: number;
}

export const DEFAULT_SLOT_SETTINGS: Omit<SlotSettings, 'max'> = { leaseMs: 30_000, pollMs: 2_000 };

/** The channel on which an instance hears of its tickets granted by others (the payload: the ticket). */
const grantChannel = (holderKey: number): string => `tableau_slots_${holderKey}`;
/**
 * First key of the two-key advisory locks on the slots of a site (the second: a hash of the site).
 * Two-key locks never meet single-key ones (the migration lock, pg-boss's): "these two key spaces
 * do not overlap" (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS).
 */
const SLOT_LOCKS = 7_231_018;
/**
 * First key of each instance's liveness lock (the second: its random `holder_key`), held for the
 * instance's life on its listening connection. The number is written into tableau_slots_hand_out too.
 */
const LIVENESS_LOCKS = 7_231_022;

/**
 * Keys computed so far: a site's key is asked for at every take and release (1,000 runs at one
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

/** Tickets granted before their take's answer kept at most (SharedExportSlots.early). */
const EARLY_CAP = 1_000;

/** What one caller asks of the site's next exchange: a new ticket, or a row (slot or ticket) released. */
type SlotCall = { take: true } | { release: number };

interface SiteQueue {
  waiters: Map<number, Waiter>;
  poll?: NodeJS.Timeout;
}

/**
 * The statements, each one round trip (postgres.ts migrations 13, 14), named so that PostgreSQL
 * parses and plans them once per connection (https://node-postgres.com/features/queries#prepared-statements).
 * Each answers with this instance's tickets it granted (the others are NOTIFYed).
 */
const EXCHANGE = {
  name: 'tableau_slots_exchange',
  text: 'SELECT tickets, granted FROM tableau_slots_exchange($1, $2, $3::bigint[], $4, $5, $6, $7, $8, $9)',
};
const POLL = {
  name: 'tableau_slots_poll',
  text: 'SELECT id FROM tableau_slots_poll($1, $2::bigint[], $3, $4, $5, $6, $7) AS id',
};

export class SharedExportSlots {
  private readonly sites = new Map<string, SiteQueue>();
  /** This instance's rows (waiting or granted), renewed by the heartbeat. */
  private readonly rows = new Map<number, { site: string; granted: boolean }>();
  private heartbeat?: NodeJS.Timeout;
  /** The connection LISTENing for this instance's grants; `drop` destroys it (once). */
  private listener?: { drop: () => void };
  private listening?: Promise<void>;
  /** The second key of this instance's liveness lock while its listening connection holds it. */
  private liveKey?: number;
  private closed = false;
  /** Releases on their way to the database: close() waits for them before the pool ends. */
  private readonly freeing = new Set<Promise<unknown>>();
  /**
   * Per site, the takes and releases asked in one turn of the event loop, sent together
   * (TickBatcher, batcher.ts): one statement and one turn of the site's lock for several exports'
   * take and release (a burst of scheduled pulls: bench/team.ts). Not held behind the previous
   * exchange: a release hands its slot on at once.
   */
  private readonly exchanges = new Map<string, TickBatcher<SlotCall, number | undefined>>();

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
    const id = await this.take(site);
    if (signal?.aborted || this.closed) {
      this.free(id);
      throw signal?.aborted ? signal.reason : new Error('The export slots are closed: the server is stopping.');
    }
    // A slot was free and nobody waited ahead: granted with the ticket, no second round trip.
    if (this.rows.get(id)?.granted) return () => this.free(id);
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
      // Granted by whoever frees a slot (a notification, or the answer to this instance's release);
      // the poll is the fallback.
      this.schedulePoll(site, queue);
    });
  }

  /** Stops renewing and listening; this instance's rows go and their slots to the others' tickets now. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const queue of this.sites.values()) {
      clearTimeout(queue.poll);
      for (const w of queue.waiters.values()) w.fail(new Error('The server is stopping.'));
      queue.waiters.clear();
    }
    this.sites.clear();
    const bySite = new Map<string, number[]>();
    for (const [id, row] of this.rows) bySite.set(row.site, [...(bySite.get(row.site) ?? []), id]);
    this.rows.clear();
    this.listener?.drop();
    await Promise.all(this.freeing);
    await Promise.all(
      [...bySite].map(([site, ids]) =>
        this.pool
          .query(EXCHANGE.text, [site, this.holder, ids, 0, this.settings.max, this.settings.leaseMs, SLOT_LOCKS, lockKey(site), null])
          .catch((err: unknown) => this.warn(err, 'export slots not handed back at shutdown; they free when their leases expire')),
      ),
    );
  }

  private queue(site: string): SiteQueue {
    let queue = this.sites.get(site);
    if (!queue) this.sites.set(site, (queue = { waiters: new Map() }));
    return queue;
  }

  /** The parameters of POLL. */
  private params(site: string, ids: number[], ownKey: number | undefined): unknown[] {
    return [site, ids, this.settings.max, this.settings.leaseMs, SLOT_LOCKS, lockKey(site), ownKey ?? null];
  }

  /**
   * A ticket, granted at once when a slot is free and no ticket waits ahead of it (exchangeNow);
   * the same hand-out may grant other tickets of this instance (slots of a dead instance came back).
   */
  private async take(site: string): Promise<number> {
    // A ticket carries the liveness key once this instance holds one (the first call waits for it).
    if (this.listening) await this.listening;
    return (await this.exchange(site).add({ take: true }))!;
  }

  private exchange(site: string): TickBatcher<SlotCall, number | undefined> {
    let batcher = this.exchanges.get(site);
    if (!batcher) this.exchanges.set(site, (batcher = new TickBatcher((calls) => this.exchangeNow(site, calls))));
    return batcher;
  }

  /**
   * One statement for the calls gathered (tableau_slots_exchange, postgres.ts migration 14): the rows
   * released go, one ticket per take (handed to the takers in the order they asked: the older ticket
   * to the earlier caller), then the hand-out; this instance's tickets it granted come back in the
   * answer. Answers each take's ticket.
   */
  private async exchangeNow(site: string, calls: SlotCall[]): Promise<(number | undefined)[]> {
    const released = calls.flatMap((call) => ('release' in call ? [call.release] : []));
    const takes = calls.length - released.length;
    const { rows } = await this.pool.query<{ tickets: string[]; granted: string[] }>({
      ...EXCHANGE,
      values: [
        site,
        this.holder,
        released,
        takes,
        this.settings.max,
        this.settings.leaseMs,
        SLOT_LOCKS,
        lockKey(site),
        this.liveKey ?? null,
      ],
    });
    const tickets = rows[0]!.tickets.map(Number);
    const granted = new Set(rows[0]!.granted.map(Number));
    for (const id of tickets) {
      this.rows.set(id, { site, granted: granted.delete(id) || this.early.delete(id) });
    }
    // Older tickets of this instance granted by the same hand-out (the slots freed here, or of a dead instance).
    this.granted([...granted].sort((x, y) => x - y)); // the older ticket's caller goes on first
    let next = 0;
    return calls.map((call) => ('release' in call ? undefined : tickets[next++]));
  }

  /**
   * Tickets of this instance granted (by its own statement's hand-out, or another instance's,
   * notified): their waiters go on. A ticket whose caller gave up meanwhile is released at once.
   */
  private granted(ids: readonly (string | number)[]): void {
    for (const raw of ids) {
      const id = Number(raw);
      const row = this.rows.get(id);
      if (!row) {
        // Granted before this instance heard of the ticket: another exchange of this instance (or a
        // NOTIFY) answered before the one that took it. Remembered for that answer (exchangeNow).
        this.grantedEarly(id);
        continue;
      }
      if (row.granted) continue; // known already
      row.granted = true;
      const queue = this.sites.get(row.site);
      const waiter = queue?.waiters.get(id);
      if (waiter) {
        queue!.waiters.delete(id);
        waiter.grant();
        if (!queue!.waiters.size) this.forget(row.site, queue!);
      } else {
        // No caller waits for it (a ticket's caller starts waiting in the same turn as its take
        // answers, and one that gave up took its row along): nobody would use it.
        this.free(id);
      }
    }
  }

  /**
   * Tickets granted before the answer that took them arrived, with when: taken by that answer
   * (exchangeNow). A ticket released meanwhile is never answered for (ids are never reused): its
   * entry goes after a minute, or when more than EARLY_CAP are kept.
   */
  private readonly early = new Map<number, number>();

  private grantedEarly(id: number): void {
    const now = Date.now();
    for (const [old, at] of this.early) {
      if (this.early.size < EARLY_CAP && now - at < 60_000) break;
      this.early.delete(old);
    }
    this.early.set(id, now);
  }

  /** The poll: hands out what is free (a lost notification, a lost listener) and finds this instance's granted tickets. */
  private async poll(site: string): Promise<void> {
    const queue = this.sites.get(site);
    if (!queue) return;
    const ids = [...queue.waiters.keys()];
    try {
      if (ids.length) {
        const { rows } = await this.pool.query<{ id: number }>({ ...POLL, values: this.params(site, ids, this.liveKey) });
        this.granted(rows.map((r) => r.id));
      }
    } catch (err) {
      this.warn(err, 'could not look for export slots; trying again shortly');
    } finally {
      this.schedulePoll(site, queue);
    }
  }

  private schedulePoll(site: string, queue: SiteQueue): void {
    if (this.closed || queue.poll) return;
    if (!queue.waiters.size) {
      this.forget(site, queue);
      return;
    }
    queue.poll = setTimeout(() => {
      queue.poll = undefined;
      void this.poll(site);
    }, this.settings.pollMs);
  }

  private forget(site: string, queue: SiteQueue): void {
    clearTimeout(queue.poll);
    queue.poll = undefined;
    if (this.sites.get(site) === queue) this.sites.delete(site);
  }

  /**
   * Idempotent: the row goes (slot or ticket) and, when it held a slot, the slot goes to the oldest
   * waiting ticket of the site in the same statement (this instance's come back in the answer).
   */
  private free(id: number): void {
    const row = this.rows.get(id);
    if (!row) return;
    this.rows.delete(id);
    const freeing = this.exchange(row.site)
      .add({ release: id })
      .catch((err: unknown) => this.warn(err, 'an export slot was not handed back; it frees when its lease expires'))
      .finally(() => this.freeing.delete(freeing));
    this.freeing.add(freeing);
  }

  private start(): void {
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.settings.leaseMs / 3)));
      this.heartbeat.unref();
    }
    if (!this.listener && !this.listening) {
      this.listening = this.listen()
        .catch((err: unknown) => this.warn(err, 'not listening for granted export slots; waiters poll instead'))
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
        // Its liveness lock ended with it: the rows under that key may be deleted by any hand-out now.
        this.liveKey = undefined;
      }
      // Destroyed, never returned to the pool: a pooled connection would go on LISTENing.
      client.release(err ?? true);
    };
    const listener = { drop: () => drop() };
    let channel: string | undefined;
    client.on('notification', (n) => {
      if (n.channel === channel && n.payload) this.granted([n.payload]);
    });
    client.on('error', (err) => {
      if (!this.closed) this.warn(err, 'the connection listening for granted export slots failed; waiters poll until the next one');
      drop(err);
    });
    let key: number | undefined;
    try {
      key = await this.holdLiveness(client);
      // No key, no channel: this instance's tickets are then granted by its polls.
      if (key !== undefined) {
        channel = grantChannel(key);
        await client.query(`LISTEN "${channel}"`);
      }
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

  /** A ticket lost while waiting: a new one, at the back of the line (granted at once if a slot is free). */
  private async requeue(site: string, waiter: Waiter): Promise<void> {
    const queue = this.queue(site);
    try {
      const id = await this.take(site);
      if (queue.waiters.get(waiter.id) !== waiter) return this.free(id); // gave up meanwhile
      queue.waiters.delete(waiter.id);
      waiter.id = id;
      if (this.rows.get(id)?.granted) {
        waiter.grant();
        if (!queue.waiters.size) this.forget(site, queue);
        return;
      }
      queue.waiters.set(id, waiter);
      this.schedulePoll(site, queue);
    } catch (err) {
      this.warn(err, 'could not queue again for an export slot');
    }
  }

  private warn(err: unknown, message: string): void {
    // Only the error's kind and code: pg's messages can name the host and user (as main.ts does).
    this.logger.warn({ code: (err as { code?: string } | null)?.code, name: (err as Error | null)?.name }, message);
  }
}
