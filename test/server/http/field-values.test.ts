/**
 * The filter picker's distinct values over real HTTP against the Tableau simulator: sorted values
 * with their row counts, a search done by Tableau (MATCH contains), "first N of M", bad input as 400.
 */
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { apiClient, captureLogger, tempDir } from './helpers.js';

let sim: Simulator;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;
let token: string;
let base: string;

beforeAll(async () => {
  sim = await createSimulator({});
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: captureLogger('warn').logger,
    tableau: { retry: { maxAttempts: 1 }, timeoutMs: 10_000 },
  });
  api = apiClient(server.url);
  const body = {
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
  };
  const res = await api.call('POST', '/api/connections', { body });
  token = res.json.sessionToken;
  const cid = res.json.connection.id;
  const ds = await api.call('GET', `/api/connections/${cid}/datasources?pageSize=1000`, { token });
  const orders = ds.json.items.find((d: { name: string }) => /superstore/i.test(d.name));
  base = `/api/connections/${cid}/datasources/${orders.id}/field-values`;
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

const get = (query: string) => api.call('GET', `${base}?${query}`, { token });

describe('GET …/field-values', () => {
  it('lists a field’s distinct values in order, each with its row count', async () => {
    const res = await get('field=Region');
    expect(res.status, res.text).toBe(200);
    expect(res.json.values.map((v: { value: string }) => v.value)).toEqual(['Central', 'East', 'South', 'West']);
    expect(res.json).toMatchObject({ field: 'Region', total: 4, totalIsLowerBound: false });
    for (const v of res.json.values) expect(v.count).toBeGreaterThan(0);
  });

  it('searches on Tableau, ignoring case', async () => {
    const res = await get('field=Region&q=EST');
    expect(res.status, res.text).toBe(200);
    expect(res.json.values.map((v: { value: string }) => v.value)).toEqual(['West']);
    expect(res.json.total).toBe(1);
  });

  it('sends the first `limit` values and counts them all', async () => {
    const res = await get('field=State/Province&limit=3');
    expect(res.status, res.text).toBe(200);
    expect(res.json.values).toHaveLength(3);
    expect(res.json.total).toBeGreaterThan(3);
  });

  it('sends numbers as the text a filter takes, in the field’s own order', async () => {
    const res = await get('field=Row%20ID&limit=3');
    expect(res.status, res.text).toBe(200);
    expect(res.json.values.map((v: { value: string }) => v.value)).toEqual(['1', '2', '3']);
    expect(res.json.total).toBeGreaterThan(1000);
  });

  it('refuses bad input with 400 and an unknown field in Tableau’s words', async () => {
    expect((await get('limit=3')).status).toBe(400);
    expect((await get('field=Region&limit=0')).status).toBe(400);
    expect((await get('field=Region&limit=100000')).status).toBe(400);
    const unknown = await get('field=No%20such%20field');
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
    expect(unknown.json.error.message).toMatch(/No such field/);
  });
});

describe('field values from a server before 2026.1 (one JSON body, no rowLimit)', () => {
  it('lists the same values with their counts', async () => {
    const older = await createSimulator({ productVersion: '2025.3.0' });
    const companion = await startServer({
      dataDir: tempDir(),
      port: 0,
      protocol: 'http',
      logger: captureLogger('warn').logger,
      tableau: { retry: { maxAttempts: 1 }, timeoutMs: 10_000 },
    });
    try {
      const c = apiClient(companion.url);
      const body = {
        serverUrl: older.url,
        siteContentUrl: older.demo.siteContentUrl,
        auth: { kind: 'pat', patName: older.demo.patName, patSecret: older.demo.patSecret },
      };
      const connected = await c.call('POST', '/api/connections', { body });
      const path = base.replace(/connections\/[^/]+/, `connections/${connected.json.connection.id}`);
      const res = await c.call('GET', `${path}?field=Region`, { token: connected.json.sessionToken });
      expect(res.status, res.text).toBe(200);
      const now = await get('field=Region');
      expect(res.json).toEqual(now.json);
    } finally {
      await companion.close();
      await older.close();
    }
  });
});

describe('field values and the VDS budget', () => {
  it('counts each list as one VizQL Data Service query and refuses past the budget', async () => {
    const budgeted = await startServer({
      dataDir: tempDir(),
      port: 0,
      protocol: 'http',
      logger: captureLogger('warn').logger,
      tableau: { retry: { maxAttempts: 1 }, timeoutMs: 10_000 },
      tableauLimits: { vdsQueriesPerHourPerSite: 1 },
    });
    try {
      const b = apiClient(budgeted.url);
      const body = {
        serverUrl: sim.url,
        siteContentUrl: sim.demo.siteContentUrl,
        auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
      };
      const connected = await b.call('POST', '/api/connections', { body });
      const path = base.replace(/connections\/[^/]+/, `connections/${connected.json.connection.id}`);
      const call = (field: string) => b.call('GET', `${path}?field=${field}`, { token: connected.json.sessionToken });
      expect((await call('Region')).status).toBe(200);
      const refused = await call('Segment');
      expect(refused.status).toBe(429);
      expect(refused.json.error.code).toBe('vds-budget-spent');
    } finally {
      await budgeted.close();
    }
  });
});
