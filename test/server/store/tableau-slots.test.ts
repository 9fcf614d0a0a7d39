/**
 * Tableau's export slots shared by two instances on one PostgreSQL (server/store/tableau-slots.ts):
 * never more than `max` held at once across both (counted at the holders), everyone served, FIFO
 * across instances, a dead instance's slots back after its lease, and at once when its database
 * connection is gone (its liveness lock ends with it), a caller that gives up leaves
 * nothing taken, release idempotent, a release hands its slot to the oldest waiting ticket in the
 * same statement and wakes only that ticket's instance, without polling.
 */
import type pg from 'pg';

import { SharedExportSlots, type SlotSettings } from '../../../server/store/tableau-slots.js';
import { adminUrl, eventually, memoryLogger, onCleanup, sharedDatabase, skipReason } from './tableau-shared-support.js';

const SITE = 'https://tableau.example.com|site-luid-1';

function instance(pool: pg.Pool, settings: Partial<SlotSettings> = {}) {
  const logger = memoryLogger();
  const slots = new SharedExportSlots(pool, { max: 20, leaseMs: 10_000, pollMs: 200, ...settings }, logger);
  onCleanup(() => slots.close());
  return { slots, logger, site: slots.forSite(SITE) };
}

const rows = async (pool: pg.Pool, granted: boolean) =>
  Number((await pool.query('SELECT count(*) AS n FROM tableau_slots WHERE granted = $1', [granted])).rows[0].n);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The text of every statement run through `pool.query` from now on (the listener's own are not). */
function recordStatements(pool: pg.Pool): string[] {
  const statements: string[] = [];
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: typeof query }).query = (...args: unknown[]) => {
    statements.push(String(typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text));
    return query(...args);
  };
  return statements;
}

describe.skipIf(!adminUrl)(`export slots across instances${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  it('holds 50 concurrent calls from two instances to 20 at once, and serves them all', async () => {
    const db = await sharedDatabase();
    const [a, b] = [instance(db.pool()), instance(db.pool())];
    let held = 0;
    let peak = 0;
    let served = 0;
    const call = async (i: number) => {
      const release = await (i % 2 ? a : b).site.acquire();
      held++;
      peak = Math.max(peak, held);
      await sleep(20 + (i % 5) * 10);
      held--;
      served++;
      release();
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => call(i)));
    expect(served).toBe(50);
    expect(peak).toBeLessThanOrEqual(20);
    // 50 callers at once: the limit was reached, not merely respected by going slowly.
    expect(peak).toBe(20);
    const probe = db.pool();
    await eventually(async () => (await rows(probe, true)) + (await rows(probe, false)) === 0);
  });

  it('a free slot comes with its ticket in one statement; a waiting ticket gets it only when its turn comes, from the release', async () => {
    const db = await sharedDatabase();
    const pool = db.pool();
    const statements = recordStatements(pool);
    // No poll and no heartbeat within the test: every grant comes from a take or a release.
    const a = instance(pool, { max: 1, pollMs: 120_000, leaseMs: 120_000 });
    const first = await a.site.acquire();
    expect(statements).toEqual([expect.stringContaining('tableau_slots_exchange')]);
    expect(await rows(pool, true)).toBe(1);
    let second = false;
    const waiting = a.site.acquire().then((release) => {
      second = true;
      return release;
    });
    await eventually(async () => (await rows(pool, false)) === 1);
    expect(second).toBe(false);
    first();
    const secondRelease = await waiting;
    expect(second).toBe(true);
    // The release handed the slot to the waiting ticket and answered with it: no grant of its own.
    expect(statements.filter((text) => !text.startsWith('SELECT count(*)'))).toEqual([
      expect.stringContaining('tableau_slots_exchange'),
      expect.stringContaining('tableau_slots_exchange'),
      expect.stringContaining('tableau_slots_exchange'),
    ]);
    secondRelease();
  });

  it("hands a freed slot to the oldest waiting ticket in the release itself, and tells only that ticket's instance", async () => {
    const db = await sharedDatabase();
    const probe = db.pool();
    const quiet = { max: 1, pollMs: 120_000, leaseMs: 120_000 };
    const [a, b, c] = [db.pool(), db.pool(), db.pool()].map((pool) => ({ ...instance(pool, quiet), statements: recordStatements(pool) }));
    const held = await a.site.acquire();
    const bWaits = b.site.acquire();
    await eventually(async () => (await rows(probe, false)) === 1);
    let cGot = false;
    const cWaits = c.site.acquire().then((release) => ((cGot = true), release));
    await eventually(async () => (await rows(probe, false)) === 2);
    const [bBefore, cBefore] = [b.statements.length, c.statements.length];
    held();
    const bRelease = await bWaits;
    // b's ticket, the older, was granted by a's release: b ran nothing for it (it was told), and c,
    // behind it, was neither granted nor woken into a statement of its own.
    expect(b.statements.slice(bBefore)).toEqual([]);
    expect(c.statements.slice(cBefore)).toEqual([]);
    expect(a.statements.at(-1)).toContain('tableau_slots_exchange');
    expect(await rows(probe, true)).toBe(1);
    expect(await rows(probe, false)).toBe(1);
    expect(cGot).toBe(false);
    bRelease();
    (await cWaits)();
    // The release goes with the instance's next exchange (the next turn of its event loop).
    await eventually(async () => c.statements.length > cBefore);
    expect(c.statements.slice(cBefore)).toEqual([expect.stringContaining('tableau_slots_exchange')]);
  });

  it("gathers one instance's takes and releases asked together into one statement, tickets in the callers' order", async () => {
    const db = await sharedDatabase();
    const pool = db.pool();
    const statements = recordStatements(pool);
    const a = instance(pool, { max: 2, pollMs: 120_000, leaseMs: 120_000 });
    const order: number[] = [];
    const callers = [0, 1, 2, 3].map((i) => a.site.acquire().then((release) => (order.push(i), release)));
    await eventually(async () => order.length === 2 && (await rows(pool, false)) === 2);
    expect(order).toEqual([0, 1]);
    expect(statements.filter((text) => !text.startsWith('SELECT count(*)'))).toEqual([expect.stringContaining('tableau_slots_exchange')]);
    const [first, second] = await Promise.all(callers.slice(0, 2));
    first();
    second();
    await eventually(async () => order.length === 4);
    // Both releases in one statement, which handed the two slots to the two waiting tickets, oldest first.
    expect(order).toEqual([0, 1, 2, 3]);
    expect(statements.filter((text) => !text.startsWith('SELECT count(*)'))).toEqual([
      expect.stringContaining('tableau_slots_exchange'),
      expect.stringContaining('tableau_slots_exchange'),
    ]);
    for (const release of await Promise.all(callers.slice(2))) release();
    await eventually(async () => (await rows(pool, true)) + (await rows(pool, false)) === 0);
  });

  it("a ticket granted before its take's answer arrives (two exchanges of one instance in flight) goes on at once, not at the poll", async () => {
    const db = await sharedDatabase();
    const pool = db.pool();
    const a = instance(pool, { max: 1, pollMs: 120_000, leaseMs: 120_000 });
    const first = await a.site.acquire();
    // The next take's answer is held back until the release that grants its ticket has answered.
    let answerTake!: () => void;
    const takeAnswered = new Promise<void>((resolve) => (answerTake = resolve));
    let taken!: () => void;
    const takeRan = new Promise<void>((resolve) => (taken = resolve));
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    (pool as unknown as { query: typeof query }).query = async (...args: unknown[]) => {
      const result = await query(...args);
      const config = args[0] as { text?: string; values?: unknown[] };
      if (config.text?.includes('tableau_slots_exchange') && Number(config.values?.[3]) > 0) {
        taken();
        await takeAnswered;
      }
      return result;
    };
    const second = a.site.acquire();
    await takeRan;
    first();
    const early = (a.slots as unknown as { early: Map<number, number> }).early;
    await eventually(async () => early.size === 1);
    answerTake();
    (await second)();
    await eventually(async () => (await rows(pool, true)) + (await rows(pool, false)) === 0);
  });

  it('grants in the order callers started waiting, whichever instance they are on', async () => {
    const db = await sharedDatabase();
    const probe = db.pool();
    const [a, b] = [instance(db.pool(), { max: 1 }), instance(db.pool(), { max: 1 })];
    const first = await a.site.acquire();
    const order: string[] = [];
    const waiting: Array<Promise<() => void>> = [];
    for (const [name, who] of [
      ['b1', b],
      ['a2', a],
      ['b3', b],
    ] as const) {
      const before = await rows(probe, false);
      waiting.push(who.site.acquire().then((release) => (order.push(name), release)));
      await eventually(async () => (await rows(probe, false)) === before + 1);
    }
    first();
    for (const p of waiting) (await p)();
    expect(order).toEqual(['b1', 'a2', 'b3']);
  });

  it("gives a killed instance's slots back once their lease has expired", async () => {
    const db = await sharedDatabase();
    const probe = db.pool();
    const doomedPool = db.pool();
    const doomed = instance(doomedPool, { leaseMs: 3_000 });
    const survivor = instance(db.pool(), { leaseMs: 3_000 });
    for (let i = 0; i < 20; i++) await doomed.site.acquire();
    // kill -9: nothing is released and its heartbeat can no longer renew (an ended pool refuses
    // every query; not awaited: end() waits for the checked-out listener, which a dead process has not).
    void doomedPool.end();
    let granted = 0;
    const next = Array.from({ length: 20 }, () => survivor.site.acquire().then((release) => (granted++, release)));
    await eventually(async () => (await rows(probe, false)) === 20);
    expect(granted).toBe(0);
    // Every one of the dead instance's 20 slots comes back (each within a lease of its last renewal).
    const releases = await Promise.all(next);
    expect(await rows(probe, true)).toBe(20);
    releases.forEach((release) => release());
  });

  it("frees a dead instance's slot and tickets as soon as its connection is gone, well before their lease", async () => {
    const db = await sharedDatabase();
    const probe = db.pool();
    const doomedPool = db.pool();
    const lease = { leaseMs: 60_000, pollMs: 200 };
    const doomed = instance(doomedPool, { max: 1, ...lease });
    await doomed.site.acquire();
    void doomed.site.acquire().catch(() => undefined); // a ticket of the doomed instance, first in line
    await eventually(async () => (await rows(probe, false)) === 1);
    // Only the doomed instance has taken its liveness lock so far: its listening connection.
    const { rows: liveness } = await probe.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 7231022 AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(liveness).toHaveLength(1);
    const survivor = instance(db.pool(), { max: 1, ...lease });
    let granted = false;
    const next = survivor.site.acquire().then((release) => ((granted = true), release));
    await eventually(async () => (await rows(probe, false)) === 2);
    // kill -9: the instance stops (its pool ends, no heartbeat, no release) and its backends go with
    // its process: pg_terminate_backend ends the listening connection and so its liveness lock.
    void doomedPool.end();
    await probe.query('SELECT pg_terminate_backend($1)', [liveness[0]!.pid]);
    const started = Date.now();
    const release = await next;
    // Within a few of the survivor's polls, not the 60 s lease: its slot, then its ticket, are gone.
    expect(Date.now() - started).toBeLessThan(lease.leaseMs / 4);
    expect(granted).toBe(true);
    expect((await probe.query('SELECT granted FROM tableau_slots')).rows).toEqual([{ granted: true }]);
    release();
  });

  it('leaves no slot taken when a waiting caller gives up', async () => {
    const db = await sharedDatabase();
    const probe = db.pool();
    const [a, b] = [instance(db.pool(), { max: 1 }), instance(db.pool(), { max: 1 })];
    const held = await a.site.acquire();
    const controller = new AbortController();
    const gaveUp = b.site.acquire(controller.signal);
    await eventually(async () => (await rows(probe, false)) === 1);
    controller.abort(new Error('the analyst cancelled'));
    await expect(gaveUp).rejects.toThrow('the analyst cancelled');
    await eventually(async () => (await rows(probe, false)) === 0);
    held();
    // The abandoned ticket does not stand in line: the next caller gets the slot.
    (await b.site.acquire())();
    await expect(b.site.acquire(AbortSignal.abort(new Error('already gone')))).rejects.toThrow('already gone');
    await eventually(async () => (await rows(probe, true)) + (await rows(probe, false)) === 0);
  });

  it('frees a slot once however often it is released', async () => {
    const db = await sharedDatabase();
    const probe = db.pool();
    const a = instance(db.pool(), { max: 1 });
    const release = await a.site.acquire();
    let got = 0;
    const second = a.site.acquire().then((r) => (got++, r));
    const third = a.site.acquire().then((r) => (got++, r));
    await eventually(async () => (await rows(probe, false)) === 2);
    release();
    release();
    const secondRelease = await second;
    // Had the second release freed another slot, the third caller would hold one too.
    await sleep(600);
    expect(got).toBe(1);
    expect(await rows(probe, true)).toBe(1);
    secondRelease();
    (await third)();
  });

  it("wakes the other instance's waiter on release without waiting for its poll (LISTEN/NOTIFY)", async () => {
    const db = await sharedDatabase();
    const probe = db.pool();
    const a = instance(db.pool(), { max: 1, pollMs: 120_000 });
    const b = instance(db.pool(), { max: 1, pollMs: 120_000 });
    const held = await a.site.acquire();
    const waiting = b.site.acquire();
    await eventually(async () => (await rows(probe, false)) === 1);
    await eventually(
      async () =>
        Number((await probe.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN "tableau_slots_%'`)).rows[0].n) >= 2,
    );
    held();
    // A poll would come after 2 minutes; the test's timeout is 30 s.
    (await waiting)();
  });
});
