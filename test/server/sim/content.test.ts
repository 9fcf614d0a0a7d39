import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DATASOURCE_DATA_KEYS, VIEW_DATA_KEYS } from '../../../server/sim/seed/demo.js';
import { type Harness, harness } from './helpers.js';

describe('content endpoints on the demo site', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await harness();
    token = await h.signIn();
  });
  afterAll(async () => h.app.close());

  const byName = async (path: string, key: string, single: string, name: string) => {
    const res = await h.get(`${path}?filter=${encodeURIComponent(`name:eq:${name}`)}`, token);
    return res.body[key][single][0];
  };

  it('nests projects Samples > Sales > EMEA', async () => {
    const samples = await byName('projects', 'projects', 'project', 'Samples');
    const sales = await byName('projects', 'projects', 'project', 'Sales');
    const emea = await byName('projects', 'projects', 'project', 'EMEA');
    expect(samples.parentProjectId).toBeUndefined();
    expect(sales.parentProjectId).toBe(samples.id);
    expect(emea.parentProjectId).toBe(sales.id);
  });

  it('lists workbooks with Tableau quirks: strings for numbers/booleans, tags {} when empty', async () => {
    const res = await h.get('workbooks?sort=name:asc', token);
    const wbs = res.body.workbooks.workbook;
    const superstore = wbs.find((w: { name: string }) => w.name === 'Superstore');
    expect(superstore).toMatchObject({
      showTabs: 'true',
      size: '3',
      project: { name: 'Sales' },
      tags: { tag: [{ label: 'sales' }, { label: 'sample' }] },
    });
    const americas = wbs.find((w: { name: string }) => w.name === 'Americas Sales');
    expect(americas.tags).toEqual({});
    expect(americas.showTabs).toBe('false');
  });

  it('GET /workbooks/{id} includes its views; /views adds usage only when asked', async () => {
    const wb = await byName('workbooks', 'workbooks', 'workbook', 'Superstore');
    const one = await h.get(`workbooks/${wb.id}`, token);
    expect(one.body.workbook.id).toBe(wb.id);
    const views = one.body.workbook.views.view;
    expect(views.map((v: { sheetType: string }) => v.sheetType)).toEqual(['view', 'view', 'view', 'view', 'view', 'dashboard', 'story']);
    expect(views[0].usage).toBeUndefined();
    const withUsage = await h.get(`workbooks/${wb.id}/views?includeUsageStatistics=true`, token);
    expect(withUsage.body.views.view[0].usage).toEqual({ totalViewCount: '1520' });
    expect(withUsage.body.pagination).toBeUndefined();
    const conns = await h.get(`workbooks/${wb.id}/connections`, token);
    expect(conns.body.connections.connection[0]).toMatchObject({ type: 'sqlproxy', datasource: { name: 'Superstore Orders' } });
    expect((await h.get('workbooks/not-a-workbook', token)).body.error.code).toBe('404006');
  });

  it('lists views site-wide with sheet types and usage.totalViewCount on request', async () => {
    const plain = await h.get('views?pageSize=1000', token);
    expect(plain.body.views.view.every((v: { usage?: unknown }) => v.usage === undefined)).toBe(true);
    const res = await h.get('views?pageSize=1000&includeUsageStatistics=true', token);
    const all = res.body.views.view as Array<{ sheetType: string; usage: { totalViewCount: string } }>;
    expect(new Set(all.map((v) => v.sheetType))).toEqual(new Set(['view', 'dashboard', 'story']));
    expect(all.every((v) => typeof v.usage.totalViewCount === 'string')).toBe(true);
    const one = await h.get(`views/${(all[0] as unknown as { id: string }).id}`, token);
    expect(one.body.view.id).toBe((all[0] as unknown as { id: string }).id);
  });

  it('carries exactly the agreed data keys on views and data sources', () => {
    const viewKeys = new Set([...h.demoSite.views.values()].map((v) => v.dataKey).filter(Boolean));
    expect([...viewKeys].sort()).toEqual([...VIEW_DATA_KEYS].sort());
    const dsKeys = new Set([...h.demoSite.datasources.values()].map((d) => d.dataKey).filter(Boolean));
    expect([...dsKeys].sort()).toEqual([...DATASOURCE_DATA_KEYS].sort());
    for (const v of h.demoSite.views.values()) {
      if (v.sheetType !== 'dashboard') continue;
      const first = h.demoSite.views.get(h.demoSite.workbooks.get(v.workbookId)!.viewIds[0])!;
      expect(v.dataKey, v.name).toBe(first.dataKey);
    }
  });

  it('serves data sources, their connections, custom views, users, groups and group members', async () => {
    const ds = await byName('datasources', 'datasources', 'datasource', 'Superstore Orders');
    expect(ds).toMatchObject({ isCertified: 'true', hasExtracts: 'true', project: { name: 'Data Sources' } });
    expect((await h.get(`datasources/${ds.id}`, token)).body.datasource.id).toBe(ds.id);
    const conns = await h.get(`datasources/${ds.id}/connections`, token);
    expect(conns.body.connections.connection[0]).toMatchObject({
      type: 'postgres',
      serverAddress: 'db.superstore.example',
      embedPassword: 'true',
    });
    const cvs = await h.get('customviews', token);
    expect(cvs.body.customViews.customView[0]).toMatchObject({
      name: 'West only',
      shared: 'true',
      view: { name: 'Orders by Region' },
      workbook: { name: 'Superstore' },
    });
    const users = await h.get('users?sort=name:asc', token);
    expect(users.body.users.user.map((u: { name: string }) => u.name)).toEqual([
      'ada.admin',
      'carl.creator',
      'erin.explorer',
      'vera.viewer',
    ]);
    const groups = await h.get('groups?includeUserCount=true', token);
    const sales = groups.body.groups.group.find((g: { name: string }) => g.name === 'Sales');
    expect(sales).toMatchObject({ domain: { name: 'local' }, userCount: '2' });
    const members = await h.get(`groups/${sales.id}/users`, token);
    expect(members.body.pagination.totalAvailable).toBe('2');
  });

  it('lists extract refresh tasks without paging', async () => {
    const res = await h.get('tasks/extractRefreshes', token);
    const tasks = res.body.tasks.task;
    expect(tasks).toHaveLength(3);
    expect(tasks[0].extractRefresh).toMatchObject({
      type: 'RefreshExtractTask',
      priority: '50',
      schedule: { frequency: 'Daily' },
      datasource: { id: expect.any(String) },
    });
    expect(tasks[2].extractRefresh.workbook.id).toEqual(expect.any(String));
  });
});

describe('fields parameter', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await harness();
    token = await h.signIn();
  });
  afterAll(async () => h.app.close());

  it('_default_ equals no fields at all', async () => {
    const a = await h.get('workbooks', token);
    const b = await h.get('workbooks?fields=_default_', token);
    expect(b.body).toEqual(a.body);
    expect(a.body.workbooks.workbook[0].sheetCount).toBeUndefined();
  });

  it('_all_ adds sheetCount, location, full owner, contentsCounts', async () => {
    const wb = (await h.get('workbooks?fields=_all_&filter=name:eq:Superstore', token)).body.workbooks.workbook[0];
    expect(wb).toMatchObject({
      sheetCount: '7',
      hasExtracts: 'false',
      location: { type: 'Project', name: 'Sales' },
      owner: { name: 'carl.creator', siteRole: 'Creator' },
    });
    const p = (await h.get('projects?fields=_all_&filter=name:eq:Sales', token)).body.projects.project[0];
    expect(p).toMatchObject({ topLevelProject: 'false', contentsCounts: { projectCount: '2', workbookCount: '2', viewCount: '8' } });
  });

  it('named fields incl. project.name and owner.name', async () => {
    const res = await h.get('workbooks?fields=id,name,project.name,owner.name&filter=name:eq:Superstore', token);
    expect(res.body.workbooks.workbook[0]).toEqual({
      id: expect.any(String),
      name: 'Superstore',
      project: { name: 'Sales' },
      owner: { name: 'carl.creator' },
    });
    const views = await h.get('views?fields=name,workbook.name&filter=name:eq:Customers&sort=name:asc', token);
    expect(views.body.views.view[0]).toEqual({ name: 'Customers', workbook: { name: expect.any(String) } });
  });

  it('rejects unknown field names', async () => {
    const res = await h.get('workbooks?fields=id,color', token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('400000');
  });
});

describe('more endpoints and odd input', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await harness();
    token = await h.signIn();
  });
  afterAll(async () => h.app.close());

  it('serves sites, a site by contentUrl, one task and one custom view', async () => {
    const sites = await h.raw('GET', '/api/3.28/sites', token);
    expect(sites.body.sites.site.map((s: { contentUrl: string }) => s.contentUrl)).toEqual(['', 'superstore-demo']);
    const byUrl = await h.raw('GET', '/api/3.28/sites/superstore-demo?key=contentUrl', token);
    expect(byUrl.body.site).toMatchObject({ id: h.siteId, name: 'Superstore Demo' });
    const task = [...h.demoSite.tasks.values()][0];
    expect((await h.get(`tasks/extractRefreshes/${task.id}`, token)).body.task.extractRefresh.id).toBe(task.id);
    const cv = [...h.demoSite.customViews.values()][0];
    expect((await h.get(`customviews/${cv.id}`, token)).body.customView).toMatchObject({ id: cv.id, name: 'West only' });
    expect((await h.get('customviews/nope', token)).body.error.code).toBe('404048');
  });

  it('keeps the last of repeated query parameters instead of failing', async () => {
    const res = await h.get('workbooks?filter=name:eq:Nope&filter=name:eq:Superstore&pageSize=5&pageSize=1', token);
    expect(res.status).toBe(200);
    expect(res.body.pagination.pageSize).toBe('1');
    expect(res.body.workbooks.workbook[0].name).toBe('Superstore');
  });
});
