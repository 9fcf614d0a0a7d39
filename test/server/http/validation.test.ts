/**
 * Every route answers malformed input with 400 {error:{code:'invalid-input'}} — never a 500 —
 * over real HTTP, with a valid session and the caller's own connection (so only the input is wrong).
 */
import type { RunningServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { apiClient } from './helpers.js';
import { startTestServer } from './test-server.js';

let sim: Simulator;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;
let token: string;
let cid: string;

beforeAll(async () => {
  sim = await createSimulator({});
  server = await startTestServer();
  api = apiClient(server.url);
  const res = await api.call('POST', '/api/connections', {
    body: {
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    },
  });
  expect(res.status, res.text).toBe(201);
  ({ sessionToken: token } = res.json);
  cid = res.json.connection.id;
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

const pat = { kind: 'pat', patName: 'n', patSecret: 's' };
const okConnect = { serverUrl: 'https://tableau.example.com', siteContentUrl: '', auth: pat };
const view = { kind: 'view', viewId: 'abc-123' };
const vdsQuery = { fields: [{ fieldCaption: 'Region' }] };
const vdsSource = { kind: 'datasource', datasourceId: 'ds-1', query: vdsQuery };
/** `body` as JSON text with 10,000 levels of nesting in place of the string "@@". */
const deepIn = (body: object) => JSON.stringify(body).replace('"@@"', '['.repeat(10_000) + ']'.repeat(10_000));

/** `body` may be a function, for bodies that name ids known only once the connection exists. */
type Case = [name: string, method: string, path: () => string, body?: unknown];

const cases: Case[] = [
  // POST /api/connections
  ['connect: no body', 'POST', () => '/api/connections'],
  ['connect: not an object', 'POST', () => '/api/connections', '"hello"'],
  ['connect: array', 'POST', () => '/api/connections', '[]'],
  ['connect: broken JSON', 'POST', () => '/api/connections', '{"serverUrl": '],
  ['connect: missing auth', 'POST', () => '/api/connections', { serverUrl: 'https://t.example.com', siteContentUrl: '' }],
  ['connect: not a URL', 'POST', () => '/api/connections', { ...okConnect, serverUrl: 'tableau example' }],
  ['connect: ftp URL', 'POST', () => '/api/connections', { ...okConnect, serverUrl: 'ftp://t.example.com' }],
  ['connect: URL with credentials', 'POST', () => '/api/connections', { ...okConnect, serverUrl: 'https://u:p@t.example.com' }],
  ['connect: site with a slash', 'POST', () => '/api/connections', { ...okConnect, siteContentUrl: 'a/b' }],
  ['connect: unknown auth kind', 'POST', () => '/api/connections', { ...okConnect, auth: { kind: 'oauth', token: 'x' } }],
  ['connect: PAT without secret', 'POST', () => '/api/connections', { ...okConnect, auth: { kind: 'pat', patName: 'n' } }],
  ['connect: empty PAT name', 'POST', () => '/api/connections', { ...okConnect, auth: { kind: 'pat', patName: ' ', patSecret: 's' } }],
  [
    'connect: password not a string',
    'POST',
    () => '/api/connections',
    { ...okConnect, auth: { kind: 'password', username: 'u', password: 5 } },
  ],
  ['connect: huge JWT', 'POST', () => '/api/connections', { ...okConnect, auth: { kind: 'jwt', jwt: 'x'.repeat(20_000) } }],
  ['connect: label too long', 'POST', () => '/api/connections', { ...okConnect, label: 'x'.repeat(201) }],
  // connection id in the path
  ['projects: bad connection id', 'GET', () => '/api/connections/not.an.id/projects'],
  ['delete: bad connection id', 'DELETE', () => '/api/connections/bad%20id'],
  ['signout: bad connection id', 'POST', () => '/api/connections/x%3By/signout'],
  // workbooks / datasources paging
  ['workbooks: page 0', 'GET', () => `/api/connections/${cid}/workbooks?page=0`],
  ['workbooks: page not a number', 'GET', () => `/api/connections/${cid}/workbooks?page=two`],
  ['workbooks: pageSize over 1000', 'GET', () => `/api/connections/${cid}/workbooks?pageSize=5000`],
  ['workbooks: fractional page', 'GET', () => `/api/connections/${cid}/workbooks?page=1.5`],
  ['workbooks: bad projectId', 'GET', () => `/api/connections/${cid}/workbooks?projectId=a%20b`],
  ['datasources: pageSize 0', 'GET', () => `/api/connections/${cid}/datasources?pageSize=0`],
  ['datasources: bad projectId', 'GET', () => `/api/connections/${cid}/datasources?projectId=%2F..%2F`],
  ['views: bad workbook id', 'GET', () => `/api/connections/${cid}/workbooks/..%2F..%2Fx/views`],
  // search
  ['search: no q', 'GET', () => `/api/connections/${cid}/search`],
  ['search: empty q', 'GET', () => `/api/connections/${cid}/search?q=`],
  ['search: page -1', 'GET', () => `/api/connections/${cid}/search?q=x&page=-1`],
  ['search: q too long', 'GET', () => `/api/connections/${cid}/search?q=${'x'.repeat(300)}`],
  // metadata
  ['metadata: bad data source id', 'GET', () => `/api/connections/${cid}/datasources/a$b/metadata`],
  // pull
  ['pull: no body', 'POST', () => `/api/connections/${cid}/pull`],
  ['pull: no source', 'POST', () => `/api/connections/${cid}/pull`, { options: {} }],
  ['pull: unknown source kind', 'POST', () => `/api/connections/${cid}/pull`, { source: { kind: 'sql', text: 'select 1' } }],
  ['pull: view without id', 'POST', () => `/api/connections/${cid}/pull`, { source: { kind: 'view' } }],
  ['pull: view id with a slash', 'POST', () => `/api/connections/${cid}/pull`, { source: { kind: 'view', viewId: 'a/b' } }],
  ['pull: filter value not a string', 'POST', () => `/api/connections/${cid}/pull`, { source: { ...view, filters: { Region: 5 } } }],
  // maxAgeMinutes 0 is accepted ("as fresh as Tableau allows", common/source.ts); Tableau's own maximum is 240.
  ['pull: maxAge 241', 'POST', () => `/api/connections/${cid}/pull`, { source: { ...view, maxAgeMinutes: 241 } }],
  ['pull: datasource without query', 'POST', () => `/api/connections/${cid}/pull`, { source: { kind: 'datasource', datasourceId: 'x' } }],
  [
    'pull: query without fields',
    'POST',
    () => `/api/connections/${cid}/pull`,
    { source: { kind: 'datasource', datasourceId: 'x', query: { fields: [] } } },
  ],
  [
    'pull: field without caption',
    'POST',
    () => `/api/connections/${cid}/pull`,
    { source: { kind: 'datasource', datasourceId: 'x', query: { fields: [{ function: 'SUM' }] } } },
  ],
  [
    'pull: unknown inventory resource',
    'POST',
    () => `/api/connections/${cid}/pull`,
    { source: { kind: 'inventory', resource: 'secrets' } },
  ],
  ['pull: limit 0', 'POST', () => `/api/connections/${cid}/pull`, { source: view, options: { limit: 0 } }],
  ['pull: limit not a number', 'POST', () => `/api/connections/${cid}/pull`, { source: view, options: { limit: '10' } }],
  [
    'pull: refresh flag not boolean',
    'POST',
    () => `/api/connections/${cid}/pull`,
    { source: view, options: { refreshExtractFirst: 'yes' } },
  ],
  // limits (server/http/limits.ts)
  [
    'pull: filter value nested 10,000 deep',
    'POST',
    () => `/api/connections/${cid}/pull`,
    deepIn({
      source: { ...vdsSource, query: { ...vdsQuery, filters: [{ field: { fieldCaption: 'Region' }, filterType: 'SET', values: '@@' }] } },
    }),
  ],
  [
    'pull: 501 fields',
    'POST',
    () => `/api/connections/${cid}/pull`,
    { source: { ...vdsSource, query: { fields: Array.from({ length: 501 }, (_, i) => ({ fieldCaption: `F${i}` })) } } },
  ],
  [
    'pull: calculation too long',
    'POST',
    () => `/api/connections/${cid}/pull`,
    { source: { ...vdsSource, query: { fields: [{ fieldCaption: 'C', calculation: '1+'.repeat(40_000) + '1' }] } } },
  ],
  [
    'pull: 201 view filters',
    'POST',
    () => `/api/connections/${cid}/pull`,
    { source: { ...view, filters: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`F${i}`, 'x'])) } },
  ],
  ['pull: bad %-escape in the path', 'POST', () => `/api/connections/%E0%A4%A/pull`, { source: view }],
  // schedules
  [
    'schedules: source nested 10,000 deep',
    'POST',
    () => '/api/schedules',
    () => deepIn({ connectionId: cid, definitionId: 'd', name: 'n', source: '@@', spec: { kind: 'hourly', minute: 0, timeZone: 'UTC' } }),
  ],
  [
    'schedules: time zone of 5,000 characters',
    'POST',
    () => '/api/schedules',
    () => ({
      connectionId: cid,
      definitionId: 'd',
      name: 'n',
      source: view,
      spec: { kind: 'hourly', minute: 0, timeZone: 'Z'.repeat(5_000) },
    }),
  ],
  ['schedules: bad schedule id', 'PUT', () => '/api/schedules/a$b', { name: 'x' }],
  ['schedules: runs limit 0', 'GET', () => '/api/schedules/unknown-id/runs?limit=0'],
  ['schedules: snapshot without scheduleId', 'GET', () => '/api/snapshots/latest'],
];

describe('malformed input → 400 invalid-input', () => {
  it.each(cases)('%s', async (_name, method, path, bodyOrMake) => {
    const body: unknown = typeof bodyOrMake === 'function' ? (bodyOrMake as () => unknown)() : bodyOrMake;
    const res = await api.call(method, path(), {
      token,
      ...(body === undefined ? { headers: method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' } } : {}),
      ...(body !== undefined ? { body } : {}),
    });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.code).toBe('invalid-input');
    expect(res.json.error.message).toMatch(/\w/);
  });

  it('an over-long path segment → 414 naming the limit, in the API error shape', async () => {
    const res = await api.call('POST', `/api/connections/${'c'.repeat(101)}/pull`, { token, body: { source: view } });
    expect(res.status).toBe(414);
    expect(res.json.error).toEqual({
      code: 'invalid-input',
      message: 'A part of the request URL is longer than 100 characters, the limit.',
    });
  });

  it('covers every API route', () => {
    const routes = server.app.printRoutes({ commonPrefix: false });
    for (const r of [
      'connections',
      ':cid',
      'projects',
      'workbooks',
      ':wid',
      'views',
      'datasources',
      'search',
      ':dsid',
      'metadata',
      'pull',
      'signout',
    ]) {
      expect(routes).toContain(r);
    }
    const tested = new Set(cases.map(([name]) => name.split(':')[0]));
    for (const route of [
      'connect',
      'projects',
      'delete',
      'signout',
      'workbooks',
      'datasources',
      'views',
      'search',
      'metadata',
      'pull',
      'schedules',
    ]) {
      expect(tested.has(route), route).toBe(true);
    }
  });
});
