/**
 * POST /api/connections/:cid/pull over real HTTP against the simulator: view CSV, custom views,
 * VDS queries, inventory lists, previews, gzip, extract refresh progress and error paths.
 */
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';

import type { StreamMessage } from '../../../common/stream.js';
import type { RunningServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { apiClient, connectDemo, parseNdjson as parse, rowsOf } from './helpers.js';
import { startTestServer } from './test-server.js';

let sim: Simulator;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;
let token: string;
let cid: string;

const ids = {
  ordersByRegion: stableId('demo', 'view', 'superstore/Orders by Region'),
  westOnly: stableId('demo', 'customview', 'west'),
  orders: stableId('demo', 'datasource', 'orders'),
  legacy: stableId('demo', 'datasource', 'legacy'),
  profitByMonth: stableId('demo', 'view', 'finance/Profit by Month'),
};

beforeAll(async () => {
  sim = await createSimulator({ jobs: { mode: 'poll', pollsPerStage: 1 } });
  server = await startTestServer();
  api = apiClient(server.url);
  ({ token, cid } = await connectDemo(api, sim));
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

async function pull(body: unknown) {
  const res = await api.call('POST', `/api/connections/${cid}/pull`, { token, body });
  return { ...res, messages: res.status === 200 ? parse(res.text) : [] };
}

function expectWellFormed(messages: StreamMessage[]) {
  expect(messages[0].kind).toBe('meta');
  const end = messages.at(-1)!;
  expect(end.kind, JSON.stringify(end)).toBe('end');
  expect(messages.filter((m) => m.kind === 'end' || m.kind === 'error')).toHaveLength(1);
  if (end.kind === 'end') expect(end.rowCount).toBe(rowsOf(messages).length);
}

describe('pull', () => {
  it('streams a view as typed NDJSON', async () => {
    const res = await pull({ source: { kind: 'view', viewId: ids.ordersByRegion, name: 'Superstore / Orders by Region' } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expectWellFormed(res.messages);
    const meta = res.messages[0] as Extract<StreamMessage, { kind: 'meta' }>;
    expect(meta.columns.map((c) => c.name)).toContain('Region');
    expect(meta.columns.some((c) => c.type !== 'text')).toBe(true);
    expect(rowsOf(res.messages).length).toBeGreaterThan(1);
  });

  it('pulls a view with maxAgeMinutes 0 (as fresh as Tableau allows: sent as its shortest maxAge, 1)', async () => {
    const res = await pull({ source: { kind: 'view', viewId: ids.ordersByRegion, maxAgeMinutes: 0 } });
    expect(res.status, res.text).toBe(200);
    expectWellFormed(res.messages);
  });

  it('cuts previews at options.limit and says so', async () => {
    const res = await pull({ source: { kind: 'view', viewId: ids.ordersByRegion }, options: { limit: 2 } });
    expectWellFormed(res.messages);
    expect(rowsOf(res.messages)).toHaveLength(2);
    expect(res.messages.at(-1)).toMatchObject({ kind: 'end', rowCount: 2, truncated: true });
  });

  it("pulls a custom view's data", async () => {
    const all = rowsOf((await pull({ source: { kind: 'view', viewId: ids.ordersByRegion } })).messages);
    const res = await pull({ source: { kind: 'view', viewId: ids.ordersByRegion, customViewId: ids.westOnly } });
    expectWellFormed(res.messages);
    const west = rowsOf(res.messages);
    expect(west.length).toBeGreaterThan(0);
    expect(west.length).toBeLessThan(all.length);
    for (const row of west) expect(row).toContain('West');
  });

  it('runs a VDS query with typed columns and a row limit', async () => {
    const query = { fields: [{ fieldCaption: 'Region' }, { fieldCaption: 'Sales', function: 'SUM' }] };
    const res = await pull({ source: { kind: 'datasource', datasourceId: ids.orders, query } });
    expect(res.status, res.text).toBe(200);
    expectWellFormed(res.messages);
    const meta = res.messages[0] as Extract<StreamMessage, { kind: 'meta' }>;
    expect(meta.columns.map((c) => c.type)).toEqual(['text', 'decimal']);
    const rows = rowsOf(res.messages);
    expect(rows.length).toBeGreaterThan(1);
    expect(typeof rows[0][1]).toBe('number');
    const limited = await pull({ source: { kind: 'datasource', datasourceId: ids.orders, query, rowLimit: 1 } });
    expect(rowsOf(limited.messages)).toHaveLength(1);
    expect(limited.messages.at(-1)).toMatchObject({ kind: 'end', truncated: true });
  });

  it('says how many rows a cut VDS preview has in all on 2026.1 (METADATA counts them), and no total where nobody counted', async () => {
    // Row ID is unique: the query answers one row per order line of the 10,000.
    const query = { fields: [{ fieldCaption: 'Row ID' }, { fieldCaption: 'Sales', function: 'SUM' }] };
    const preview = await pull({ source: { kind: 'datasource', datasourceId: ids.orders, query }, options: { limit: 100 } });
    expect(preview.status, preview.text).toBe(200);
    expect(rowsOf(preview.messages)).toHaveLength(100);
    expect(preview.messages.at(-1)).toEqual({ kind: 'end', rowCount: 100, truncated: true, totalRows: 10_000 });
    // The query's own row cap goes to Tableau as rowLimit, so Tableau's count is not the whole result's.
    const capped = await pull({ source: { kind: 'datasource', datasourceId: ids.orders, query, rowLimit: 500 }, options: { limit: 100 } });
    expect(capped.messages.at(-1)).toEqual({ kind: 'end', rowCount: 100, truncated: true });
    // A view's CSV has no count before its last line, and a preview stops reading long before that.
    const view = await pull({ source: { kind: 'view', viewId: ids.ordersByRegion }, options: { limit: 5 } });
    expect(view.messages.at(-1)).toMatchObject({ kind: 'end', rowCount: 5, truncated: true });
    expect(view.messages.at(-1)).not.toHaveProperty('totalRows');
    // An insert (no limit) hears the count up front as progress, with the number for its progress bar.
    const whole = await pull({ source: { kind: 'datasource', datasourceId: ids.orders, query } });
    expect(whole.messages.find((m) => m.kind === 'progress' && m.stage === 'vds-rows')).toMatchObject({ totalRows: 10_000 });
  });

  it('lists site inventory with filter and sort', async () => {
    const res = await pull({ source: { kind: 'inventory', resource: 'projects', sort: 'name:asc' } });
    expect(res.status, res.text).toBe(200);
    expectWellFormed(res.messages);
    const { projects } = (await api.call('GET', `/api/connections/${cid}/projects`, { token })).json;
    expect(rowsOf(res.messages)).toHaveLength(projects.length);
    const filtered = await pull({ source: { kind: 'inventory', resource: 'projects', filter: 'name:eq:Sales' } });
    expect(rowsOf(filtered.messages)).toHaveLength(1);
  });

  it('refreshes the extract first and reports progress before the data', async () => {
    const res = await pull({
      source: { kind: 'datasource', datasourceId: ids.orders, query: { fields: [{ fieldCaption: 'Region' }] } },
      options: { refreshExtractFirst: true },
    });
    expect(res.status, res.text).toBe(200);
    // The extract refresh's progress; VDS's own row count (vds-sse.ts) may follow the meta.
    const kinds = res.messages.map((m) => (m.kind === 'progress' ? m.stage : m.kind));
    expect(kinds[0]).toBe('extract-refresh');
    expect(kinds.indexOf('meta')).toBeGreaterThan(kinds.lastIndexOf('extract-refresh'));
    expect(kinds.at(-1)).toBe('end');
  });

  it("refreshes a view's workbook extract before pulling the view", async () => {
    const res = await pull({ source: { kind: 'view', viewId: ids.profitByMonth }, options: { refreshExtractFirst: true, limit: 3 } });
    expect(res.status, res.text).toBe(200);
    expect(res.messages[0]).toMatchObject({ kind: 'progress', stage: 'extract-refresh' });
    expect(res.messages.map((m) => m.kind)).toContain('meta');
    expect(res.messages.at(-1)).toMatchObject({ kind: 'end' });
    expect(rowsOf(res.messages).length).toBeLessThanOrEqual(3);
  });

  it('refuses an extract refresh for an inventory list', async () => {
    const res = await pull({ source: { kind: 'inventory', resource: 'users' }, options: { refreshExtractFirst: true } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid-input');
  });

  it('ends the stream with an error message when the refresh fails on Tableau', async () => {
    const res = await pull({
      source: { kind: 'datasource', datasourceId: ids.legacy, query: { fields: [{ fieldCaption: 'Region' }] } },
      options: { refreshExtractFirst: true },
    });
    expect(res.status).toBe(200);
    expect(res.messages.at(-1)).toMatchObject({ kind: 'error', error: { code: 'extract-refresh-failed' } });
  });

  it('answers an unknown view with an HTTP error, not a broken stream', async () => {
    const res = await pull({ source: { kind: 'view', viewId: '00000000-0000-0000-0000-000000000000' } });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not-found');
  });

  /** POST .../pull with Accept-Encoding: gzip through node:http (no automatic gunzip). */
  const rawPull = (url: string, connection: string, session: string) =>
    new Promise<{ headers: Record<string, unknown>; raw: Buffer }>((resolve, reject) => {
      const req = httpRequest(
        `${url}/api/connections/${connection}/pull`,
        { method: 'POST', headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json', 'accept-encoding': 'gzip' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, raw: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ source: { kind: 'view', viewId: ids.ordersByRegion } }));
    });

  it('does not gzip for a client on this machine, even when it accepts gzip', async () => {
    const { headers, raw } = await rawPull(server.url, cid, token);
    expect(headers['content-encoding']).toBeUndefined();
    expectWellFormed(parse(raw.toString('utf8')));
  });

  it('gzips the stream when the client accepts it (compressLoopback standing in for a remote client)', async () => {
    const gz = await startTestServer({ compressLoopback: true });
    try {
      // The second demo PAT: one live session per PAT, so the shared server's session stays valid.
      const res = await apiClient(gz.url).call('POST', '/api/connections', {
        body: {
          serverUrl: sim.url,
          siteContentUrl: sim.demo.siteContentUrl,
          auth: { kind: 'pat', patName: sim.demo.otherPatName, patSecret: sim.demo.otherPatSecret },
        },
      });
      expect(res.status, res.text).toBe(201);
      const { headers, raw } = await rawPull(gz.url, res.json.connection.id, res.json.sessionToken);
      expect(headers['content-encoding']).toBe('gzip');
      expectWellFormed(parse(gunzipSync(raw).toString('utf8')));
    } finally {
      await gz.close();
    }
  });
});
