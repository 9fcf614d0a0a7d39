import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildFilter, SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { type Fake, fakeClock, memoryLogger, PAT, startFake } from './fake.js';

/** Last request's decoded query per list path, and a 2,345-workbook site. */
const queries: Array<{ path: string; query: Record<string, string> }> = [];
const WORKBOOKS = Array.from({ length: 2345 }, (_, i) => ({
  id: `wb-${i}`,
  name: `Workbook ${i}`,
  showTabs: i % 2 ? 'true' : 'false',
  project: { id: 'p1', name: 'Samples' },
  tags: {},
}));
let f: Fake;
/** With this filter the fake answers page 1 of workbooks 100 ms late and logs `req N` / `res N`. */
const SLOW_PAGE_1 = 'name:eq:slow-page-1';
const events: string[] = [];
let c: TableauClient;
const logger = memoryLogger();

beforeAll(async () => {
  f = await startFake({}, (x) => {
    const page = (all: unknown[], q: Record<string, string>, key: string, item: string) => {
      const size = Number(q.pageSize ?? 100);
      const n = Number(q.pageNumber ?? 1);
      const items = all.slice((n - 1) * size, n * size);
      return {
        pagination: { pageNumber: String(n), pageSize: String(size), totalAvailable: String(all.length) },
        [key]: items.length ? { [item]: items } : {},
      };
    };
    x.app.addHook('onRequest', async (req) => {
      const u = new URL(req.url, 'http://x');
      queries.push({ path: u.pathname, query: Object.fromEntries(u.searchParams) });
    });
    x.app.get('/api/:v/sites/:site/workbooks', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      const q = req.query as Record<string, string>;
      if (q.filter === SLOW_PAGE_1) {
        events.push(`req ${q.pageNumber}`);
        if (q.pageNumber === '1') await new Promise((r) => setTimeout(r, 100));
        events.push(`res ${q.pageNumber}`);
      }
      return page(WORKBOOKS, q, 'workbooks', 'workbook');
    });
    x.app.get('/api/:v/sites/:site/views', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      return page(
        [{ id: 'v1', name: 'Overview', sheetType: 'story', usage: { totalViewCount: '13' }, workbook: { id: 'wb-1' } }, { id: 'bad' }],
        req.query as Record<string, string>,
        'views',
        'view',
      );
    });
    x.app.get('/api/:v/sites/:site/users', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      return page([], req.query as Record<string, string>, 'users', 'user');
    });
    x.app.get('/api/:v/sites/:site/tasks/extractRefreshes', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      return {
        tasks: { task: { extractRefresh: { id: 't1', priority: '50', schedule: { frequency: 'Daily' }, datasource: { id: 'ds1' } } } },
      };
    });
    x.app.get('/api/:v/sites/:site/workbooks/:id/views', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      return { views: { view: [{ id: 'v1', name: 'Sheet 1', usage: { totalViewCount: '7' } }] } };
    });
    x.app.get('/api/:v/sites/:site/workbooks/:id/connections', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      return { connections: { connection: [{ id: 'conn-1', type: 'sqlserver', datasource: { id: 'ds-1', name: 'Superstore' } }] } };
    });
    x.app.get('/api/:v/sites/:site/datasources/:id', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      return { datasource: { id: 'ds-1', name: 'Superstore', isCertified: 'false', hasExtracts: 'true' } };
    });
    x.app.get('/api/-/search', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      return {
        hits: {
          total: 1,
          items: [{ uri: 'u', content: { type: 'unifieddatasource', luid: 'ds-1', title: 'Superstore', containerName: 'Samples' } }],
        },
      };
    });
  });
  c = await TableauClient.connect({
    serverUrl: f.url,
    siteContentUrl: '',
    auth: PAT,
    sessions: new SessionCache(),
    clock: fakeClock(),
    logger,
  });
});
afterAll(() => f.close());

const lastQuery = (path: string) => [...queries].reverse().find((q) => q.path.endsWith(path))!.query;

describe('listAll over HTTP', () => {
  it('fetches every workbook once, in order, with pageSize 1000 and the stable default sort', async () => {
    queries.length = 0;
    const all = await c.listAll('workbooks');
    expect(all.map((w) => w.id)).toEqual(WORKBOOKS.map((w) => w.id));
    expect(all[0].showTabs).toBe(false);
    expect(all[1].showTabs).toBe(true);
    const pages = queries.filter((q) => q.path.endsWith('/workbooks'));
    expect(pages.map((q) => q.query.pageNumber).sort()).toEqual(['1', '2', '3']);
    expect(pages[0].query).toMatchObject({ pageSize: '1000', sort: 'createdAt:asc,name:asc' });
  });

  it('a list seen before (by any client on the same session cache) has pages 1..3 sent at once', async () => {
    const sessions = new SessionCache();
    const connect = () => TableauClient.connect({ serverUrl: f.url, siteContentUrl: '', auth: PAT, sessions, clock: fakeClock(), logger });
    // The companion server connects a client per request: the list length must outlive the client.
    const order = async () => {
      events.length = 0;
      const all = await (await connect()).listAll('workbooks', { filter: SLOW_PAGE_1 });
      expect(all.map((w) => w.id)).toEqual(WORKBOOKS.map((w) => w.id));
      return events.filter((e) => e !== 'req 1' && e !== 'res 2' && e !== 'res 3');
    };
    // First time: pages 2 and 3 wait for page 1 (which tells the total).
    expect(await order()).toEqual(['res 1', 'req 2', 'req 3']);
    // Second time: 2,345 items = 3 pages, known; none waits for page 1, none is wasted.
    expect(await order()).toEqual(['req 2', 'req 3', 'res 1']);
  });

  it('sends filter (with in:[...]), sort and fields as given', async () => {
    const filter = buildFilter([
      { field: 'name', op: 'eq', value: 'Sales Q1' },
      { field: 'tags', op: 'in', value: ['sample', 'safari'] },
    ]);
    await c.listAll('workbooks', { filter, sort: 'updatedAt:desc', fields: 'id,name,project.name', pageSize: 500 });
    expect(lastQuery('/workbooks')).toMatchObject({
      filter: 'name:eq:Sales Q1,tags:in:[sample,safari]',
      sort: 'updatedAt:desc',
      fields: 'id,name,project.name',
      pageSize: '500',
    });
  });

  it('rejects a malformed filter or sort before calling Tableau', async () => {
    const before = queries.length;
    await expect(c.listAll('workbooks', { filter: 'name=foo' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(c.listAll('workbooks', { sort: 'name' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(c.listAll('workbooks', { pageSize: 1001 })).rejects.toMatchObject({ code: 'invalid-input' });
    expect(queries.length).toBe(before);
  });

  it('asks views for usage statistics and drops (and logs) a malformed view', async () => {
    const views = await c.listAll('views', { usage: true });
    expect(views).toEqual([expect.objectContaining({ id: 'v1', usage: { totalViewCount: 13 } })]);
    expect(lastQuery('/views')).toMatchObject({ includeUsageStatistics: 'true' });
    expect(logger.lines.some((l) => l.includes('failed validation') && l.includes('bad'))).toBe(true);
  });

  it('lists an empty resource ({} list) and uses name:asc for users', async () => {
    await expect(c.listAll('users')).resolves.toEqual([]);
    expect(lastQuery('/users')).toMatchObject({ sort: 'name:asc' });
  });

  it('reads extract refresh tasks without paging parameters', async () => {
    const tasks = await c.listAll('extractRefreshTasks');
    expect(tasks).toEqual([expect.objectContaining({ id: 't1', priority: 50, datasource: { id: 'ds1' } })]);
    expect(lastQuery('/extractRefreshes')).toEqual({});
  });
});

describe('listPage and single items', () => {
  it('returns one page with its total for page-by-page browsing', async () => {
    const p = await c.listPage('workbooks', { pageNumber: 3, pageSize: 100 });
    expect(p).toMatchObject({ pageNumber: 3, pageSize: 100, totalAvailable: 2345 });
    expect(p.items.map((w) => w.id)).toEqual(WORKBOOKS.slice(200, 300).map((w) => w.id));
  });

  it('reads workbook views with usage, connections, a data source and search hits', async () => {
    expect(await c.listWorkbookViews('wb-1', { usage: true })).toEqual([
      expect.objectContaining({ id: 'v1', usage: { totalViewCount: 7 } }),
    ]);
    expect(lastQuery('/wb-1/views')).toEqual({ includeUsageStatistics: 'true' });
    expect(await c.listWorkbookConnections('wb-1')).toEqual([
      expect.objectContaining({ id: 'conn-1', datasource: { id: 'ds-1', name: 'Superstore' } }),
    ]);
    expect(await c.getDatasource('ds-1')).toMatchObject({ isCertified: false, hasExtracts: true });
    const s = await c.search('super store', { types: ['datasource', 'workbook'], limit: 10 });
    expect(s).toEqual({
      items: [expect.objectContaining({ type: 'datasource', id: 'ds-1', title: 'Superstore', projectName: 'Samples' })],
      total: 1,
      page: 0,
      limit: 10,
    });
    expect(lastQuery('/-/search')).toEqual({ terms: 'super store', page: '0', limit: '10', filter: 'type:in:[datasource,workbook]' });
  });

  it('refuses ids that would change the URL path', async () => {
    await expect(c.getWorkbook('../users')).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

describe('version gates on lists', () => {
  it('refuses custom views before REST 3.18 without calling Tableau', async () => {
    const old = await startFake({ productVersion: '2022.3.0', restApiVersion: '3.17' });
    const client = await TableauClient.connect({
      serverUrl: old.url,
      siteContentUrl: '',
      auth: PAT,
      sessions: new SessionCache(),
      clock: fakeClock(),
    });
    await expect(client.listAll('customViews')).rejects.toMatchObject({ code: 'feature-unavailable' });
    await old.close();
  });
});
