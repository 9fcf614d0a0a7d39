/**
 * Two companion servers (startServer) on one PostgreSQL and one data directory, against the
 * simulator: the wiring of main.ts puts their Tableau calls under the shared limits — an export
 * holds a slot in `tableau_slots`, the second instance re-uses the first one's Tableau session
 * (no sign-in of its own), and the VDS budget is one for both (429 vds-budget-spent over HTTP).
 * On both stores: a pull the pane gives up on while it waits for an export slot stops waiting at once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { onTestFinished } from 'vitest';

import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { createPool } from '../../../server/store/postgres.js';
import type { ExportSlots } from '../../../server/tableau/limiter.js';
import { SessionCache } from '../../../server/tableau/sessions.js';
import { apiClient, captureLogger, connectDemo } from '../http/helpers.js';
import { describeEachStore } from './backends.js';
import { adminUrl, eventually, onCleanup, sharedDatabase, skipReason } from './tableau-shared-support.js';

const VIEW_ID = stableId('demo', 'view', 'superstore/Orders by Region');

describe.skipIf(!adminUrl)(`two servers on one PostgreSQL share Tableau's limits${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator();
  });
  afterAll(() => sim.close());

  it('holds exports in the shared slots, signs in once for both, and spends one VDS budget', async () => {
    const db = await sharedDatabase();
    const probe = db.pool();
    const dataDir = mkdtempSync(join(tmpdir(), 'limits-'));
    const start = async (): Promise<RunningServer> => {
      const server = await startServer({
        dataDir,
        databaseUrl: db.url,
        port: 0,
        protocol: 'http',
        logger: captureLogger('warn').logger,
        tableauLimits: { vdsQueriesPerHourPerSite: 2 },
      });
      onCleanup(() => server.close());
      return server;
    };
    const [a, b] = [apiClient((await start()).url), apiClient((await start()).url)];
    const { token, cid } = await connectDemo(a, sim);
    const pull = (api: typeof a, source: unknown) => api.call('POST', `/api/connections/${cid}/pull`, { token, body: { source } });
    const signIns = vi.spyOn(sim.sessions, 'create');
    onCleanup(async () => signIns.mockRestore());

    // A slow export on A: while it runs, its slot is a row every instance counts.
    sim.faults.set({ kind: 'latency', ms: 1_500, path: '*/views/*/data', count: 1 });
    const view = { kind: 'view', viewId: VIEW_ID };
    const slow = pull(a, view);
    await eventually(async () => Number((await probe.query('SELECT count(*) AS n FROM tableau_slots WHERE granted')).rows[0].n) === 1);
    expect((await slow).status).toBe(200);
    // B's first pull takes up A's Tableau session: one sign-in for both instances.
    expect((await pull(b, view)).status).toBe(200);
    expect(signIns).toHaveBeenCalledTimes(1);

    const datasources = await a.call('GET', `/api/connections/${cid}/datasources?page=1`, { token });
    const ds = (datasources.json.items as Array<{ id: string; name: string }>).find((d) => d.name === 'Superstore Orders')!;
    const source = { kind: 'datasource', datasourceId: ds.id, query: { fields: [{ fieldCaption: 'Category' }] } };
    // A data source pull is two VDS calls (metadata, query): A spends the budget of 2, B is refused.
    const first = await pull(a, source);
    expect(first.status, first.text).toBe(200);
    expect(first.text).not.toContain('vds-budget-spent');
    const refused = await pull(b, source);
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ error: { code: 'vds-budget-spent' } });
    expect(Number((await probe.query('SELECT count(*) AS n FROM tableau_vds_calls')).rows[0].n)).toBe(2);
  });
});

const limiter = SessionCache.prototype.limiter;

/** Every export slot the server asks for, as its callers see them: how many wait, how many hold one. */
function watchSlots() {
  const seen = { waiting: 0, held: 0 };
  const spy = vi.spyOn(SessionCache.prototype, 'limiter').mockImplementation(function (this: SessionCache, site: string): ExportSlots {
    const slots = limiter.call(this, site);
    return {
      acquire: async (signal, owner) => {
        seen.waiting++;
        try {
          const release = await slots.acquire(signal, owner);
          seen.held++;
          let released = false;
          return () => {
            if (!released) seen.held--;
            released = true;
            release();
          };
        } finally {
          seen.waiting--;
        }
      },
    };
  });
  onTestFinished(() => spy.mockRestore());
  return seen;
}

describeEachStore('a pull given up while it waits for an export slot', (backend) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator();
  });
  afterAll(() => sim.close());

  it('stops waiting at once, takes no slot and never reaches Tableau', async () => {
    const slots = watchSlots();
    const location = await backend.location();
    const log = captureLogger('warn');
    const server = await startServer({
      ...location,
      port: 0,
      protocol: 'http',
      logger: log.logger,
      // One slot per site, so a second pull waits (Tableau Cloud's 20, made small).
      tableauLimits: { slots: { max: 1, pollMs: 200 } },
    });
    onCleanup(() => server.close());
    const api = apiClient(server.url);
    const { token, cid } = await connectDemo(api, sim);
    const pullUrl = `${server.url}/api/connections/${cid}/pull`;
    const pull = (signal?: AbortSignal) =>
      fetch(pullUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source: { kind: 'view', viewId: VIEW_ID } }),
        ...(signal ? { signal } : {}),
      }).then(async (res) => ({ status: res.status, text: await res.text() }));
    const exportsAtTableau = vi.spyOn(sim.exports, 'enter');
    onCleanup(async () => exportsAtTableau.mockRestore());

    // The first pull holds the site's one slot while Tableau takes its time.
    sim.faults.set({ kind: 'timeout', ms: 3_000, path: '*/views/*/data', count: 1 });
    const first = pull();
    await eventually(() => slots.held === 1);
    const pane = new AbortController();
    const cancelled = pull(pane.signal).catch((err: unknown) => err);
    await eventually(() => slots.waiting === 1);
    pane.abort();
    expect(await cancelled).toMatchObject({ name: 'AbortError' });
    // The wait ends while the first pull still holds the slot, not when the slot would have come.
    await eventually(() => slots.waiting === 0);
    expect(slots.held).toBe(1);
    if (location.databaseUrl) {
      // Its ticket is gone from the queue every instance shares, not merely forgotten here.
      const probe = createPool(location.databaseUrl);
      onCleanup(() => probe.end());
      const tickets = await probe.query<{ granted: boolean }>('SELECT granted FROM tableau_slots');
      expect(tickets.rows).toEqual([{ granted: true }]);
    }
    expect((await first).status).toBe(200);
    // The next pull goes straight to Tableau: the cancelled one neither stood in line nor exported.
    expect((await pull()).status).toBe(200);
    expect(exportsAtTableau).toHaveBeenCalledTimes(2);
    await eventually(() => slots.held === 0);
  });
});
