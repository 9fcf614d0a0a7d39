/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON; each test asserts the shape it reads. */
/**
 * "When Tableau refreshes the data" end to end (docs/tableau-events.md): the companion server
 * in-process against the Tableau simulator. Creating schedules with the trigger registers Tableau
 * webhooks at the simulator; an extract refresh there makes the simulator POST Tableau's payload to
 * the receiver, which runs the dependent schedules once. Also the receiver's refusals (404, 400,
 * 413), a second delivery, an event of another resource or site, and the refusals of the trigger
 * (inventory, no PUBLIC_URL, not a site administrator).
 *
 * PUBLIC_URL is https (Tableau posts to https only); the simulator's deliveries are pointed at the
 * plain-http test server instead, as the TLS-terminating proxy in front of a team server would
 * forward them (the simulator's `allowHttpLoopbackForTests`).
 */
import { createScheduling, type Scheduling } from '../../../server/http/routes/schedules.js';
import type { RunningServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { apiClient, captureLogger } from '../http/helpers.js';
import { startTestServer } from '../http/test-server.js';

const PUBLIC_URL = 'https://excel.example.com';
const VIEW_ID = stableId('demo', 'view', 'superstore/Orders by Region');
const ORDERS = stableId('demo', 'datasource', 'orders');
const LARGE = stableId('demo', 'datasource', 'large');
const DEFINITION_ID = '2b0c7a52-51c4-4c59-9a43-1b8f0f3c7d11';

let sim: Simulator;
let server: RunningServer;
let scheduling: Scheduling;
let api: ReturnType<typeof apiClient>;
const log = captureLogger();

const onRefresh = { kind: 'on-tableau-refresh' };
const viewSource = { kind: 'view', viewId: VIEW_ID, name: 'Superstore / Orders by Region' };
const vdsSource = { kind: 'datasource', datasourceId: ORDERS, query: { fields: [{ fieldCaption: 'Region' }] } };

async function connect(pat = { patName: sim.demo.patName, patSecret: sim.demo.patSecret }) {
  const res = await api.call('POST', '/api/connections', {
    body: { serverUrl: sim.url, siteContentUrl: sim.demo.siteContentUrl, auth: { kind: 'pat', ...pat } },
  });
  expect(res.status, res.text).toBe(201);
  return { token: (res.json as any).sessionToken as string, cid: (res.json as any).connection.id as string };
}

const body = (cid: string, source: unknown, spec: unknown = onRefresh, name = 'On refresh') => ({
  connectionId: cid,
  definitionId: DEFINITION_ID,
  name,
  source,
  spec,
});

/** The simulator's webhooks of the demo site (its own state: what Tableau would list). */
const simHooks = () => sim.webhooks.ofSite(sim.demo.siteId);

/** The receiver URL's token of the simulator's webhook for `event`. */
const tokenOf = (event: string) =>
  simHooks()
    .find((w) => w.event === event)!
    .url.split('/')
    .pop()!;

/** Points the deliveries at the test server, as the proxy behind PUBLIC_URL would. */
function forwardToServer(): void {
  for (const hook of simHooks()) hook.url = hook.url.replace(PUBLIC_URL, server.url);
}

async function refresh(datasourceId: string): Promise<void> {
  const client = await TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    sessions: new SessionCache(),
  });
  const job = await client.waitForJob(await client.refreshExtract({ kind: 'datasource', id: datasourceId }));
  expect(job.finishCode).toBe(0);
  await client.signOut();
}

/** Everything started by a delivery has settled: the simulator's POSTs, our handling, the runs. */
async function settled(): Promise<void> {
  await sim.webhooks.idle();
  await scheduling.service.events.idle();
  await scheduling.runner.idle();
}

const runsOf = async (token: string, id: string) => (await api.call('GET', `/api/schedules/${id}/runs`, { token })).json.runs as any[];

const hook = (token: string, payload: unknown, contentType = 'application/json') =>
  fetch(`${server.url}/hooks/tableau/${token}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

beforeAll(async () => {
  sim = await createSimulator({
    jobs: { mode: 'poll', pollsPerStage: 1 },
    webhooks: { allowHttpLoopbackForTests: true, retryDelaysMs: [20, 20, 20], timeoutMs: 5_000 },
  });
  server = await startTestServer({
    logger: log.logger,
    scheduling: (app, ctx) => {
      scheduling = createScheduling(ctx, { logger: log.logger, publicUrl: PUBLIC_URL });
      return scheduling.routes(app, ctx);
    },
  });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

describe('schedules that run when Tableau refreshes the data', () => {
  it('registers webhooks, runs the dependent schedules once per refresh, and deletes the webhooks with the last schedule', async () => {
    const { token, cid } = await connect();
    const view = await api.call('POST', '/api/schedules', { token, body: body(cid, viewSource, onRefresh, 'View on refresh') });
    expect(view.status, view.text).toBe(201);
    expect(view.json.schedule).toMatchObject({ spec: onRefresh, description: 'When Tableau refreshes the data', nextRunAt: null });
    const vds = await api.call('POST', '/api/schedules', { token, body: body(cid, vdsSource, onRefresh, 'Query on refresh') });
    expect(vds.status, vds.text).toBe(201);
    const timed = await api.call('POST', '/api/schedules', {
      token,
      body: body(cid, vdsSource, { kind: 'daily', time: '07:30', timeZone: 'UTC' }, 'Timed'),
    });
    expect(timed.status).toBe(201);

    // One webhook per event for the connection, shared by both schedules, at PUBLIC_URL.
    expect(
      simHooks()
        .map((w) => w.event)
        .sort(),
    ).toEqual(['DatasourceRefreshSucceeded', 'WorkbookRefreshSucceeded']);
    for (const w of simHooks()) expect(w.url).toMatch(/^https:\/\/excel\.example\.com\/hooks\/tableau\/[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    // The token is a credential: never in the API's answers.
    expect(api.responses()).not.toContain(tokenOf('DatasourceRefreshSucceeded'));
    forwardToServer();

    // The view's workbook (Superstore) connects to Superstore Orders: its refresh concerns both.
    await refresh(ORDERS);
    await settled();
    for (const id of [view.json.schedule.id, vds.json.schedule.id]) {
      const runs = await runsOf(token, id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: 'tableau-event', status: 'succeeded' });
      expect(runs[0].rowCount).toBeGreaterThan(0);
    }
    expect(await runsOf(token, timed.json.schedule.id)).toHaveLength(0);
    const listed = (await api.call('GET', '/api/schedules', { token })).json.schedules as any[];
    expect(listed.find((s) => s.id === vds.json.schedule.id)).toMatchObject({ status: 'succeeded', lastRun: { trigger: 'tableau-event' } });

    // The same event delivered again (Tableau retries when it misses our answer): accepted, runs nothing.
    const delivered = sim.webhooks.deliveries().find((d) => d.event === 'DatasourceRefreshSucceeded')!;
    expect(delivered.state).toBe('delivered');
    expect((await hook(tokenOf('DatasourceRefreshSucceeded'), delivered.payload)).status).toBe(204);
    // The same event of another site's LUID: not this webhook's, runs nothing.
    const otherSite = { ...delivered.payload, site_luid: stableId('demo', 'site', 'elsewhere'), created_at: '2030-01-01T00:00:00Z' };
    expect((await hook(tokenOf('DatasourceRefreshSucceeded'), otherSite)).status).toBe(204);
    // A refresh of a data source neither schedule uses: runs nothing.
    await refresh(LARGE);
    await settled();
    for (const id of [view.json.schedule.id, vds.json.schedule.id]) expect(await runsOf(token, id)).toHaveLength(1);

    // A later refresh is a new event: each runs once more.
    await refresh(ORDERS);
    await settled();
    for (const id of [view.json.schedule.id, vds.json.schedule.id]) expect(await runsOf(token, id)).toHaveLength(2);

    // Run now still works for an event-driven schedule.
    const now = await api.call('POST', `/api/schedules/${vds.json.schedule.id}/run`, { token });
    expect(now.status).toBe(202);
    await settled();

    // The view schedule goes: the workbook webhook goes with it; the query still needs the data source one.
    expect((await api.call('DELETE', `/api/schedules/${view.json.schedule.id}`, { token })).status).toBe(204);
    expect(simHooks().map((w) => w.event)).toEqual(['DatasourceRefreshSucceeded']);
    const oldWorkbookToken = delivered.url.split('/').pop()!;
    // Switching the query to a timed schedule releases the last one.
    const changed = await api.call('PUT', `/api/schedules/${vds.json.schedule.id}`, {
      token,
      body: { spec: { kind: 'hourly', minute: 5, timeZone: 'UTC' } },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(simHooks()).toEqual([]);
    // A deleted registration's token is unknown from then on.
    expect((await hook(oldWorkbookToken, delivered.payload)).status).toBe(404);
  });

  it('a timed schedule changed to the trigger registers its webhooks; a rename keeps them; an inventory list cannot change to it', async () => {
    const { token, cid } = await connect();
    const daily = { kind: 'daily', time: '07:30', timeZone: 'UTC' };
    const timed = await api.call('POST', '/api/schedules', { token, body: body(cid, vdsSource, daily) });
    expect(timed.status).toBe(201);
    expect(simHooks()).toEqual([]);
    const path = `/api/schedules/${timed.json.schedule.id}`;
    const changed = await api.call('PUT', path, { token, body: { spec: onRefresh } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.schedule).toMatchObject({ description: 'When Tableau refreshes the data', nextRunAt: null });
    expect(simHooks().map((w) => w.event)).toEqual(['DatasourceRefreshSucceeded']);
    // A view source needs the workbook event too.
    expect((await api.call('PUT', path, { token, body: { source: viewSource } })).status).toBe(200);
    expect(
      simHooks()
        .map((w) => w.event)
        .sort(),
    ).toEqual(['DatasourceRefreshSucceeded', 'WorkbookRefreshSucceeded']);
    expect((await api.call('PUT', path, { token, body: { name: 'Renamed' } })).status).toBe(200);
    expect(simHooks()).toHaveLength(2);
    const inventory = await api.call('PUT', path, { token, body: { source: { kind: 'inventory', resource: 'workbooks' } } });
    expect(inventory.status).toBe(400);
    expect(inventory.json.error.message).toMatch(/inventory list cannot run/);
    expect(simHooks()).toHaveLength(2);
    expect((await api.call('DELETE', path, { token })).status).toBe(204);
    expect(simHooks()).toEqual([]);
  });

  it('deleting the connection deletes its webhooks at Tableau (its schedules go with it)', async () => {
    const { token, cid } = await connect();
    expect((await api.call('POST', '/api/schedules', { token, body: body(cid, viewSource) })).status).toBe(201);
    expect(simHooks()).toHaveLength(2);
    // Another user cannot make them go by naming the connection.
    const other = await connect();
    expect((await api.call('DELETE', `/api/connections/${cid}`, { token: other.token })).status).toBe(404);
    expect(simHooks()).toHaveLength(2);
    expect((await api.call('DELETE', `/api/connections/${cid}`, { token })).status).toBe(204);
    expect(simHooks()).toEqual([]);
  });

  it('a webhook a site administrator deleted at Tableau is re-created by the periodic check, once, and the schedule says so', async () => {
    const { token, cid } = await connect();
    const created = await api.call('POST', '/api/schedules', { token, body: body(cid, vdsSource) });
    expect(created.status, created.text).toBe(201);
    const id = created.json.schedule.id as string;
    const scheduleInfo = async () =>
      ((await api.call('GET', '/api/schedules', { token })).json.schedules as any[]).find((x) => x.id === id);
    expect((await scheduleInfo()).tableauWebhook).toBeUndefined();
    const admin = await TableauClient.connect({
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
      sessions: new SessionCache(),
    });
    const deleteAtTableau = async () => {
      for (const w of simHooks()) await admin.deleteWebhook(w.id);
      expect(simHooks()).toEqual([]);
    };

    // Re-creating fails while Tableau refuses: the schedule says why.
    await deleteAtTableau();
    sim.faults.set({ kind: 'unavailable', path: '*/webhooks', method: 'POST' });
    expect(await scheduling.service.checkTableauWebhooks()).toBe(true);
    sim.faults.clear();
    expect(simHooks()).toEqual([]);
    expect((await scheduleInfo()).tableauWebhook).toMatchObject({
      state: 'failed',
      message: expect.stringMatching(/^Tableau webhook missing — could not re-create: .+/),
    });

    // The next check makes it again; two checks at once (two instances) make one webhook.
    const checks = await Promise.all([scheduling.service.checkTableauWebhooks(), scheduling.service.checkTableauWebhooks()]);
    expect(checks.sort()).toEqual([false, true]);
    expect(simHooks().map((w) => w.event)).toEqual(['DatasourceRefreshSucceeded']);
    const info = await scheduleInfo();
    expect(info.tableauWebhook).toMatchObject({
      state: 'recreated',
      message: expect.stringMatching(/^Tableau webhook missing — re-created at \d{4}-/),
    });
    expect(await scheduling.service.checkTableauWebhooks()).toBe(true);
    expect(simHooks()).toHaveLength(1);

    // The new webhook's token is the one the receiver knows: a refresh runs the schedule.
    forwardToServer();
    await refresh(ORDERS);
    await settled();
    expect((await runsOf(token, id)).map((r) => r.trigger)).toEqual(['tableau-event']);
    await admin.signOut();
    expect((await api.call('DELETE', `/api/connections/${cid}`, { token })).status).toBe(204);
  });

  it('the receiver refuses unknown tokens (404), bodies that are not Tableau events (400) and big bodies (413)', async () => {
    const { token, cid } = await connect();
    const created = await api.call('POST', '/api/schedules', { token, body: body(cid, vdsSource) });
    expect(created.status, created.text).toBe(201);
    const good = tokenOf('DatasourceRefreshSucceeded');
    const [id] = good.split('.');
    const payload = {
      resource: 'EXTRACTS',
      event_type: 'DatasourceRefreshSucceeded',
      resource_name: 'Superstore Orders',
      site_luid: sim.demo.siteId,
      resource_luid: ORDERS,
      created_at: '2031-05-05T10:00:00Z',
    };
    for (const bad of ['nonsense', `${id}.${'A'.repeat(43)}`, `${stableId('x', 'y', 'z')}.${good.split('.')[1]}`]) {
      const res = await hook(bad, payload);
      expect(res.status, bad).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not-found', message: 'No such Tableau webhook on this server.' } });
    }
    const missing = await hook(good, { ...payload, site_luid: undefined });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/Tableau webhook event/) });
    expect((await hook(good, '{"resource":')).status).toBe(400);
    expect((await hook(good, { ...payload, resource_name: 'x'.repeat(20_000) })).status).toBe(413);
    // None of that ran anything; the token never reaches the log.
    await settled();
    expect(await runsOf(token, created.json.schedule.id)).toHaveLength(0);
    expect(log.text()).not.toContain(good.split('.')[1]);
    expect((await api.call('DELETE', `/api/schedules/${created.json.schedule.id}`, { token })).status).toBe(204);
    expect(simHooks()).toEqual([]);
  });

  it('refuses the trigger for an inventory list, and for a user who is not a site administrator', async () => {
    const admin = await connect();
    const inventory = await api.call('POST', '/api/schedules', {
      token: admin.token,
      body: body(admin.cid, { kind: 'inventory', resource: 'workbooks' }),
    });
    expect(inventory.status).toBe(400);
    expect(inventory.json.error.message).toMatch(/inventory list cannot run "when Tableau refreshes the data".*timed schedule/);

    const carl = await connect({ patName: sim.demo.otherPatName, patSecret: sim.demo.otherPatSecret });
    const refused = await api.call('POST', '/api/schedules', { token: carl.token, body: body(carl.cid, vdsSource) });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/^Only a Tableau site administrator can .* or use a timed schedule\.$/),
    });
    // Nothing was made: no schedule, no webhook.
    expect((await api.call('GET', '/api/schedules', { token: carl.token })).json.schedules).toEqual([]);
    expect(simHooks()).toEqual([]);
  });

  it('without PUBLIC_URL the trigger is refused, saying what the operator must set', async () => {
    const bare = await startTestServer({ logger: captureLogger().logger });
    try {
      const bareApi = apiClient(bare.url);
      const res = await bareApi.call('POST', '/api/connections', {
        body: {
          serverUrl: sim.url,
          siteContentUrl: sim.demo.siteContentUrl,
          auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
        },
      });
      const created = await bareApi.call('POST', '/api/schedules', {
        token: res.json.sessionToken,
        body: body(res.json.connection.id, viewSource),
      });
      expect(created.status).toBe(400);
      expect(created.json.error).toMatchObject({
        code: 'invalid-input',
        message: expect.stringMatching(/operator has not set PUBLIC_URL/),
      });
      expect(simHooks()).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
