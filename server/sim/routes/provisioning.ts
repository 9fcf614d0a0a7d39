/**
 * Writing users, groups, group memberships and projects, as Tableau's REST API does it:
 *  - Users and Groups Methods, https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_users_and_groups.htm
 *    (Add User to Site, Update User, Remove User from Site, Create Group, Update Group, Delete Group,
 *    Add User to Group, Remove User from Group);
 *  - Projects Methods, https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_projects.htm
 *    (Create Project, Update Project, Delete Project).
 * Answer shapes are those of TSC's test assets (https://github.com/tableau/server-client-python/tree/master/test/assets:
 * user_add.xml, user_update.xml, group_create.xml, group_update.xml, group_add_user.xml,
 * project_create.xml, project_update.xml) as JSON. Every method exists since REST API 1.0/2.0
 * (TSC `@api(version="2.0")`), older than any version the simulator serves: no version gate.
 *
 * Only site administrators may call them (errors.adminOnly). Names are compared ignoring case: the
 * reference does not say, and the stricter reading is the one a stand-in must not be kinder than.
 * Every call that reaches a handler is logged on the site (`SiteContent.writes`) with its status, so
 * tests can count what a client really sent.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Session } from '../auth.js';
import type { SimContext } from '../context.js';
import { errors, SimError } from '../errors.js';
import type { Json } from '../resources/common.js';
import { newId } from '../state/ids.js';
import type { SimGroup, SimProject, SimUser, SiteRole } from '../state/model.js';
import type { SiteContent } from '../state/site.js';
import { requireSite } from './common.js';

const S = '/api/:version/sites/:siteId';

/** Add User to Site's siteRole values (REST reference, Add User to Site). */
const SITE_ROLES: readonly SiteRole[] = [
  'Creator',
  'Explorer',
  'ExplorerCanPublish',
  'SiteAdministratorCreator',
  'SiteAdministratorExplorer',
  'Unlicensed',
  'Viewer',
];
/** authSetting values (REST reference, Add User to Site; TableauIDWithMFA: tableau/tabcmd#288). */
const AUTH_SETTINGS = ['ServerDefault', 'SAML', 'OpenID', 'TableauIDWithMFA'];

const asObject = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Tableau's generic answer to a body it cannot use (rest_api_concepts_errors.htm: 400 "cannot parse or interpret"). */
const malformed = (detail: string) => errors.badRequest(`Payload is either malformed or incomplete. ${detail}`);

/** The `element` of the body (`{"user": {...}}`), or 400. */
function element(request: FastifyRequest, name: string): Record<string, unknown> {
  const el = asObject(asObject(request.body)?.[name]);
  if (!el) throw malformed(`The request body has no '${name}' element.`);
  return el;
}

function text(el: Record<string, unknown>, key: string): string | undefined {
  const v = el[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw malformed(`'${key}' must be text.`);
  return v;
}

function siteRole(value: string): SiteRole {
  const role = SITE_ROLES.find((r) => r === value);
  if (!role) throw errors.invalidSiteRole(value);
  return role;
}

function authSetting(value: string): string {
  if (!AUTH_SETTINGS.includes(value)) throw malformed(`'${value}' is not an authSetting (${AUTH_SETTINGS.join(', ')}).`);
  return value;
}

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

const isAdmin = (site: SiteContent, session: Session) => (site.users.get(session.userId)?.siteRole ?? '').startsWith('SiteAdministrator');

/** user_add.xml: id, name, siteRole, authSetting, externalAuthUserId. */
const addedUserJson = (u: SimUser): Json => ({
  id: u.id,
  name: u.name,
  siteRole: u.siteRole,
  authSetting: u.authSetting ?? 'ServerDefault',
  externalAuthUserId: '',
});

/** user_update.xml: name, fullName, email, siteRole (+ authSetting when set). */
const updatedUserJson = (u: SimUser): Json => ({
  name: u.name,
  fullName: u.fullName,
  email: u.email,
  siteRole: u.siteRole,
  authSetting: u.authSetting ?? 'ServerDefault',
});

/** group_create.xml / group_update.xml. */
function groupJson(g: SimGroup): Json {
  const out: Json = { id: g.id, name: g.name };
  if (g.minimumSiteRole)
    out.import = { domainName: g.domainName, siteRole: g.minimumSiteRole, grantLicenseMode: g.grantLicenseMode ?? 'onLogin' };
  return out;
}

/** project_create.xml / project_update.xml. */
function projectJson(p: SimProject): Json {
  const out: Json = {
    id: p.id,
    name: p.name,
    description: p.description,
    contentPermissions: p.contentPermissions,
    owner: { id: p.ownerId },
  };
  if (p.parentProjectId) out.parentProjectId = p.parentProjectId;
  return out;
}

type Handler = (site: SiteContent, request: FastifyRequest, session: Session) => { status: number; body?: Json; key: string };

export function provisioningRoutes(app: FastifyInstance, ctx: SimContext): void {
  const idOf = (request: FastifyRequest, name = 'id') => (request.params as Record<string, string>)[name];

  /** Session, site, admin check; the call is logged on the site with the status it got. */
  const route = (method: 'POST' | 'PUT' | 'DELETE', path: string, what: string, handle: Handler) =>
    app.route({
      method,
      url: `${S}/${path}`,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const { session, site } = requireSite(ctx, request);
        const logged = { method, path: request.url.split('?')[0].replace(/^\/api\/[^/]+/, ''), status: 0, key: '' };
        try {
          if (!isAdmin(site, session)) throw errors.adminOnly(what);
          const out = handle(site, request, session);
          logged.status = out.status;
          logged.key = out.key;
          site.writes.push(logged);
          return out.body === undefined ? reply.code(out.status).send() : reply.code(out.status).send(out.body);
        } catch (e) {
          logged.status = e instanceof SimError ? e.status : 500;
          site.writes.push(logged);
          throw e;
        }
      },
    });

  const findUser = (site: SiteContent, id: string) => {
    const u = site.users.get(id);
    if (!u) throw errors.notFound('user', id);
    return u;
  };
  const findGroup = (site: SiteContent, id: string) => {
    const g = site.groups.get(id);
    if (!g) throw errors.notFound('group', id);
    return g;
  };
  const findProject = (site: SiteContent, id: string) => {
    const p = site.projects.get(id);
    if (!p) throw errors.notFound('project', id);
    return p;
  };

  // ---- users -----------------------------------------------------------------------------------

  route('POST', 'users', 'add users to the site', (site, request) => {
    const el = element(request, 'user');
    const name = text(el, 'name')?.trim();
    if (!name) throw malformed("The user needs a 'name'.");
    const roleText = text(el, 'siteRole');
    if (!roleText) throw malformed("The user needs a 'siteRole'.");
    const role = siteRole(roleText);
    const auth = text(el, 'authSetting');
    if ([...site.users.values()].some((u) => same(u.name, name))) throw errors.userConflict(name);
    const user = site.addUser({ name, siteRole: role, fullName: '', email: '', ...(auth ? { authSetting: authSetting(auth) } : {}) });
    return { status: 201, body: { user: addedUserJson(user) }, key: `user:${name.toLowerCase()}` };
  });

  route('PUT', 'users/:id', 'update users', (site, request) => {
    const user = findUser(site, idOf(request));
    const el = element(request, 'user');
    const role = text(el, 'siteRole');
    const auth = text(el, 'authSetting');
    const fullName = text(el, 'fullName');
    const email = text(el, 'email');
    if (role !== undefined) user.siteRole = siteRole(role);
    if (auth !== undefined) user.authSetting = authSetting(auth);
    if (fullName !== undefined) user.fullName = fullName;
    if (email !== undefined) user.email = email;
    site.touch();
    return { status: 200, body: { user: updatedUserJson(user) }, key: `user:${user.id}:update` };
  });

  route('DELETE', 'users/:id', 'remove users from the site', (site, request, session) => {
    const user = findUser(site, idOf(request));
    if (user.id === session.userId) throw errors.badRequest('You cannot remove yourself from the site.');
    const mapTo = (request.query as Record<string, string | undefined>).mapAssetsTo;
    const heir = mapTo === undefined ? undefined : findUser(site, mapTo);
    const owned = [...site.projects.values(), ...site.workbooks.values(), ...site.datasources.values()].filter(
      (c) => c.ownerId === user.id,
    );
    if (owned.length > 0 && !heir) {
      user.siteRole = 'Unlicensed';
      site.touch();
      throw errors.userOwnsContent(user.name);
    }
    for (const c of owned) c.ownerId = heir!.id;
    for (const g of site.groups.values()) g.userIds = g.userIds.filter((id) => id !== user.id);
    site.users.delete(user.id);
    return { status: 204, key: `user:${user.id}:delete` };
  });

  // ---- groups ----------------------------------------------------------------------------------

  const groupFields = (site: SiteContent, el: Record<string, unknown>, self?: SimGroup) => {
    const name = text(el, 'name')?.trim();
    if (name !== undefined && [...site.groups.values()].some((g) => g !== self && same(g.name, name))) throw errors.groupConflict(name);
    const min = text(el, 'minimumSiteRole');
    const mode = text(el, 'grantLicenseMode');
    if (mode !== undefined && mode !== 'onLogin' && mode !== 'onSync')
      throw malformed(`'${mode}' is not a grantLicenseMode (onLogin, onSync).`);
    return {
      name,
      minimumSiteRole: min === undefined || min === '' ? undefined : siteRole(min),
      grantLicenseMode: mode as SimGroup['grantLicenseMode'],
    };
  };

  route('POST', 'groups', 'create groups', (site, request) => {
    const f = groupFields(site, element(request, 'group'));
    if (!f.name) throw malformed("The group needs a 'name'.");
    const group = site.addGroup({
      name: f.name,
      ...(f.minimumSiteRole ? { minimumSiteRole: f.minimumSiteRole, grantLicenseMode: f.grantLicenseMode ?? 'onLogin' } : {}),
    });
    return { status: 201, body: { group: groupJson(group) }, key: `group:${f.name.toLowerCase()}` };
  });

  route('PUT', 'groups/:id', 'update groups', (site, request) => {
    const group = findGroup(site, idOf(request));
    const el = element(request, 'group');
    const f = groupFields(site, el, group);
    if (f.name) group.name = f.name;
    if ('minimumSiteRole' in el) {
      group.minimumSiteRole = f.minimumSiteRole;
      group.grantLicenseMode = f.minimumSiteRole ? (f.grantLicenseMode ?? 'onLogin') : undefined;
    }
    site.touch();
    return { status: 200, body: { group: groupJson(group) }, key: `group:${group.id}:update` };
  });

  route('DELETE', 'groups/:id', 'delete groups', (site, request) => {
    const group = findGroup(site, idOf(request));
    // Every site has the All Users group; it cannot be deleted (Tableau help, "Add Users to Groups": https://help.tableau.com/current/online/en-us/groups_create.htm).
    if (group.name === 'All Users') throw errors.badRequest("The 'All Users' group cannot be deleted.");
    site.groups.delete(group.id);
    return { status: 204, key: `group:${group.id}:delete` };
  });

  route('POST', 'groups/:id/users', 'add users to groups', (site, request) => {
    const group = findGroup(site, idOf(request));
    const userId = text(element(request, 'user'), 'id');
    if (!userId) throw malformed("The user needs an 'id'.");
    const user = findUser(site, userId);
    if (group.userIds.includes(user.id)) throw errors.memberConflict();
    group.userIds.push(user.id);
    site.touch();
    // group_add_user.xml: the added user.
    return {
      status: 200,
      body: { user: { id: user.id, name: user.name, siteRole: user.siteRole, externalAuthUserId: '' } },
      key: `member:${group.id}:${user.id}`,
    };
  });

  route('DELETE', 'groups/:id/users/:userId', 'remove users from groups', (site, request) => {
    const group = findGroup(site, idOf(request));
    const user = findUser(site, idOf(request, 'userId'));
    if (!group.userIds.includes(user.id)) throw errors.notFound('user', user.id);
    group.userIds = group.userIds.filter((id) => id !== user.id);
    site.touch();
    return { status: 204, key: `member:${group.id}:${user.id}:delete` };
  });

  // ---- projects ----------------------------------------------------------------------------------

  const checkName = (site: SiteContent, name: string, parentId: string | undefined, self?: SimProject) => {
    const clash = [...site.projects.values()].some(
      (p) => p !== self && (p.parentProjectId ?? '') === (parentId ?? '') && same(p.name, name),
    );
    if (clash) throw errors.projectConflict(name);
  };

  route('POST', 'projects', 'create projects', (site, request, session) => {
    const el = element(request, 'project');
    const name = text(el, 'name')?.trim();
    if (!name) throw malformed("The project needs a 'name'.");
    const parentId = text(el, 'parentProjectId') || undefined;
    if (parentId) findProject(site, parentId);
    checkName(site, name, parentId);
    const now = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const project = site.addProject({
      id: newId(),
      name,
      description: text(el, 'description') ?? '',
      parentProjectId: parentId,
      ownerId: session.userId,
      createdAt: now,
      updatedAt: now,
    });
    return { status: 201, body: { project: projectJson(project) }, key: `project:${parentId ?? ''}:${name.toLowerCase()}` };
  });

  route('PUT', 'projects/:id', 'update projects', (site, request) => {
    const project = findProject(site, idOf(request));
    const el = element(request, 'project');
    const name = text(el, 'name')?.trim() || project.name;
    const parentText = text(el, 'parentProjectId');
    const parentId = parentText === undefined ? project.parentProjectId : parentText || undefined;
    if (parentId) {
      findProject(site, parentId);
      for (
        let p: SimProject | undefined = site.projects.get(parentId);
        p;
        p = p.parentProjectId ? site.projects.get(p.parentProjectId) : undefined
      ) {
        if (p.id === project.id) throw malformed('A project cannot be moved under itself or one of its sub-projects.');
      }
    }
    checkName(site, name, parentId, project);
    project.name = name;
    project.parentProjectId = parentId;
    const description = text(el, 'description');
    if (description !== undefined) project.description = description;
    project.updatedAt = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    site.touch();
    return { status: 200, body: { project: projectJson(project) }, key: `project:${project.id}:update` };
  });

  route('DELETE', 'projects/:id', 'delete projects', (site, request) => {
    const project = findProject(site, idOf(request));
    // "Deletes the specified project on a specific site. When a project is deleted, all of its assets are also deleted" (Delete Project).
    const doomed = new Set([project.id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of site.projects.values()) {
        if (p.parentProjectId && doomed.has(p.parentProjectId) && !doomed.has(p.id)) {
          doomed.add(p.id);
          grew = true;
        }
      }
    }
    for (const wb of [...site.workbooks.values()]) if (doomed.has(wb.projectId)) site.removeWorkbook(wb.id);
    for (const ds of [...site.datasources.values()]) if (doomed.has(ds.projectId)) site.removeDatasource(ds.id);
    for (const id of doomed) site.projects.delete(id);
    return { status: 204, key: `project:${project.id}:delete` };
  });
}
