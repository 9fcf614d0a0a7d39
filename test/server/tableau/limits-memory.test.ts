/**
 * Tableau's limits in one process (SQLite, a single analyst): the VDS budget's rolling hour, its
 * refusal (429 vds-budget-spent, nothing sent), VDS_QUERIES_PER_HOUR_PER_SITE, and a waiter that
 * gives up on the in-process export limiter. The shared (PostgreSQL) side: test/server/store/tableau-*.test.ts.
 */
import { loadConfig } from '../../../server/config.js';
import { toErrorReply } from '../../../server/http/errors.js';
import { Limiter, MemoryVdsBudget, SessionCache } from '../../../server/tableau/index.js';

const MIN = 60_000;

describe('the VDS budget in this process', () => {
  it('allows `perHour` calls in any rolling 60 minutes and says when the next one may run', async () => {
    let now = Date.parse('2026-01-05T10:00:00Z');
    const budget = new MemoryVdsBudget(3, () => now);
    // Each call let through says how many the window holds with it, and when the oldest leaves.
    const eleven = new Date('2026-01-05T11:00:00Z');
    for (const [i, at] of [0, 10, 20].entries()) {
      now = Date.parse('2026-01-05T10:00:00Z') + at * MIN;
      expect(await budget.take('site')).toEqual({ ok: true, used: i + 1, perHour: 3, oldestFreesAt: eleven });
    }
    now += 30 * MIN; // 10:50
    expect(await budget.take('site')).toEqual({ ok: false, freesAt: eleven });
    // Another site has its own budget.
    expect(await budget.take('other site')).toEqual({ ok: true, used: 1, perHour: 3, oldestFreesAt: new Date('2026-01-05T11:50:00Z') });
    now = Date.parse('2026-01-05T11:00:00Z'); // the 10:00 call leaves the window; 10:10 and 10:20 stay
    expect(await budget.take('site')).toEqual({ ok: true, used: 3, perHour: 3, oldestFreesAt: new Date('2026-01-05T11:10:00Z') });
    expect(await budget.take('site')).toEqual({ ok: false, freesAt: new Date('2026-01-05T11:10:00Z') });
  });

  it('refuses with 429 vds-budget-spent naming our budget and Tableau’s limit; no budget set, no refusal', async () => {
    const sessions = new SessionCache({ vdsQueriesPerHour: 1 });
    expect(await sessions.takeVdsCall('https://x|site')).toMatchObject({ used: 1, perHour: 1 });
    const err = await sessions.takeVdsCall('https://x|site').catch((e: unknown) => e);
    const reply = toErrorReply(err);
    expect(reply.status).toBe(429);
    expect(reply.body).toMatchObject({ code: 'vds-budget-spent', hint: expect.stringMatching(/^Try again after \d\d:\d\d UTC\.$/) });
    expect(reply.body.message).toMatch(
      /budget of 1 VizQL Data Service queries an hour.*100 queries an hour per Creator licence.*in 60 minutes/,
    );
    const unlimited = new SessionCache();
    for (let i = 0; i < 500; i++) expect(await unlimited.takeVdsCall('https://x|site')).toBeUndefined();
  });

  it('reads VDS_QUERIES_PER_HOUR_PER_SITE, and refuses anything but a positive whole number', () => {
    expect(loadConfig({}, []).vdsQueriesPerHourPerSite).toBeUndefined();
    expect(loadConfig({ VDS_QUERIES_PER_HOUR_PER_SITE: ' ' }, []).vdsQueriesPerHourPerSite).toBeUndefined();
    expect(loadConfig({ VDS_QUERIES_PER_HOUR_PER_SITE: '500' }, []).vdsQueriesPerHourPerSite).toBe(500);
    for (const bad of ['0', '-5', '1.5', 'lots', '100000000'])
      expect(() => loadConfig({ VDS_QUERIES_PER_HOUR_PER_SITE: bad }, [])).toThrow(/VDS_QUERIES_PER_HOUR_PER_SITE/);
  });
});

describe('the export limiter in this process', () => {
  it('drops a waiter that gives up, without taking or losing a slot', async () => {
    const l = new Limiter(1);
    const held = await l.acquire();
    const controller = new AbortController();
    const gaveUp = l.acquire(controller.signal);
    const next = l.acquire();
    controller.abort(new Error('cancelled'));
    await expect(gaveUp).rejects.toThrow('cancelled');
    expect(l.queued).toBe(1);
    held();
    (await next)();
    expect(l.inFlight).toBe(0);
    await expect(l.acquire(AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
    expect(l.inFlight).toBe(0);
  });

  /** Queues `n` waiters of `owner`, each noting its grant in `order` and keeping its release. */
  function queue(l: Limiter, owner: string, n: number, order: string[], releases: Array<() => void>) {
    return Array.from({ length: n }, (_, i) =>
      l.acquire(undefined, owner).then((release) => {
        order.push(`${owner}${i + 1}`);
        releases.push(release);
      }),
    );
  }

  it('shares freed slots fairly: the waiting owner holding the fewest goes first, FIFO within an owner', async () => {
    const l = new Limiter(2);
    const order: string[] = [];
    const releases: Array<() => void> = [];
    // A takes both slots and queues four more; then B and C queue one each, behind A's four.
    const started = [...queue(l, 'A', 6, order, releases), ...queue(l, 'B', 1, order, releases), ...queue(l, 'C', 1, order, releases)];
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(['A1', 'A2']);
    // Each release frees one slot; plain FIFO would grant A3 A4 A5 A6 before B1 and C1.
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(started);
    expect(order).toEqual(['A1', 'A2', 'B1', 'C1', 'A3', 'A4', 'A5', 'A6']);
    expect(l.inFlight).toBe(0);
    expect(l.queued).toBe(0);
  });

  it('between owners holding as many slots, round robin (the one served longest ago); one owner is plain FIFO', async () => {
    const l = new Limiter(1);
    const order: string[] = [];
    const releases: Array<() => void> = [];
    const started = [...queue(l, 'A', 1, order, releases), ...queue(l, 'C', 2, order, releases), ...queue(l, 'B', 2, order, releases)];
    await Promise.resolve();
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(started);
    // C1 waited before B1 and neither was served yet: C1. Then both hold none, and B was never served: B1, not C2.
    expect(order).toEqual(['A1', 'C1', 'B1', 'C2', 'B2']);
    const fifo = new Limiter(1);
    const plain: string[] = [];
    const plainReleases: Array<() => void> = [];
    const all = queue(fifo, '', 4, plain, plainReleases);
    await Promise.resolve();
    while (plainReleases.length) {
      plainReleases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(all);
    expect(plain).toEqual(['1', '2', '3', '4']);
  });
});
