/**
 * Field meanings and lineage over real HTTP against the Tableau simulator's Metadata API
 * (server/http/routes/metadata.ts → services/metadata.ts → tableau/metadata-queries.ts): a data
 * source's fields, a sheet's and a dashboard's lineage, a sheet's data sources, a workbook's
 * dashboards; the Metadata API switched off as 422 metadata-disabled; bad input as 400.
 */
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { apiClient, captureLogger, tempDir } from './helpers.js';

const demoId = (kind: string, name: string) => stableId('demo', kind, name);
const ORDERS = demoId('datasource', 'orders');

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
  base = `/api/connections/${res.json.connection.id}/metadata`;
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

const get = (path: string) => api.call('GET', `${base}${path}`, { token });

describe('GET …/metadata', () => {
  it("gives a data source's fields with description, type and role, and its tables", async () => {
    const res = await get(`/datasources/${ORDERS}/fields`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.partial).toBe(false);
    const ds = res.json.datasource;
    expect(ds).toMatchObject({ luid: ORDERS, name: 'Superstore Orders', isCertified: true, projectName: 'Data Sources' });
    expect(ds.tables.map((t: { fullName: string }) => t.fullName)).toEqual(['[public].[Orders]', '[public].[Returns]']);
    const sales = ds.fields.find((f: { name: string }) => f.name === 'Sales');
    expect(sales).toMatchObject({ dataType: 'REAL', role: 'MEASURE', kind: 'ColumnField', upstreamTables: ['Orders'] });
    expect(sales.description).toMatch(/revenue/i);
  });

  it("gives a sheet's lineage: its data source, tables and the fields it uses with their meanings", async () => {
    const res = await get(`/views/${demoId('view', 'superstore/Orders by Month')}/lineage`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.view).toEqual({ luid: demoId('view', 'superstore/Orders by Month'), name: 'Orders by Month', kind: 'sheet' });
    expect(res.json.workbook).toEqual({ luid: demoId('workbook', 'superstore'), name: 'Superstore' });
    expect(res.json.datasources.map((d: { name: string }) => d.name)).toEqual(['Superstore Orders']);
    expect(res.json.datasources[0].tables.map((t: { name: string }) => t.name)).toEqual(['Orders', 'Returns']);
    expect(res.json.fields.map((f: { name: string }) => f.name)).toEqual(['Order Date', 'Segment', 'Sales']);
    expect(res.json.fields[1].description).toMatch(/Consumer, Corporate/);
    expect(res.json.sheets).toEqual([]);
  });

  it("gives a dashboard's lineage with its sheets, and a workbook's dashboards", async () => {
    const lineage = await get(`/views/${demoId('view', 'finance/Finance KPIs')}/lineage`);
    expect(lineage.status, lineage.text).toBe(200);
    expect(lineage.json.view.kind).toBe('dashboard');
    expect(lineage.json.sheets.map((s: { name: string }) => s.name)).toEqual(['Profit by Month', 'Cube Summary']);
    expect(lineage.json.datasources.map((d: { name: string }) => d.name)).toEqual(['Superstore Orders', 'Finance Cube']);
    const dashboards = await get(`/workbooks/${demoId('workbook', 'superstore')}/dashboards`);
    expect(dashboards.status, dashboards.text).toBe(200);
    expect(dashboards.json.dashboards).toEqual([
      {
        luid: demoId('view', 'superstore/Sales Overview'),
        name: 'Sales Overview',
        sheets: [
          { luid: demoId('view', 'superstore/Orders by Region'), name: 'Orders by Region' },
          { luid: demoId('view', 'superstore/Orders by Month'), name: 'Orders by Month' },
        ],
      },
    ]);
  });

  it("gives a sheet's published data sources with all their fields, and the fields the sheet uses", async () => {
    const res = await get(`/views/${demoId('view', 'superstore/Customers')}/datasources`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.datasources).toHaveLength(1);
    expect(res.json.datasources[0].luid).toBe(ORDERS);
    expect(res.json.datasources[0].fields.some((f: { name: string }) => f.name === 'Row ID')).toBe(true);
    expect(res.json.usedFields).toEqual([
      'Customer Code',
      'Customer Name',
      'Postal Code',
      'Sales',
      'Order ID',
      'Order Date',
      'Order Timestamp',
      'Customer Notes',
    ]);
    const dashboard = await get(`/views/${demoId('view', 'superstore/Sales Overview')}/datasources`);
    expect(dashboard.status).toBe(404);
    expect(dashboard.json.error.message).toMatch(/dashboard/);
  });

  it('answers 404 for an id Tableau does not know, 400 for one that is no id', async () => {
    const unknown = await get('/datasources/00000000-0000-4000-8000-000000000000/fields');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('not-found');
    expect((await get('/datasources/not%20an%20id/fields')).status).toBe(400);
  });

  it('says once, plainly, when Tableau has the Metadata API turned off (422 metadata-disabled), and remembers it', async () => {
    sim.setMetadataEnabled(false);
    try {
      const res = await get(`/datasources/${ORDERS}/fields`);
      expect(res.status).toBe(422);
      expect(res.json.error).toMatchObject({ code: 'metadata-disabled', tableauCode: 'FEATURE_DISABLED' });
      expect(res.json.error.message).toMatch(/Metadata API is turned off/);
      sim.setMetadataEnabled(true);
      // Remembered for a few minutes: Tableau is not asked again right away.
      expect((await get(`/views/${demoId('view', 'superstore/Customers')}/lineage`)).json.error.code).toBe('metadata-disabled');
    } finally {
      sim.setMetadataEnabled(true);
    }
  });
});
