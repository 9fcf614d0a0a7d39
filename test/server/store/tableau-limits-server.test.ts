/**
 * Two companion servers (startServer) on one PostgreSQL and one data directory, against the
 * simulator: the wiring of main.ts puts their Tableau calls under the shared limits — an export
 * holds a slot in `tableau_slots`, the second instance re-uses the first one's Tableau session
 * (no sign-in of its own), and the VDS budget is one for both (429 vds-budget-spent over HTTP).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { apiClient, captureLogger } from '../http/helpers.js';
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
    const connected = await a.call('POST', '/api/connections', {
      body: {
        serverUrl: sim.url,
        siteContentUrl: sim.demo.siteContentUrl,
        auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
      },
    });
    expect(connected.status, connected.text).toBe(201);
    const token: string = connected.json.sessionToken;
    const pull = (api: typeof a, source: unknown) =>
      api.call('POST', `/api/connections/${connected.json.connection.id}/pull`, { token, body: { source } });
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

    const datasources = await a.call('GET', `/api/connections/${connected.json.connection.id}/datasources?page=1`, { token });
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
