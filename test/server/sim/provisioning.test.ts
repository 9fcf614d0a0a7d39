/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON; each test asserts the shape it reads. */
/**
 * The simulator's write endpoints for users, groups, memberships and projects (server/sim/routes/provisioning.ts):
 * Tableau's answer shapes (TSC test assets user_add.xml, group_create.xml, project_create.xml …), its
 * validations and error codes, and who may call them.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { DEMO } from '../../../server/sim/seed/demo.js';
import { type Harness, harness, V } from './helpers.js';

describe('simulator: writing users, groups and projects', () => {
  let h: Harness;
  let token: string;
  const call = (method: 'POST' | 'PUT' | 'DELETE', path: string, payload?: unknown, as = token) =>
    h.app
      .inject({
        method,
        url: `/api/${V}/sites/${h.siteId}/${path}`,
        headers: { accept: 'application/json', 'x-tableau-auth': as, ...(payload ? { 'content-type': 'application/json' } : {}) },
        ...(payload ? { payload: JSON.stringify(payload) } : {}),
      })
      .then((r) => ({ status: r.statusCode, body: r.body ? (JSON.parse(r.body) as any) : undefined }));
  const userNamed = (name: string) => [...h.demoSite.users.values()].find((u) => u.name === name)!;
  const groupNamed = (name: string) => [...h.demoSite.groups.values()].find((g) => g.name === name)!;

  beforeEach(async () => {
    h = await harness();
    token = await h.signIn();
  });

  it('adds a user (201, user_add.xml shape), refuses the same name (409017) and an unknown role (400013)', async () => {
    const added = await call('POST', 'users', { user: { name: 'nina@example.com', siteRole: 'Explorer', authSetting: 'SAML' } });
    expect(added.status).toBe(201);
    expect(added.body.user).toEqual({
      id: expect.any(String),
      name: 'nina@example.com',
      siteRole: 'Explorer',
      authSetting: 'SAML',
      externalAuthUserId: '',
    });
    const again = await call('POST', 'users', { user: { name: 'NINA@example.com', siteRole: 'Viewer' } });
    expect(again).toMatchObject({ status: 409, body: { error: { code: '409017' } } });
    const badRole = await call('POST', 'users', { user: { name: 'otto', siteRole: 'Admin' } });
    expect(badRole).toMatchObject({ status: 400, body: { error: { code: '400013', summary: 'Invalid site role' } } });
    const noName = await call('POST', 'users', { user: { siteRole: 'Viewer' } });
    expect(noName).toMatchObject({ status: 400, body: { error: { code: '400000' } } });
    // The list shows the user as added.
    const list = await h.get(`users?filter=name:eq:nina@example.com`, token);
    expect(list.body.users.user[0]).toMatchObject({ name: 'nina@example.com', siteRole: 'Explorer' });
  });

  it('updates a user (user_update.xml shape) and removes one; 404002 for an unknown id', async () => {
    const vera = userNamed('vera.viewer');
    const updated = await call('PUT', `users/${vera.id}`, { user: { siteRole: 'Creator', fullName: 'Vera V.', email: 'v@example.com' } });
    expect(updated).toMatchObject({
      status: 200,
      body: { user: { name: 'vera.viewer', fullName: 'Vera V.', email: 'v@example.com', siteRole: 'Creator' } },
    });
    expect((await call('DELETE', `users/${vera.id}`)).status).toBe(204);
    expect(h.demoSite.users.has(vera.id)).toBe(false);
    expect(groupNamed('All Users').userIds).not.toContain(vera.id);
    expect(await call('DELETE', `users/${vera.id}`)).toMatchObject({ status: 404, body: { error: { code: '404002' } } });
  });

  it('keeps a user who owns content: Unlicensed and 409, unless the content goes to someone (mapAssetsTo)', async () => {
    const carl = userNamed('carl.creator');
    const refused = await call('DELETE', `users/${carl.id}`);
    expect(refused.status).toBe(409);
    expect(carl.siteRole).toBe('Unlicensed');
    expect(h.demoSite.users.has(carl.id)).toBe(true);
    const ada = userNamed('ada.admin');
    expect((await call('DELETE', `users/${carl.id}?mapAssetsTo=${ada.id}`)).status).toBe(204);
    expect([...h.demoSite.projects.values()].some((p) => p.ownerId === carl.id)).toBe(false);
  });

  it('creates and updates groups with a minimum site role (group_create.xml), 409009 for a taken name', async () => {
    const created = await call('POST', 'groups', { group: { name: 'Auditors', minimumSiteRole: 'Viewer' } });
    expect(created).toMatchObject({
      status: 201,
      body: { group: { name: 'Auditors', import: { siteRole: 'Viewer', grantLicenseMode: 'onLogin' } } },
    });
    expect(await call('POST', 'groups', { group: { name: 'sales' } })).toMatchObject({ status: 409, body: { error: { code: '409009' } } });
    const updated = await call('PUT', `groups/${created.body.group.id}`, { group: { name: 'Auditors', minimumSiteRole: 'Explorer' } });
    expect(updated.body.group.import.siteRole).toBe('Explorer');
    expect((await call('DELETE', `groups/${created.body.group.id}`)).status).toBe(204);
    expect(await call('DELETE', `groups/${created.body.group.id}`)).toMatchObject({ status: 404, body: { error: { code: '404012' } } });
  });

  it('adds a member (409011 for a member), removes one, 404 for an unknown user or group', async () => {
    const sales = groupNamed('Sales');
    const vera = userNamed('vera.viewer');
    const added = await call('POST', `groups/${sales.id}/users`, { user: { id: vera.id } });
    expect(added).toMatchObject({ status: 200, body: { user: { id: vera.id, name: 'vera.viewer' } } });
    expect(await call('POST', `groups/${sales.id}/users`, { user: { id: vera.id } })).toMatchObject({
      status: 409,
      body: { error: { code: '409011' } },
    });
    expect(await call('POST', `groups/${sales.id}/users`, { user: { id: 'nope' } })).toMatchObject({
      status: 404,
      body: { error: { code: '404002' } },
    });
    expect(await call('POST', `groups/nope/users`, { user: { id: vera.id } })).toMatchObject({
      status: 404,
      body: { error: { code: '404012' } },
    });
    expect((await call('DELETE', `groups/${sales.id}/users/${vera.id}`)).status).toBe(204);
    expect(sales.userIds).not.toContain(vera.id);
  });

  it('creates projects under a parent (project_create.xml), 409006 for a name in the same parent, 404005 for a missing parent', async () => {
    const samples = [...h.demoSite.projects.values()].find((p) => p.name === 'Samples')!;
    const created = await call('POST', 'projects', { project: { name: 'Budgets', description: 'Yearly', parentProjectId: samples.id } });
    expect(created).toMatchObject({
      status: 201,
      body: { project: { name: 'Budgets', description: 'Yearly', parentProjectId: samples.id, contentPermissions: 'ManagedByOwner' } },
    });
    expect(await call('POST', 'projects', { project: { name: 'budgets', parentProjectId: samples.id } })).toMatchObject({
      status: 409,
      body: { error: { code: '409006' } },
    });
    // The same name elsewhere is fine.
    expect((await call('POST', 'projects', { project: { name: 'Budgets' } })).status).toBe(201);
    expect(await call('POST', 'projects', { project: { name: 'X', parentProjectId: 'missing' } })).toMatchObject({
      status: 404,
      body: { error: { code: '404005' } },
    });
    const moved = await call('PUT', `projects/${created.body.project.id}`, { project: { description: 'Monthly' } });
    expect(moved.body.project).toMatchObject({ name: 'Budgets', description: 'Monthly', parentProjectId: samples.id });
    expect((await call('DELETE', `projects/${created.body.project.id}`)).status).toBe(204);
  });

  it("takes TSC's XML bodies and answers in XML, as user_add.xml", async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/${V}/sites/${h.siteId}/users`,
      headers: { 'x-tableau-auth': token, 'content-type': 'application/xml', accept: 'application/xml' },
      payload: '<tsRequest><user name="xml.user" siteRole="Viewer" authSetting="ServerDefault"/></tsRequest>',
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).toMatch(
      /<user id="[0-9a-f-]+" name="xml\.user" siteRole="Viewer" authSetting="ServerDefault" externalAuthUserId=""\/>/,
    );
    const project = await h.app.inject({
      method: 'POST',
      url: `/api/${V}/sites/${h.siteId}/projects`,
      headers: { 'x-tableau-auth': token, 'content-type': 'application/xml', accept: 'application/json' },
      payload: '<tsRequest><project name="From XML" description="d"/></tsRequest>',
    });
    expect(JSON.parse(project.body).project).toMatchObject({ name: 'From XML', description: 'd' });
  });

  it('lets only site administrators write (403 before any change), and logs every call on the site', async () => {
    const carlToken = await h.signIn({
      personalAccessTokenName: DEMO.otherPatName,
      personalAccessTokenSecret: DEMO.otherPatSecret,
      site: { contentUrl: DEMO.siteContentUrl },
    });
    const before = h.demoSite.users.size;
    const refused = await call('POST', 'users', { user: { name: 'sneaky', siteRole: 'Creator' } }, carlToken);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: '403004' } } });
    expect(h.demoSite.users.size).toBe(before);
    expect(h.demoSite.writes.map((w) => [w.method, w.path, w.status])).toEqual([['POST', `/sites/${h.siteId}/users`, 403]]);
  });
});
