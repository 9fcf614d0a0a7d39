/**
 * The automatic-refresh lease (addin/refresh/runner/lease.ts): the pure decision, the part's
 * text, the lease over a workbook, and co-authors — two runners, each with its own gateway over
 * ONE in-memory workbook, as two copies of the add-in over one shared document.
 */
import { describe, expect, it, vi } from 'vitest';

import { DefinitionStore } from '../../../../addin/refresh/definitions/store.js';
import {
  AutomationLease,
  decideLease,
  LEASE_NAMESPACE,
  LEASE_TTL_MS,
  parseLease,
  serializeLease,
} from '../../../../addin/refresh/runner/lease.js';
import { createRefreshLog } from '../../../../addin/refresh/runner/log.js';
import { RefreshRunner } from '../../../../addin/refresh/runner/runner.js';
import { RefreshService } from '../../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../../addin/refresh/runner/startup.js';
import { SKIPPED_FOR_COAUTHOR } from '../../../../addin/refresh/runner/words.js';
import { memoryGateway } from '../../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../../addin/workbook/memory/workbook.js';
import { bench, columns, connectionInfo, fakeApi, ok, rows } from './fixtures.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const MIN = 60_000;

/** Renewal timers the test fires by hand (none fire unless asked). */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (cb: () => void) => {
      pending.set(next, cb);
      return next++;
    },
    clearTimeout: (h: unknown) => void pending.delete(h as number),
    pending: () => pending.size,
    fire() {
      const callbacks = [...pending.values()];
      pending.clear();
      callbacks.forEach((cb) => cb());
    },
  };
}

describe('lease decision (pure)', () => {
  it('acquires a free lease, renews its own, skips a live one, takes over an expired one', () => {
    expect(decideLease(null, 'me', T0)).toBe('acquire');
    expect(decideLease({ holder: 'me', expiresAt: T0 - 1 }, 'me', T0)).toBe('renew');
    expect(decideLease({ holder: 'me', expiresAt: T0 + MIN }, 'me', T0)).toBe('renew');
    expect(decideLease({ holder: 'other', expiresAt: T0 + 1 }, 'me', T0)).toBe('held-elsewhere');
    expect(decideLease({ holder: 'other', expiresAt: T0 }, 'me', T0)).toBe('take-over');
  });

  it('stores { holder, expiresAt } in a part of its own namespace, and reads it back', () => {
    const xml = serializeLease({ holder: 'pane-1', expiresAt: T0 });
    expect(xml).toContain(`xmlns="${LEASE_NAMESPACE}"`);
    expect(xml).toContain('"expiresAt":"2026-03-01T10:00:00.000Z"');
    expect(parseLease(xml)).toEqual({ holder: 'pane-1', expiresAt: T0 });
  });

  it('treats a missing or damaged part as no lease', () => {
    expect(parseLease(null)).toBeNull();
    expect(parseLease(`<tableauRefreshLease xmlns="${LEASE_NAMESPACE}"><![CDATA[not json]]></tableauRefreshLease>`)).toBeNull();
    expect(parseLease(`<tableauRefreshLease xmlns="${LEASE_NAMESPACE}"><![CDATA[{"holder":""}]]></tableauRefreshLease>`)).toBeNull();
    expect(
      parseLease(`<tableauRefreshLease xmlns="${LEASE_NAMESPACE}"><![CDATA[{"holder":"x","expiresAt":"soon"}]]></tableauRefreshLease>`),
    ).toBeNull();
  });
});

describe('AutomationLease over a workbook', () => {
  function twoCopies() {
    const workbook = new MemoryWorkbook();
    let clock = T0;
    const timers = manualTimers();
    const make = (holder: string) =>
      new AutomationLease({ documents: memoryGateway(workbook), holder, now: () => clock, timers, ttlMs: 3 * MIN });
    return {
      workbook,
      a: make('A'),
      b: make('B'),
      timers,
      advance: (ms: number) => (clock += ms),
      read: () => memoryGateway(workbook).readDocument(LEASE_NAMESPACE),
    };
  }

  it('one copy holds it; the other is told who does until it expires, then takes over', async () => {
    const s = twoCopies();
    expect(await s.a.claim()).toEqual({ run: true, why: 'holder' });
    expect(parseLease(await s.read())).toEqual({ holder: 'A', expiresAt: T0 + 3 * MIN });
    expect(await s.b.claim()).toEqual({ run: false, why: 'held-elsewhere', holder: 'A', expiresAt: T0 + 3 * MIN });
    s.advance(3 * MIN);
    expect(await s.b.claim()).toEqual({ run: true, why: 'holder' });
    expect(await s.a.claim()).toMatchObject({ run: false, holder: 'B' });
    expect(s.a.holding).toBe(false);
  });

  it('renews itself every third of the TTL while wanted, so the other copy never takes over', async () => {
    const s = twoCopies();
    await s.a.claim();
    for (let i = 0; i < 5; i++) {
      s.advance(MIN);
      s.timers.fire();
      await vi.waitFor(async () => expect(parseLease(await s.read())?.expiresAt).toBe(T0 + (i + 1) * MIN + 3 * MIN));
      expect(await s.b.claim()).toMatchObject({ run: false, holder: 'A' });
    }
  });

  it('stops renewing when no longer wanted, and on release hands the lease back', async () => {
    const workbook = new MemoryWorkbook();
    const timers = manualTimers();
    let wanted = true;
    const a = new AutomationLease({ documents: memoryGateway(workbook), holder: 'A', now: () => T0, timers, keepWhile: () => wanted });
    const b = new AutomationLease({ documents: memoryGateway(workbook), holder: 'B', now: () => T0, timers });
    await a.claim();
    wanted = false;
    timers.fire();
    expect(timers.pending()).toBe(0);
    await a.release();
    expect(await b.claim()).toEqual({ run: true, why: 'holder' });
  });

  it('the last writer wins when two write at once: the read-back tells the loser', async () => {
    const workbook = new MemoryWorkbook();
    const gateway = memoryGateway(workbook);
    // Another copy's write lands between this copy's write and its read-back.
    const racing = {
      readDocument: (ns: string) => gateway.readDocument(ns),
      writeDocument: async (ns: string, xml: string) => {
        await gateway.writeDocument(ns, xml);
        await gateway.writeDocument(ns, serializeLease({ holder: 'B', expiresAt: T0 + 3 * MIN }));
      },
    };
    const a = new AutomationLease({ documents: racing, holder: 'A', now: () => T0, timers: manualTimers() });
    expect(await a.claim()).toMatchObject({ run: false, holder: 'B' });
    expect(a.holding).toBe(false);
  });

  it('a new holder waits settleMs before reading back, so a co-author whose write arrives late is seen', async () => {
    const run = async (settleMs: number) => {
      const workbook = new MemoryWorkbook();
      const gateway = memoryGateway(workbook);
      // B's copy: its write reaches the shared document 10 ms late (co-authoring sync).
      const late = {
        readDocument: (ns: string) => gateway.readDocument(ns),
        writeDocument: async (ns: string, xml: string) => {
          await new Promise((r) => setTimeout(r, 10));
          await gateway.writeDocument(ns, xml);
        },
      };
      const a = new AutomationLease({ documents: gateway, holder: 'A', now: () => T0, timers: manualTimers(), settleMs });
      const b = new AutomationLease({ documents: late, holder: 'B', now: () => T0, timers: manualTimers(), settleMs });
      const answers = await Promise.all([a.claim(), b.claim()]);
      return answers.filter((x) => x.run).length;
    };
    expect(await run(0)).toBe(2); // without the wait both copies believe they hold it
    expect(await run(40)).toBe(1);
  });

  it('never blocks when the document cannot be read or written (e.g. ExcelApi 1.5 missing)', async () => {
    const unreadable = {
      readDocument: async () => {
        throw new Error('This version of Excel cannot save refresh definitions in the workbook');
      },
      writeDocument: async () => undefined,
    };
    expect(await new AutomationLease({ documents: unreadable, timers: manualTimers() }).claim()).toEqual({ run: true, why: 'no-document' });
    const readOnly = {
      readDocument: async () => null,
      writeDocument: async () => {
        throw new Error('read-only');
      },
    };
    expect(await new AutomationLease({ documents: readOnly, timers: manualTimers() }).claim()).toEqual({ run: true, why: 'no-document' });
  });
});

/** Two copies of the add-in (co-authors) over one workbook, each with its own lease, log and clock. */
async function coAuthors(options: { refreshOnOpen?: boolean; everyMinutes?: number | null } = {}) {
  const def = {
    options: {
      mode: 'replace' as const,
      refreshExtractFirst: false,
      refreshOnOpen: options.refreshOnOpen ?? true,
      everyMinutes: options.everyMinutes ?? null,
    },
  };
  const a = await bench({ tables: [{ name: 'Sales', viewId: 'v1', at: 'A1', def }] });
  let clock = T0;
  const advance = (ms: number) => (clock += ms);
  function copy(holder: string, gateway = memoryGateway(a.workbook), api = fakeApi([connectionInfo('c1')])) {
    api.script('v1', ok(columns, rows(4)));
    // settleMs: copies starting together both write before either reads back (as co-authors' copies in Excel).
    const lease = new AutomationLease({
      documents: gateway,
      holder,
      now: () => clock,
      timers: manualTimers(),
      ttlMs: 3 * MIN,
      settleMs: 20,
    });
    const log = createRefreshLog({ storage: undefined });
    const runner = new RefreshRunner({ gateway, store: new DefinitionStore(gateway), api, log, lease });
    return { api, lease, log, runner };
  }
  return { id: a.ids.Sales, first: copy('A', a.gateway, a.api), second: copy('B'), advance };
}

describe('co-authors: one copy runs the automatic refreshes', () => {
  it('only one runs refresh on open; the other logs it as skipped in plain words', async () => {
    const c = await coAuthors();
    const [first, second] = await Promise.all([c.first.runner.refreshOnOpen(), c.second.runner.refreshOnOpen()]);
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
    expect(c.first.api.pull).toHaveBeenCalledTimes(1);
    expect(c.second.api.pull).not.toHaveBeenCalled();
    expect(c.second.log.entries()).toEqual([
      expect.objectContaining({ table: 'Sales', trigger: 'open', outcome: 'skipped', message: SKIPPED_FOR_COAUTHOR }),
    ]);
  });

  it('timed refreshes: the other copy skips (logged once), and takes over once the holder stops renewing', async () => {
    const c = await coAuthors({ refreshOnOpen: false, everyMinutes: 5 });
    expect(await c.first.runner.refreshTimed(c.id)).toMatchObject({ status: 'ok' });
    expect(await c.second.runner.refreshTimed(c.id)).toBeNull();
    c.advance(MIN);
    expect(await c.second.runner.refreshTimed(c.id)).toBeNull();
    expect(c.second.api.pull).not.toHaveBeenCalled();
    expect(c.second.log.entries().map((e) => e.outcome)).toEqual(['skipped']); // not once per tick
    // The holder's pane is gone: no more renewals. After the TTL the other copy takes over.
    c.advance(2 * MIN);
    expect(await c.second.runner.refreshTimed(c.id)).toMatchObject({ status: 'ok' });
    expect(c.second.api.pull).toHaveBeenCalledTimes(1);
    expect(c.second.log.entries()[0]).toMatchObject({ trigger: 'timer', outcome: 'ok' });
    // And the first copy, back, now skips.
    expect(await c.first.runner.refreshTimed(c.id)).toBeNull();
    expect(c.first.log.entries()[0]).toMatchObject({ outcome: 'skipped', trigger: 'timer' });
  });

  it('a manual refresh on the copy without the lease still runs', async () => {
    const c = await coAuthors();
    await c.first.runner.refreshOnOpen();
    expect(await c.second.runner.refresh(c.id)).toMatchObject({ status: 'ok', rows: 4 });
    expect(await c.second.runner.refreshAll({ trigger: 'ribbon' })).toEqual([expect.objectContaining({ status: 'ok' })]);
    expect(c.second.api.pull).toHaveBeenCalledTimes(2);
    expect(c.second.log.entries().every((e) => e.outcome === 'ok')).toBe(true);
  });

  it('two refresh services started together over one workbook refresh on open once, and the lease is handed back on stop', async () => {
    const workbook = new MemoryWorkbook();
    const seed = memoryGateway(workbook);
    await seed.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(3), { tableName: 'Sales' });
    const seedStore = new DefinitionStore(seed);
    await seedStore.upsert({
      source: { kind: 'view', viewId: 'v1', name: 'View v1' },
      connection: { serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' },
      target: { sheet: 'Sheet1', tableName: 'Sales' },
      options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: true, everyMinutes: null },
    });
    const service = () => {
      const api = fakeApi([connectionInfo('c1')]);
      api.script('v1', ok(columns, rows(4)));
      const timers = { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined };
      const s = new RefreshService({
        gateway: memoryGateway(workbook),
        api,
        startup: memoryStartupPort(),
        timers,
        lease: { settleMs: 20 },
      });
      return { s, api };
    };
    const one = service();
    const two = service();
    await Promise.all([one.s.start({ refreshOnOpen: true }), two.s.start({ refreshOnOpen: true })]);
    expect(one.api.pull.mock.calls.length + two.api.pull.mock.calls.length).toBe(1);
    const [holder, other] = one.api.pull.mock.calls.length ? [one, two] : [two, one];
    expect(other.s.runner.log.entries()[0]).toMatchObject({ outcome: 'skipped', trigger: 'open' });
    holder.s.stop();
    await vi.waitFor(async () => expect(parseLease(await seed.readDocument(LEASE_NAMESPACE))!.expiresAt).toBeLessThanOrEqual(Date.now()));
    other.s.stop();
  });
});

describe('refresh log with skipped entries', () => {
  it('keeps reading logs saved before "skipped" existed, and saves skipped entries', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    };
    const old = [
      {
        at: '2026-01-01T00:00:00Z',
        table: 'A',
        definitionId: 'x',
        trigger: 'timer' as const,
        outcome: 'ok' as const,
        durationMs: 1,
        message: 'ok',
      },
    ];
    data.set('tableau-excel:refresh-log', JSON.stringify(old));
    const log = createRefreshLog({ storage });
    expect(log.entries()).toEqual(old);
    log.add({ ...old[0], table: 'B', outcome: 'skipped', message: SKIPPED_FOR_COAUTHOR });
    expect(
      createRefreshLog({ storage })
        .entries()
        .map((e) => e.outcome),
    ).toEqual(['skipped', 'ok']);
  });

  it('uses a TTL of a few minutes', () => {
    expect(LEASE_TTL_MS).toBe(3 * MIN);
  });
});
