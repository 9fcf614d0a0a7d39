import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TABLEAU_REFERENCE } from '../../fixtures/reference.js';
import { type Harness, harness } from './helpers.js';

/**
 * Keeps the simulator honest against recorded Tableau responses: every attribute and child element a
 * real server sent in test/fixtures/tableau-reference/tsc-assets/*.xml (recorded by TSC; test/fixtures/tableau-reference/README.md) must appear in the simulator's
 * JSON at the same nesting, with attribute values as strings; JSON fixtures must match in shape.
 */
const REF = TABLEAU_REFERENCE;

interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

/** Tiny regex-based XML reader: elements, attributes, text; namespace prefixes dropped. */
function readXml(xml: string): XNode {
  const root: XNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const re = /<\?[^>]*\?>|<!--[\s\S]*?-->|<(\/?)(?:[\w.-]+:)?([\w.-]+)((?:\s+[^\s=>]+\s*=\s*"[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (const m of xml.matchAll(re)) {
    const [, close, name, attrText, selfClose, text] = m;
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      top.text += text.trim();
      continue;
    }
    if (!name) continue;
    if (close) {
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([^\s=>]+)\s*=\s*"([^"]*)"/g))
      if (!a[1].startsWith('xmlns') && !a[1].includes(':')) attrs[a[1]] = a[2];
    const node: XNode = { name, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClose) stack.push(node);
  }
  return root.children[0]; // tsResponse
}

const asset = (file: string) => readXml(readFileSync(`${REF}/tsc-assets/${file}`, 'utf8'));
const child = (n: XNode, name: string) => n.children.find((c) => c.name === name)!;

/** Asserts that `json` carries every attribute (as a string) and child element of `node`, recursively. */
function expectSameShape(node: XNode, json: unknown, where: string, skipChildren: string[] = []): void {
  expect(json, where).toBeTypeOf('object');
  const obj = json as Record<string, unknown>;
  for (const attr of Object.keys(node.attrs)) {
    expect(obj, `${where} @${attr}`).toHaveProperty(attr);
    expect(typeof obj[attr], `${where} @${attr} is a string`).toBe('string');
  }
  const groups = new Map<string, XNode[]>();
  for (const c of node.children) groups.set(c.name, [...(groups.get(c.name) ?? []), c]);
  for (const [name, kids] of groups) {
    if (skipChildren.includes(name)) continue;
    expect(obj, `${where} <${name}>`).toHaveProperty(name);
    const value = obj[name];
    if (kids[0].children.length > 0 && kids[0].children.every((k) => k.name === kids[0].children[0].name) && kids[0].name.endsWith('s')) {
      // <tags><tag/></tags> → {tag:[...]}
      const inner = kids[0].children[0].name;
      const arr = (value as Record<string, unknown[]>)[inner];
      expect(Array.isArray(arr), `${where} <${name}>.${inner} is an array`).toBe(true);
      expectSameShape(kids[0].children[0], arr[0], `${where}.${name}.${inner}`);
    } else if (kids[0].children.length === 0 && Object.keys(kids[0].attrs).length === 0 && kids[0].text) {
      expect(typeof value, `${where} <${name}> text`).toBe('string');
    } else {
      expectSameShape(kids[0], value, `${where}.${name}`, skipChildren);
    }
  }
}

/** Union of attributes over sibling items, so optional attributes of any recorded item count. */
function unionItem(items: XNode[]): XNode {
  const out: XNode = { name: items[0].name, attrs: {}, children: [], text: '' };
  for (const it of items) {
    Object.assign(out.attrs, it.attrs);
    for (const c of it.children) if (!out.children.some((o) => o.name === c.name)) out.children.push(c);
  }
  return out;
}

describe('shapes match recorded Tableau responses', () => {
  let h: Harness;
  let token: string;
  const find = (list: Array<{ name: string }>, name: string) => list.find((x) => x.name === name)!;
  beforeAll(async () => {
    h = await harness({ jobs: { mode: 'poll', pollsPerStage: 1 } });
    token = await h.signIn();
  });
  afterAll(async () => h.app.close());

  it('the shape check itself catches missing attributes, non-string values and missing children', async () => {
    const x = unionItem(child(asset('workbook_get_all_fields.xml'), 'workbooks').children);
    const dflt = find((await h.get('workbooks', token)).body.workbooks.workbook, 'Superstore');
    expect(() => expectSameShape(x, dflt, 'workbook')).toThrow(/sheetCount/);
    const all = find((await h.get('workbooks?fields=_all_', token)).body.workbooks.workbook, 'Superstore') as Record<string, unknown>;
    expect(() => expectSameShape(x, { ...all, size: 2 }, 'workbook')).toThrow(/size is a string/);
    expect(() => expectSameShape(x, { ...all, location: undefined }, 'workbook')).toThrow(/location/);
  });

  it('server info, sign-in, errors', async () => {
    const info = (await h.raw('GET', '/api/3.28/serverinfo')).body.serverInfo;
    const x = child(asset('server_info_get.xml'), 'serverInfo');
    expect(child(x, 'productVersion').attrs).toHaveProperty('build');
    expect(info.productVersion).toEqual({ value: expect.any(String), build: expect.any(String) });
    expect(typeof info.restApiVersion).toBe(typeof child(x, 'restApiVersion').text);

    const signin = await h.raw('POST', '/api/3.28/auth/signin', undefined, {
      credentials: { personalAccessTokenName: 'sim-pat', personalAccessTokenSecret: 'x', site: { contentUrl: 'superstore-demo' } },
    });
    const errX = child(asset('auth_sign_in_error.xml'), 'error');
    expect(signin.body.error).toEqual({ code: errX.attrs.code, summary: child(errX, 'summary').text, detail: child(errX, 'detail').text });
    const notFound = child(asset('server_info_404.xml'), 'error');
    const res404 = await h.raw('GET', '/api/2.4/nowhere');
    expect(res404.body.error).toMatchObject({ code: notFound.attrs.code, summary: child(notFound, 'summary').text });

    const creds = (
      await h.raw('POST', '/api/3.28/auth/signin', undefined, {
        credentials: { name: 'ada.admin', password: 'sim-password', site: { contentUrl: '' } },
      })
    ).body;
    expectSameShape(child(asset('auth_sign_in.xml'), 'credentials'), creds.credentials, 'credentials');
  });

  it.each([
    ['workbook_get.xml', 'workbooks', 'workbooks', 'workbook', 'Superstore'],
    ['workbook_get_all_fields.xml', 'workbooks?fields=_all_', 'workbooks', 'workbook', 'Superstore'],
    ['project_get.xml', 'projects', 'projects', 'project', 'Sales'],
    ['project_get_all_fields.xml', 'projects?fields=_all_', 'projects', 'project', 'Sales'],
    ['datasource_get.xml', 'datasources', 'datasources', 'datasource', 'Superstore Orders'],
    ['view_get_usage.xml', 'views?includeUsageStatistics=true', 'views', 'view', 'Sales Overview'],
    ['view_get_all_fields.xml', 'views?fields=_all_', 'views', 'view', 'Sales Overview'],
    ['request_option_pagination.xml', 'views', 'views', 'view', 'Sales Overview'],
    ['user_get.xml', 'users', 'users', 'user', 'ada.admin'],
    ['group_get.xml', 'groups', 'groups', 'group', 'Sales'],
  ])('%s ↔ GET %s', async (file, path, plural, singular, name) => {
    const x = asset(file);
    const body = (await h.get(`${path}${path.includes('?') ? '&' : '?'}pageSize=1000`, token)).body;
    expectSameShape(child(x, 'pagination'), body.pagination, 'pagination');
    const item = find(body[plural][singular], name);
    expectSameShape(unionItem(child(x, plural).children), item, singular);
  });

  it('workbook by id, its views with usage, its connections; data source connections', async () => {
    const wb = find((await h.get('workbooks', token)).body.workbooks.workbook, 'Superstore') as unknown as { id: string; name: string };
    expectSameShape(
      child(asset('workbook_get_by_id.xml'), 'workbook'),
      (await h.get(`workbooks/${wb.id}`, token)).body.workbook,
      'workbook',
    );
    const usage = (await h.get(`workbooks/${wb.id}/views?includeUsageStatistics=true`, token)).body;
    expectSameShape(unionItem(child(asset('workbook_populate_views_usage.xml'), 'views').children), usage.views.view[0], 'view');
    const conns = (await h.get(`workbooks/${wb.id}/connections`, token)).body;
    expectSameShape(
      child(child(asset('workbook_populate_connections.xml'), 'connections'), 'connection'),
      conns.connections.connection[0],
      'connection',
    );
    const ds = find((await h.get('datasources', token)).body.datasources.datasource, 'Superstore Orders') as unknown as {
      id: string;
      name: string;
    };
    const dsConns = (await h.get(`datasources/${ds.id}/connections`, token)).body;
    expectSameShape(
      unionItem(child(asset('datasource_populate_connections.xml'), 'connections').children),
      dsConns.connections.connection[0],
      'connection',
    );
  });

  it('empty list, jobs, refresh, job detail, tasks', async () => {
    const empty = asset('workbook_get_empty.xml');
    expect(child(empty, 'workbooks').children).toEqual([]);
    expect((await h.get('workbooks?filter=name:eq:none', token)).body.workbooks).toEqual({});

    const jobs = (await h.get('jobs', token)).body;
    expectSameShape(
      unionItem(child(asset('job_get.xml'), 'backgroundJobs').children),
      jobs.backgroundJobs.backgroundJob[0],
      'backgroundJob',
    );

    const legacy = find((await h.get('datasources', token)).body.datasources.datasource, 'Legacy Sales Extract') as unknown as {
      id: string;
      name: string;
    };
    const refresh = (await h.raw('POST', `/api/3.28/sites/${h.siteId}/datasources/${legacy.id}/refresh`, token)).body;
    expectSameShape(child(asset('datasource_refresh.xml'), 'job'), refresh.job, 'job');
    let detail: Record<string, unknown> = {};
    for (let i = 0; i < 3; i++) detail = (await h.get(`jobs/${refresh.job.id}`, token)).body.job;
    expectSameShape(child(asset('job_get_by_id_failed.xml'), 'job'), detail, 'job', ['updateUploadedFileJob']);
    expect(detail.finishCode).toBe(child(asset('job_get_by_id_failed.xml'), 'job').attrs.finishCode);

    const tasks = (await h.get('tasks/extractRefreshes', token)).body.tasks.task;
    const wbTask = tasks.find((t: { extractRefresh: { workbook?: unknown } }) => t.extractRefresh.workbook);
    expectSameShape(child(child(asset('tasks_with_workbook.xml'), 'tasks'), 'task'), wbTask, 'task');
  });

  it('matches the JSON fixtures', async () => {
    const fx = JSON.parse(readFileSync(`${REF}/json-fixtures-from-tests.json`, 'utf8'));
    expect((await h.get('workbooks', '')).body).toEqual({ error: fx.rest_error_json_no_credentials.error });
    const bad = await h.raw('POST', '/api/3.28/auth/signin', undefined, {
      credentials: { name: 'x', password: 'y', site: { contentUrl: '' } },
    });
    expect(bad.body).toEqual({ error: fx.rest_error_json_signin.error });

    const emptyJobs = (await h.get('jobs?filter=status:eq:Cancelled', token)).body;
    expect(emptyJobs).toEqual({ ...fx.rest_jobs_empty_list, _source: undefined, pagination: fx.rest_jobs_empty_list.pagination });

    const wb = find((await h.get('workbooks', token)).body.workbooks.workbook, 'Superstore') as unknown as { id: string; name: string };
    const conn = (await h.get(`workbooks/${wb.id}/connections`, token)).body.connections.connection[0];
    const fxConn = fx.rest_workbook_connections.connections.connection[0];
    for (const k of Object.keys(fxConn)) expect(conn).toHaveProperty(k);
    expect(Object.keys(conn.datasource).sort()).toEqual(Object.keys(fxConn.datasource).sort());

    const hits = (await h.raw('GET', '/api/-/search?terms=superstore', token)).body.hits;
    for (const item of fx.content_search_items.hits.items) {
      const mine = hits.items.find((i: { content: { type: string } }) => i.content.type === item.content.type);
      expect(Object.keys(mine)).toEqual(Object.keys(item));
      for (const [k, v] of Object.entries(item.content)) {
        expect(mine.content, k).toHaveProperty(k);
        expect(Array.isArray(mine.content[k]) || typeof mine.content[k], k).toBe(Array.isArray(v) || typeof v);
      }
    }
  });
});
