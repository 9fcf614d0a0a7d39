/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON. */
import type { FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

import { ManualClock } from '../../../server/sim/clock.js';
import type { ResourceDef } from '../../../server/sim/resources/common.js';
import { datasources } from '../../../server/sim/resources/datasources.js';
import { groups, users } from '../../../server/sim/resources/people.js';
import { customViews, projects } from '../../../server/sim/resources/projects.js';
import { views, workbooks } from '../../../server/sim/resources/workbooks.js';
import { listResponse } from '../../../server/sim/routes/common.js';
import { type Harness, harness } from './helpers.js';

/**
 * The browse lists are answered from serialized pages kept per site revision (routes/common.ts
 * sendList). They must be byte-for-byte what the plain serializer gives, and never outlive a change.
 */
describe('serialized list pages', () => {
  let h: Harness;
  afterEach(async () => h?.app.close());

  /** What listResponse (no cache) answers for the same query, as fastify would send it. */
  const uncached = (def: ResourceDef<any>, query: Record<string, string>) =>
    JSON.stringify(listResponse(def, h.demoSite, { query, protocol: 'http', host: 'localhost:80' } as unknown as FastifyRequest));

  const DEFS: Record<string, ResourceDef<any>> = { workbooks, views, datasources, projects, customviews: customViews, users, groups };
  const CASES: Array<[string, Record<string, string>]> = [
    ['workbooks', {}],
    ['workbooks', { fields: '_all_', sort: 'name:desc', pageSize: '3', pageNumber: '2' }],
    ['workbooks', { filter: 'tags:in:[sample,sales]', fields: 'id,name,project.name' }],
    ['views', { includeUsageStatistics: 'true', sort: 'hitsTotal:desc' }],
    ['datasources', { fields: '_all_' }],
    ['projects', { sort: 'name:asc', pageSize: '2' }],
    ['customviews', {}],
    ['users', { fields: '_all_' }],
    ['groups', { includeUserCount: 'true' }],
    ['workbooks', { filter: 'name:eq:NoSuchWorkbook' }],
  ];

  it.each(CASES)('%s %j: the same bytes as the plain serializer, first time and from the cache', async (path, query) => {
    const def = DEFS[path];
    h = await harness();
    const token = await h.signIn();
    const url = `${path}?${new URLSearchParams(query)}`;
    const first = await h.get(url, token);
    const again = await h.get(url, token);
    expect(first.status).toBe(200);
    expect((await h.raw('GET', `/api/3.28/sites/${h.siteId}/${url}`, token)).headers['content-type']).toMatch(/^application\/json/);
    const text = JSON.stringify(first.body);
    expect(JSON.stringify(again.body)).toBe(text);
    expect(text).toBe(uncached(def, query));
  });

  it('a renamed, added or removed workbook shows on the very next request', async () => {
    h = await harness();
    const token = await h.signIn();
    const names = async () => ((await h.get('workbooks?pageSize=1000', token)).body.workbooks.workbook as any[]).map((w) => w.name);
    const before = await names();
    const wb = [...h.demoSite.workbooks.values()][0];
    wb.name = 'Renamed in place';
    h.demoSite.touch();
    expect(await names()).toEqual(['Renamed in place', ...before.slice(1)]);
    h.demoSite.addWorkbook({ name: 'Brand New', projectId: wb.projectId });
    expect(await names()).toContain('Brand New');
    h.demoSite.removeWorkbook(wb.id);
    expect(await names()).not.toContain('Renamed in place');
  });

  it('a sign-in moves the user list on (lastLogin is edited in place)', async () => {
    const clock = new ManualClock();
    h = await harness({ clock });
    const token = await h.signIn();
    const lastLogins = async () => ((await h.get('users?fields=_all_', token)).body.users.user as any[]).map((u) => u.lastLogin);
    const before = await lastLogins();
    clock.advance(3_600_000);
    await h.signIn({ personalAccessTokenName: 'unused' }).catch(() => undefined); // a failed sign-in changes nothing
    expect(await lastLogins()).toEqual(before);
    const newToken = await h.signIn();
    const after = ((await h.get('users?fields=_all_', newToken)).body.users.user as any[]).map((u) => u.lastLogin);
    expect(after).not.toEqual(before);
  });

  it('XML and malformed-JSON answers still come from the same page', async () => {
    h = await harness();
    const token = await h.signIn();
    await h.get('workbooks', token); // fills the cache
    const xml = await h.app.inject({
      method: 'GET',
      url: `/api/3.28/sites/${h.siteId}/workbooks`,
      headers: { 'x-tableau-auth': token, accept: 'application/xml' },
    });
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    expect(xml.body).toMatch(/^<\?xml[\s\S]*<workbooks>[\s\S]*<workbook /);
    await h.raw('POST', '/_sim/faults', undefined, { kind: 'malformedJson', count: 1 });
    const broken = await h.get('workbooks', token);
    expect(broken.body).toBeUndefined();
    expect(JSON.stringify((await h.get('workbooks', token)).body)).toBe(uncached(workbooks, {}));
  });
});
