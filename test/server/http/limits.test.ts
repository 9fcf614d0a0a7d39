/**
 * Request limits at the edge (server/http/limits.ts): each over-limit request is refused before any
 * work with a 400 (413 for the body size) whose message names the limit, and nothing reaches
 * Tableau. The app runs with a stand-in Tableau that records every call, so "never sent" is checked.
 */
import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../server/http/app.js';
import { LIMITS } from '../../../server/http/limits.js';
import type { Tableau, TableauConnector } from '../../../server/services/tableau.js';
import { openStore, type SqliteStore } from '../../../server/store/index.js';
import { captureLogger, tempDir } from './helpers.js';

let store: SqliteStore;
let app: FastifyInstance;
let tableauCalls: string[];
let token: string;
let cid: string;

/** A signed-in Tableau stand-in: every method call is recorded and answers nothing useful. */
function recordingClient(): Tableau {
  const base = {
    serverInfo: { productVersion: '2026.1.0', restApiVersion: '3.27' },
    serverUrl: 'https://tableau.example.com',
    signOut: async () => {},
  };
  return new Proxy(base, {
    get(target, name) {
      if (name in target || typeof name === 'symbol' || name === 'then') return (target as Record<string | symbol, unknown>)[name];
      return (...args: unknown[]) => {
        tableauCalls.push(`${String(name)}(${JSON.stringify(args).slice(0, 80)})`);
        return Promise.reject(new Error(`${String(name)} should not have been called`));
      };
    },
  }) as unknown as Tableau;
}

beforeAll(async () => {
  store = openStore(tempDir());
  ({ app } = await buildApp({
    store,
    tableau: (async () => recordingClient()) as unknown as TableauConnector,
    logger: captureLogger('warn').logger,
    allowedOrigins: new Set(),
    version: 'test',
  }));
  await app.ready();
  const res = await app.inject({
    method: 'POST',
    url: '/api/connections',
    payload: { serverUrl: 'https://tableau.example.com', siteContentUrl: '', auth: { kind: 'pat', patName: 'n', patSecret: 's' } },
  });
  expect(res.statusCode, res.body).toBe(201);
  ({ sessionToken: token } = res.json());
  cid = res.json().connection.id;
});

afterAll(async () => {
  await app?.close();
  store?.close();
});

beforeEach(() => {
  tableauCalls = [];
});

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const query = (extra: Record<string, unknown> = {}) => ({ fields: [{ fieldCaption: 'Region' }], ...extra });
const datasource = (q: unknown) => ({ kind: 'datasource', datasourceId: 'ds-1', query: q });
const schedule = (source: unknown) => ({
  connectionId: cid,
  definitionId: 'def-1',
  name: 'Nightly',
  source,
  spec: { kind: 'daily', time: '07:30', timeZone: 'UTC' },
});

async function post(url: string, payload: string | object) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: res.statusCode, error: (res.json() as { error?: { code: string; message: string } }).error };
}

/** `body` with the JSON text `raw` in place of the string "@@". */
const withRaw = (body: object, raw: string) => JSON.stringify(body).replace('"@@"', raw);

describe('JSON shape limits, checked before parsing', () => {
  it('a VDS filter value nested 10,000 levels deep → 400 naming the depth limit', async () => {
    const body = withRaw(
      { source: datasource(query({ filters: [{ field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['@@'] }] })) },
      deep(10_000),
    );
    const res = await post(`/api/connections/${cid}/pull`, body);
    expect(res.status).toBe(400);
    expect(res.error).toEqual({ code: 'invalid-input', message: 'The request body is nested 10,006 levels deep; the limit is 64.' });
    expect(tableauCalls).toEqual([]);
  });

  it("the same in a schedule's source → 400, and no schedule is saved", async () => {
    const body = withRaw(
      schedule(datasource(query({ filters: [{ field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['@@'] }] }))),
      deep(10_000),
    );
    const res = await post('/api/schedules', body);
    expect(res.status).toBe(400);
    expect(res.error?.message).toMatch(/^The request body is nested 10,0\d\d levels deep; the limit is 64\.$/);
    expect(store.db.prepare('SELECT count(*) FROM schedules').pluck().get()).toBe(0);
  });

  it('65 levels is refused, 64 accepted by the scan (then judged by the schema)', async () => {
    expect((await post('/api/schedules', deep(65))).error?.message).toBe('The request body is nested 65 levels deep; the limit is 64.');
    expect((await post('/api/schedules', deep(64))).error?.message).toMatch(/^Invalid schedule: /);
  });

  it('a 1,000,000-character string → 400 naming the string limit', async () => {
    const res = await post('/api/schedules', schedule({ kind: 'view', viewId: 'v1', name: 'x'.repeat(1_000_000) }));
    expect(res.status).toBe(400);
    expect(res.error?.message).toBe('A string in the request body is 1,000,000 characters long; the limit is 100,000.');
  });

  it('an array of 10,001 items → 400 naming the item limit', async () => {
    const body = withRaw(
      schedule(datasource(query({ filters: [{ field: { fieldCaption: 'Region' }, filterType: 'SET', values: '@@' }] }))),
      `[${'1,'.repeat(10_000)}1]`,
    );
    const res = await post('/api/schedules', body);
    expect(res.error?.message).toBe('An array in the request body has more than 10,000 items; the limit is 10,000.');
  });

  it('a body over 1 MB → 413 naming the size limit', async () => {
    const res = await post('/api/schedules', `"${' '.repeat(LIMITS.bodyBytes)}"`);
    expect(res.status).toBe(413);
    expect(res.error).toEqual({ code: 'payload-too-large', message: 'The request body is larger than 1,048,576 bytes, the limit.' });
  });
});

describe('VDS query limits', () => {
  const pull = (q: unknown) => post(`/api/connections/${cid}/pull`, { source: datasource(q) });

  it('a calculation over the length limit → 400, never sent to Tableau', async () => {
    const calculation = `SUM([Sales])${' + 1'.repeat(LIMITS.calculationChars / 4)}`;
    const res = await pull({ fields: [{ fieldCaption: 'Big', calculation }] });
    expect(res.status).toBe(400);
    expect(res.error?.message).toBe(
      `Invalid pull request: source.query.fields.0.calculation: The calculation is 65,548 characters long; the limit is 65,536.`,
    );
    expect(tableauCalls).toEqual([]);
  });

  it('a calculation nesting parentheses 9,000 deep → 400, never sent to Tableau', async () => {
    const res = await pull({ fields: [{ fieldCaption: 'Deep', calculation: `${'('.repeat(9_000)}1${')'.repeat(9_000)}` }] });
    expect(res.error?.message).toBe(
      'Invalid pull request: source.query.fields.0.calculation: The calculation nests parentheses 9,000 levels deep; the limit is 256.',
    );
    expect(tableauCalls).toEqual([]);
  });

  it("a filter's calculation is bounded too (field and CONDITION filter)", async () => {
    const long = 'x'.repeat(LIMITS.calculationChars + 1);
    const byField = await pull(query({ filters: [{ field: { calculation: long }, filterType: 'QUANTITATIVE_NUMERICAL' }] }));
    expect(byField.error?.message).toMatch(/source\.query\.filters\.0\.field\.calculation: The calculation is 65,537 characters long/);
    const condition = await pull(query({ filters: [{ field: { fieldCaption: 'Region' }, filterType: 'CONDITION', calculation: long }] }));
    expect(condition.error?.message).toMatch(/source\.query\.filters\.0\.calculation: The calculation is 65,537 characters long/);
  });

  it('fields, filters and parameters over their counts → 400 naming the count', async () => {
    const fields = Array.from({ length: LIMITS.vdsFields + 1 }, (_, i) => ({ fieldCaption: `F${i}` }));
    expect((await pull({ fields })).error?.message).toBe(
      'Invalid pull request: source.query.fields: A VDS query may have at most 500 fields; this one has 501.',
    );
    const filters = Array.from({ length: LIMITS.vdsFilters + 1 }, (_, i) => ({
      field: { fieldCaption: `F${i}` },
      filterType: 'SET',
      values: [],
    }));
    expect((await pull(query({ filters }))).error?.message).toBe(
      'Invalid pull request: source.query.filters: A VDS query may have at most 200 filters; this one has 201.',
    );
    const parameters = Array.from({ length: LIMITS.vdsParameters + 1 }, (_, i) => ({ parameterCaption: `P${i}`, value: i }));
    expect((await pull(query({ parameters }))).error?.message).toBe(
      'Invalid pull request: source.query.parameters: A VDS query may have at most 200 parameters; this one has 201.',
    );
    expect(tableauCalls).toEqual([]);
  });

  it('a filter value nested under the edge limit but deeper than a filter allows → 400', async () => {
    const body = withRaw(
      { source: datasource(query({ filters: [{ field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['@@'] }] })) },
      deep(40),
    );
    const res = await post(`/api/connections/${cid}/pull`, body);
    expect(res.error?.message).toBe(
      'Invalid pull request: source.query.filters.0.values.0: A filter value is nested more than 16 levels deep; the limit is 16.',
    );
  });

  it('a filter value longer than a value may be → 400', async () => {
    const res = await pull(
      query({ filters: [{ field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['v'.repeat(LIMITS.valueChars + 1)] }] }),
    );
    expect(res.error?.message).toBe(
      'Invalid pull request: source.query.filters.0.values.0: A filter value is a text of 10,001 characters; the limit is 10,000.',
    );
  });

  it('a view pull with too many filters → 400', async () => {
    const filters = Object.fromEntries(Array.from({ length: LIMITS.viewFilters + 1 }, (_, i) => [`F${i}`, 'x']));
    const res = await post(`/api/connections/${cid}/pull`, { source: { kind: 'view', viewId: 'v1', filters } });
    expect(res.error?.message).toBe(
      'Invalid pull request: source.filters: A view pull may set at most 200 filters or parameters; this one sets 201.',
    );
  });
});

describe('schedule specs are bounded before they are checked', () => {
  it('a 50,000-character time zone or cron expression is refused without being echoed', async () => {
    const zone = await post('/api/schedules', {
      ...schedule({ kind: 'view', viewId: 'v1' }),
      spec: { kind: 'daily', time: '07:30', timeZone: 'Z'.repeat(50_000) },
    });
    expect(zone.status).toBe(400);
    expect(zone.error!.message.length).toBeLessThan(300);
    const cron = await post('/api/schedules', {
      ...schedule({ kind: 'view', viewId: 'v1' }),
      spec: { kind: 'cron', expression: '* '.repeat(25_000), timeZone: 'UTC' },
    });
    expect(cron.status).toBe(400);
    expect(cron.error!.message).toMatch(/A cron expression is at most 1,000 characters/);
  });
});
