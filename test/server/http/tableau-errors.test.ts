/**
 * Tableau's error codes end to end: the simulator answers as Tableau does, the companion server's
 * HTTP API and a scheduled pull name the right party and cause. The case that started it: a VDS
 * query on a deleted data source said "VizQL Data Service is not enabled" (docs/tableau-errors.md).
 */
import { createScheduling, type Scheduling } from '../../../server/http/routes/schedules.js';
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { ManualSchedulerClock } from '../schedule/manual-clock.js';
import { apiClient, captureLogger, connectDemo, tempDir } from './helpers.js';

const ORDERS = stableId('demo', 'datasource', 'orders');
const QUERY = { fields: [{ fieldCaption: 'Region' }, { fieldCaption: 'Sales', function: 'SUM' }] };

let sim: Simulator;
let server: RunningServer;
let scheduling: Scheduling;
let api: ReturnType<typeof apiClient>;
let token: string;
let cid: string;
const clock = new ManualSchedulerClock(Date.parse('2026-03-02T05:00:00Z'));

beforeAll(async () => {
  sim = await createSimulator();
  const { logger } = captureLogger();
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger,
    tableau: { retry: { maxAttempts: 1 } },
    scheduling: (app, ctx) => {
      scheduling = createScheduling(ctx, { logger, clock, webhookTimeoutMs: 2000 });
      return scheduling.routes(app, ctx);
    },
  });
  api = apiClient(server.url);
  ({ token, cid } = await connectDemo(api, sim));
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

const site = () => sim.state.siteNamed(sim.demo.siteContentUrl)!;
const pull = (source: unknown) => api.call('POST', `/api/connections/${cid}/pull`, { token, body: { source } });

/** A published data source that exists, then is deleted on the site (a copy, so other tests keep the demo's). */
function deletedDatasource(): string {
  const { projectId, dataKey } = site().datasources.get(ORDERS)!;
  const copy = site().addDatasource({ name: `Orders copy ${site().datasources.size}`, projectId, dataKey });
  site().removeDatasource(copy.id);
  return copy.id;
}

describe('a VDS query on a deleted data source', () => {
  it('works before the deletion (the data source is real)', async () => {
    const res = await pull({ kind: 'datasource', datasourceId: ORDERS, query: QUERY });
    expect(res.status, res.text).toBe(200);
  });

  it('answers 404 "data source not found" through the HTTP API, not "VDS disabled"', async () => {
    const res = await pull({ kind: 'datasource', datasourceId: deletedDatasource(), query: QUERY });
    expect(res.status, res.text).toBe(404);
    expect(res.json.error).toMatchObject({ code: 'not-found', tableauCode: '404000' });
    expect(res.json.error.message).toMatch(/could not find the data source/);
    expect(res.json.error.message).toMatch(/deleted/);
    expect(res.json.error.message).not.toMatch(/not enabled|VizQL Data Service is/);
    expect(res.json.error.hint).toMatch(/still exists/);
  });

  it('while VDS switched off on the server answers "not enabled" for the same request', async () => {
    sim.setVdsEnabled(false);
    try {
      const res = await pull({ kind: 'datasource', datasourceId: ORDERS, query: QUERY });
      expect(res.status, res.text).toBe(422);
      expect(res.json.error).toMatchObject({ code: 'vds-disabled', message: 'VizQL Data Service is not enabled on this server.' });
      expect(res.json.error.hint).toMatch(/TSM/);
    } finally {
      sim.setVdsEnabled(true);
    }
  });

  it('a scheduled pull records "data source not found" as the run\'s error', async () => {
    const created = await api.call('POST', '/api/schedules', {
      token,
      body: {
        connectionId: cid,
        definitionId: '5a1f3a2e-8c0b-4d6e-9f21-7b3c2d1e0f4a',
        name: 'Orders on a data source that is gone',
        source: { kind: 'datasource', datasourceId: deletedDatasource(), query: QUERY },
        spec: { kind: 'daily', time: '07:30', timeZone: 'UTC' },
      },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.schedule.id;
    clock.advanceTo('2026-03-02T07:30:00Z');
    await scheduling.runner.idle();
    const listed = await api.call('GET', '/api/schedules', { token });
    const schedule = listed.json.schedules.find((s: { id: string }) => s.id === id);
    expect(schedule.status).toBe('failed');
    expect(schedule.lastRun.error).toMatchObject({ code: 'not-found', tableauCode: '404000' });
    expect(schedule.lastRun.error.message).toMatch(/could not find the data source/);
    expect(schedule.lastRun.error.message).not.toMatch(/not enabled/);
  });
});

describe('other documented codes through the simulator and the HTTP API', () => {
  it('an unknown field is a 400 naming the field (VDS 400803 "Unknown Field")', async () => {
    const res = await pull({ kind: 'datasource', datasourceId: ORDERS, query: { fields: [{ fieldCaption: 'Foobar' }] } });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'vds-unknown-field', tableauCode: '400803' });
    expect(res.json.error.message).toContain('Foobar');
  });

  it('a deleted view is "view not found" (Query View Data answers 400080)', async () => {
    const res = await pull({ kind: 'view', viewId: 'ffffffff-0000-4000-8000-000000000000' });
    expect(res.status, res.text).toBe(404);
    expect(res.json.error).toMatchObject({ code: 'not-found', tableauCode: '400080' });
    expect(res.json.error.message).toMatch(/could not find that view on this site/);
  });
});
