/**
 * A dashboard's worksheets and the rows behind a summary view over real HTTP against the simulator
 * (server/services/rows-behind.ts): the query is run through the pull API to check what it brings.
 */
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { apiClient, captureLogger, connectDemo, parseNdjson, rowsOf, tempDir } from './helpers.js';

let sim: Simulator;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;
let token: string;
let cid: string;
let views: Map<string, { id: string; sheetType: string }>;

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
  ({ token, cid } = await connectDemo(api, sim));
  const workbooks = await api.call('GET', `/api/connections/${cid}/workbooks?pageSize=1000`, { token });
  const superstore = workbooks.json.items.find((w: { name: string }) => w.name === 'Superstore');
  const list = await api.call('GET', `/api/connections/${cid}/workbooks/${superstore.id}/views`, { token });
  views = new Map(list.json.views.map((v: { name: string; id: string; sheetType: string }) => [v.name, v]));
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

const id = (name: string) => views.get(name)!.id;

describe('GET …/views/:vid/sheets', () => {
  const sheets = (name: string) => api.call('GET', `/api/connections/${cid}/views/${id(name)}/sheets`, { token });

  it("lists the dashboard's own sheets in its order from the Metadata API, each with its view", async () => {
    const res = await sheets('Sales Overview');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      from: 'metadata',
      sheets: [
        { name: 'Orders by Region', viewId: id('Orders by Region'), contentUrl: expect.stringMatching(/\/sheets\/OrdersbyRegion$/) },
        { name: 'Orders by Month', viewId: id('Orders by Month'), contentUrl: expect.stringMatching(/\/sheets\/OrdersbyMonth$/) },
      ],
    });
  });

  it('refuses a worksheet: it is no dashboard', async () => {
    const res = await sheets('Orders by Region');
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/not a dashboard/);
  });
});

describe('POST …/views/:vid/rows-behind', () => {
  const rowsBehind = (name: string, body: unknown) =>
    api.call('POST', `/api/connections/${cid}/views/${id(name)}/rows-behind`, { token, body });

  it('answers a row-level query on the view’s data source with its filters, which pulls more rows than the view, all filtered', async () => {
    const res = await rowsBehind('Orders by Region', { filters: { Region: 'West' } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.datasource.name).toBe('Superstore Orders');
    expect(res.json.from).toBe('metadata');
    expect(res.json.grain).toBe('row');
    expect(res.json.query.fields[0]).toMatchObject({ fieldCaption: 'Row ID' });
    expect(res.json.query.filters).toEqual([{ field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['West'], exclude: false }]);

    const pull = (source: unknown) => api.call('POST', `/api/connections/${cid}/pull`, { token, body: { source } });
    const summary = rowsOf(parseNdjson((await pull({ kind: 'view', viewId: id('Orders by Region'), filters: { Region: 'West' } })).text));
    const messages = parseNdjson((await pull({ kind: 'datasource', datasourceId: res.json.datasource.id, query: res.json.query })).text);
    const rows = rowsOf(messages);
    const meta = messages.find((m) => m.kind === 'meta');
    const region = meta?.kind === 'meta' ? meta.columns.findIndex((c) => c.name === 'Region') : -1;
    expect(region).toBeGreaterThanOrEqual(0);
    expect(summary.length).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThan(summary.length * 100);
    expect(rows.every((r) => r[region] === 'West')).toBe(true);
  });

  it('refuses a dashboard in plain words: its sheets have the rows', async () => {
    const dash = await rowsBehind('Sales Overview', {});
    expect(dash.status).toBe(400);
    expect(dash.json.error.message).toMatch(/pick one of its sheets/);
  });

  it('refuses bad input with 400', async () => {
    expect((await rowsBehind('Orders by Region', { filters: { '': 'x' } })).status).toBe(400);
    expect((await rowsBehind('Orders by Region', { filters: 'Region=West' })).status).toBe(400);
    expect((await rowsBehind('Orders by Region', { extra: 1 })).status).toBe(400);
  });
});

// Last: the Metadata API stays off for this file from here (the service remembers FEATURE_DISABLED a while).
describe('with the Metadata API off', () => {
  beforeAll(() => sim.setMetadataEnabled(false));

  it("lists the workbook's worksheets instead, and says so", async () => {
    const res = await api.call('GET', `/api/connections/${cid}/views/${id('Sales Overview')}/sheets`, { token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.from).toBe('workbook');
    expect(res.json.note).toMatch(/Metadata API is off/);
    const names = res.json.sheets.map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(['Orders by Region', 'Orders by Month', 'Customers']));
    expect(names).not.toContain('Sales Overview');
    expect(names).not.toContain('Sales Story');
  });

  it("finds the view's data source through the workbook's connections", async () => {
    const res = await api.call('POST', `/api/connections/${cid}/views/${id('Orders by Month')}/rows-behind`, { token, body: {} });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ from: 'workbook', grain: 'row', datasource: { name: 'Superstore Orders' } });
    expect(res.json.query.fields.map((f: { fieldCaption: string }) => f.fieldCaption)).toEqual([
      'Row ID',
      'Order Date',
      'Segment',
      'Sales',
    ]);
  });
});
