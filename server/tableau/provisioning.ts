/**
 * Writing users, groups, group memberships and projects (site administrators; docs/publish.md):
 *  - Users and Groups Methods, https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_users_and_groups.htm
 *  - Projects Methods, https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_projects.htm
 * Request bodies are TSC's (request_factory.py UserRequest / GroupRequest / ProjectRequest) as JSON.
 * Every call is sent as a `write` (http.ts): a 429 is waited out and retried, anything after which
 * Tableau may have acted (a 5xx, a connection lost mid-call) is not, so the caller can read the site
 * to learn whether it happened instead of doing it twice.
 */
import { z } from 'zod';

import type { AuthedTransport } from './authed.js';
import { TableauError } from './errors.js';
import { type Group, groupSchema } from './schemas/group.js';
import { type Project, projectSchema } from './schemas/project.js';
import { updatedUserSchema, type User, userSchema } from './schemas/user.js';

export interface NewUser {
  name: string;
  siteRole: string;
  authSetting?: string;
}

/** Update User: only the attributes given change. */
export interface UserChanges {
  siteRole?: string;
  authSetting?: string;
  fullName?: string;
  email?: string;
}

export interface GroupFields {
  name: string;
  /** A local group's minimum site role (granted on sign-in); absent = none. */
  minimumSiteRole?: string;
}

export interface ProjectFields {
  name: string;
  description?: string;
  /** Absent = a top-level project. */
  parentProjectId?: string;
}

const userAnswer = z.object({ user: userSchema });
const updatedUserAnswer = z.object({ user: updatedUserSchema });
const groupAnswer = z.object({ group: groupSchema });
const projectAnswer = z.object({ project: projectSchema });

function idPart(id: string, what: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id))
    throw new TableauError({ code: 'invalid-input', message: `"${id.slice(0, 80)}" is not a valid ${what} id.` });
  return encodeURIComponent(id);
}

/** Writes of one site: `siteUrl` is `{server}/api/{version}/sites/{siteId}`, read when a call is made (a re-sign-in may move it). */
export class SiteWriter {
  constructor(
    private readonly t: AuthedTransport,
    private readonly siteUrl: () => string,
  ) {}

  private async call<S extends z.ZodType>(method: 'POST' | 'PUT', path: string, data: unknown, schema: S): Promise<z.infer<S>> {
    return this.t.json({ method, url: `${this.siteUrl()}/${path}`, data, write: true }, schema);
  }

  private async remove(path: string, query?: string): Promise<void> {
    await this.t.send({ method: 'DELETE', url: `${this.siteUrl()}/${path}`, query, write: true });
  }

  /** Add User to Site → 201 and the user (user_add.xml). */
  async addUser(u: NewUser): Promise<User> {
    const user = { name: u.name, siteRole: u.siteRole, ...(u.authSetting ? { authSetting: u.authSetting } : {}) };
    return (await this.call('POST', 'users', { user }, userAnswer)).user;
  }

  /** Update User (user_update.xml answers without the id). */
  async updateUser(id: string, changes: UserChanges): Promise<Omit<User, 'id'>> {
    return (await this.call('PUT', `users/${idPart(id, 'user')}`, { user: changes }, updatedUserAnswer)).user;
  }

  /** Remove User from Site → 204; a user who owns content stays (Unlicensed) unless `mapAssetsTo` names an heir. */
  async removeUser(id: string, o: { mapAssetsTo?: string } = {}): Promise<void> {
    const query = o.mapAssetsTo ? `mapAssetsTo=${idPart(o.mapAssetsTo, 'user')}` : undefined;
    await this.remove(`users/${idPart(id, 'user')}`, query);
  }

  /** Create Group (a local group; GroupRequest.create_local_req) → 201 (group_create.xml). */
  async createGroup(g: GroupFields): Promise<Group> {
    const group = { name: g.name, ...(g.minimumSiteRole ? { minimumSiteRole: g.minimumSiteRole } : {}) };
    return (await this.call('POST', 'groups', { group }, groupAnswer)).group;
  }

  /** Update Group (a local group: name and minimumSiteRole on the group element; GroupRequest.update_req). */
  async updateGroup(id: string, g: GroupFields): Promise<Group> {
    const group = { name: g.name, ...(g.minimumSiteRole ? { minimumSiteRole: g.minimumSiteRole } : {}) };
    return (await this.call('PUT', `groups/${idPart(id, 'group')}`, { group }, groupAnswer)).group;
  }

  async deleteGroup(id: string): Promise<void> {
    await this.remove(`groups/${idPart(id, 'group')}`);
  }

  /** Add User to Group → the user (group_add_user.xml). */
  async addUserToGroup(groupId: string, userId: string): Promise<User> {
    return (await this.call('POST', `groups/${idPart(groupId, 'group')}/users`, { user: { id: userId } }, userAnswer)).user;
  }

  async removeUserFromGroup(groupId: string, userId: string): Promise<void> {
    await this.remove(`groups/${idPart(groupId, 'group')}/users/${idPart(userId, 'user')}`);
  }

  /** Create Project → 201 (project_create.xml). */
  async createProject(p: ProjectFields): Promise<Project> {
    const project = {
      name: p.name,
      ...(p.description ? { description: p.description } : {}),
      ...(p.parentProjectId ? { parentProjectId: p.parentProjectId } : {}),
    };
    return (await this.call('POST', 'projects', { project }, projectAnswer)).project;
  }

  /** Update Project (project_update.xml); an empty parentProjectId moves it to the top level. */
  async updateProject(id: string, p: Partial<ProjectFields>): Promise<Project> {
    return (await this.call('PUT', `projects/${idPart(id, 'project')}`, { project: p }, projectAnswer)).project;
  }

  /** Delete Project: its content and sub-projects go with it. */
  async deleteProject(id: string): Promise<void> {
    await this.remove(`projects/${idPart(id, 'project')}`);
  }
}
