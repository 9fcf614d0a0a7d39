/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON; each test asserts the shape it reads. */
/**
 * A Tableau refresh event on a team server of two instances on one PostgreSQL, over HTTP: the
 * schedule is made through instance A, Tableau's delivery reaches instance B (the proxy picked it),
 * and the same event delivered once more reaches A. The schedule runs once, on the job queue,
 * recorded with trigger `tableau-event` (docs/tableau-events.md).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createScheduling } from '../../../server/http/routes/schedules.js';
import type { RunningServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { createTestDatabase } from '../../support/postgres-db.js';
import { apiClient, captureLogger } from '../http/helpers.js';
import { startTestServer } from '../http/test-server.js';
import { adminUrl, FAST_QUEUE, skipReason, until } from './support.js';

const PUBLIC_URL = 'https://excel.example.com';
const ORDERS = stableId('demo', 'datasource', 'orders');

describe.skipIf(!adminUrl)(`a Tableau event on two instances${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  let sim: Simulator | undefined;
  const servers: RunningServer[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const server of servers) await server.close();
    await sim?.close();
    await drop?.();
  });

  it('the delivery reaches one instance, a repeat reaches the other: one run', async () => {
    sim = await createSimulator({
      jobs: { mode: 'poll', pollsPerStage: 1 },
      webhooks: { allowHttpLoopbackForTests: true, retryDelaysMs: [20, 20, 20], timeoutMs: 5_000 },
    });
    const database = await createTestDatabase(adminUrl!);
    drop = database.drop;
    // One data directory: every instance needs the same key file (docs/store.md).
    const dataDir = mkdtempSync(join(tmpdir(), 'events-'));
    const start = () =>
      startTestServer({
        dataDir,
        databaseUrl: database.url,
        logger: captureLogger('warn').logger,
        scheduling: (app, ctx) =>
          createScheduling(ctx, { logger: captureLogger('warn').logger, publicUrl: PUBLIC_URL, queue: FAST_QUEUE }).routes(app, ctx),
      });
    servers.push(await start());
    servers.push(await start());
    const [a, b] = servers.map((s) => apiClient(s.url));

    const connected = await a.call('POST', '/api/connections', {
      body: {
        serverUrl: sim.url,
        siteContentUrl: sim.demo.siteContentUrl,
        auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
      },
    });
    expect(connected.status, connected.text).toBe(201);
    const token = (connected.json as any).sessionToken as string;
    const created = await a.call('POST', '/api/schedules', {
      token,
      body: {
        connectionId: (connected.json as any).connection.id,
        definitionId: '2b0c7a52-51c4-4c59-9a43-1b8f0f3c7d11',
        name: 'Regions on refresh',
        source: { kind: 'datasource', datasourceId: ORDERS, query: { fields: [{ fieldCaption: 'Region' }] } },
        spec: { kind: 'on-tableau-refresh' },
      },
    });
    expect(created.status, created.text).toBe(201);
    const sid = (created.json as any).schedule.id as string;
    const [hook] = sim.webhooks.ofSite(sim.demo.siteId);
    expect(hook.url.startsWith(`${PUBLIC_URL}/hooks/tableau/`)).toBe(true);
    // The proxy behind PUBLIC_URL forwards this delivery to instance B.
    hook.url = hook.url.replace(PUBLIC_URL, servers[1].url);

    const client = await TableauClient.connect({
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
      sessions: new SessionCache(),
    });
    await client.waitForJob(await client.refreshExtract({ kind: 'datasource', id: ORDERS }));
    await client.signOut();
    await sim.webhooks.idle();
    const [delivery] = sim.webhooks.deliveries();
    expect(delivery.state).toBe('delivered');
    // Tableau delivers it once more; this time the proxy picks instance A.
    const again = await fetch(delivery.url.replace(servers[1].url, servers[0].url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(delivery.payload),
    });
    expect(again.status).toBe(204);

    const runs = async () => (await b.call('GET', `/api/schedules/${sid}/runs`, { token })).json.runs as any[];
    await until(async () => (await runs()).some((r) => r.status === 'succeeded'), 20_000, 'the event run');
    // Time for a duplicate to show up, were there one.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const history = await runs();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ trigger: 'tableau-event', status: 'succeeded' });
    expect(history[0].attempt).toBeUndefined();
    expect(history[0].rowCount).toBeGreaterThan(0);
  });
});
