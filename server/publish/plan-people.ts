/**
 * Plans for users, groups and group memberships: each row compared with the site (site.ts), an
 * error in plain words for what Tableau would refuse or what the table gets wrong, else the calls.
 * Facts and sources: docs/publish.md.
 */
import {
  parseAuthSetting,
  parseSiteRole,
  PUBLISH_FIELD_LABELS,
  type PublishField,
  type RowProblem,
  SITE_ROLES,
} from '../../common/publish.js';
import type { PlanBuilder } from './builder.js';
import { ALL_USERS_GROUP, groupsByName, nameKey, type SiteGroup, type SiteSnapshot, type SiteUser, usersByName } from './site.js';
import type { Step, UserChanges } from './steps.js';
import type { TableRow } from './table.js';

/** Tableau's names are at most 255 characters (the size of every name column in its REST schema; docs/publish.md). */
const MAX_NAME = 255;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export const missing = (field: PublishField): RowProblem => ({
  code: 'missing-value',
  field,
  message: `${PUBLISH_FIELD_LABELS[field]} is empty.`,
});

const tooLong = (field: PublishField, value: string): RowProblem | undefined =>
  value.length > MAX_NAME
    ? { code: 'invalid-value', field, message: `${PUBLISH_FIELD_LABELS[field]} is longer than ${MAX_NAME} characters.` }
    : undefined;

const invalidRole = (field: PublishField, value: string): RowProblem => ({
  code: 'invalid-role',
  field,
  message: `${PUBLISH_FIELD_LABELS[field]} "${value}" is not one of ${SITE_ROLES.join(', ')}.`,
});

const isAdminRole = (role: string) => role.startsWith('SiteAdministrator') || role.startsWith('ServerAdministrator');

/** Remembers the first row of each key; answers the duplicate problem for a later one. */
function firstRows(field: PublishField, what: (value: string) => string) {
  const seen = new Map<string, number>();
  return (index: number, key: string, value: string): RowProblem | undefined => {
    const first = seen.get(key);
    if (first !== undefined)
      return { code: 'duplicate-in-table', field, message: `${what(value)} is already in row ${first + 1}: only that row counts.` };
    seen.set(key, index);
    return undefined;
  };
}

const isMember = (site: SiteSnapshot, group: SiteGroup, user: SiteUser) => site.members.get(group.id)?.has(user.id) ?? false;

/** users: add a user (then their display name / email, then a group), or update what differs. */
export function planUsers(rows: readonly TableRow[], site: SiteSnapshot, b: PlanBuilder): void {
  const users = usersByName(site);
  const groups = groupsByName(site);
  const duplicate = firstRows('userName', (v) => `User "${v}"`);
  for (const { index, values: v } of rows) {
    if (!v.userName) {
      b.error(index, missing('userName'));
      continue;
    }
    const problem =
      duplicate(index, nameKey(v.userName), v.userName) ??
      tooLong('userName', v.userName) ??
      (v.siteRole ? undefined : missing('siteRole')) ??
      (parseSiteRole(v.siteRole) ? undefined : invalidRole('siteRole', v.siteRole)) ??
      (v.authSetting && !parseAuthSetting(v.authSetting)
        ? ({
            code: 'invalid-auth-setting',
            field: 'authSetting',
            message: `Authentication "${v.authSetting}" is not one of ServerDefault, SAML, OpenID, TableauIDWithMFA.`,
          } as RowProblem)
        : undefined) ??
      (v.email && !EMAIL.test(v.email)
        ? ({ code: 'invalid-value', field: 'email', message: `Email "${v.email}" is not an email address.` } as RowProblem)
        : undefined) ??
      (v.groupName && !groups.has(nameKey(v.groupName))
        ? ({ code: 'unknown-group', field: 'groupName', message: `There is no group "${v.groupName}" on the site.` } as RowProblem)
        : undefined);
    if (problem) {
      b.error(index, problem);
      continue;
    }
    const role = parseSiteRole(v.siteRole)!;
    const auth = v.authSetting ? parseAuthSetting(v.authSetting) : undefined;
    // Every user is in All Users already: asking for it changes nothing.
    const group = v.groupName && nameKey(v.groupName) !== nameKey(ALL_USERS_GROUP) ? groups.get(nameKey(v.groupName)) : undefined;
    const existing = users.get(nameKey(v.userName));
    if (!existing) {
      const steps: Array<Omit<Step, 'row'>> = [
        {
          phase: 0,
          op: { kind: 'addUser', name: v.userName, siteRole: role, ...(auth ? { authSetting: auth } : {}) },
          call: { method: 'POST', endpoint: 'users', description: `Add user "${v.userName}" to the site as ${role}` },
        },
      ];
      const details: UserChanges = { ...(v.fullName ? { fullName: v.fullName } : {}), ...(v.email ? { email: v.email } : {}) };
      if (details.fullName || details.email) {
        steps.push({
          phase: 0,
          op: { kind: 'updateUser', user: { row: index }, name: v.userName, changes: details },
          call: { method: 'PUT', endpoint: 'users/{new user}', description: `Set ${describeChanges(details)} of "${v.userName}"` },
        });
      }
      if (group) steps.push(memberStep(group, v.userName, { row: index }));
      b.act(index, 'create', `Add "${v.userName}" to the site as ${role}${group ? ` and to group "${group.name}"` : ''}.`, steps);
      continue;
    }
    if (existing.siteRole === 'ServerAdministrator') {
      b.error(index, {
        code: 'not-allowed',
        field: 'siteRole',
        message: `"${existing.name}" is a server administrator: their site role is set on the server, not by a site.`,
      });
      continue;
    }
    if (existing.id === site.me && !isAdminRole(role)) {
      b.error(index, {
        code: 'not-allowed',
        field: 'siteRole',
        message: `"${existing.name}" is you: a ${role} could not finish this table or undo it. Change your own role in Tableau.`,
      });
      continue;
    }
    const changes: UserChanges = {
      ...(role !== existing.siteRole ? { siteRole: role } : {}),
      ...(auth && auth !== (existing.authSetting || 'ServerDefault') ? { authSetting: auth } : {}),
      ...(v.fullName && v.fullName !== (existing.fullName ?? '') ? { fullName: v.fullName } : {}),
      ...(v.email && v.email !== (existing.email ?? '') ? { email: v.email } : {}),
    };
    const steps: Array<Omit<Step, 'row'>> = [];
    if (Object.keys(changes).length > 0) {
      steps.push({
        phase: 0,
        op: { kind: 'updateUser', user: { id: existing.id }, name: existing.name, changes },
        call: {
          method: 'PUT',
          endpoint: `users/${existing.id}`,
          description: `Change ${describeChanges(changes, existing)} of "${existing.name}"`,
        },
      });
    }
    const joins = group && !isMember(site, group, existing);
    if (joins) steps.push(memberStep(group, existing.name, { id: existing.id }));
    if (steps.length === 0) {
      b.unchanged(index, `"${existing.name}" is on the site as ${existing.siteRole}${group ? ` and in group "${group.name}"` : ''}.`);
      continue;
    }
    const parts = [
      ...(Object.keys(changes).length ? [describeChanges(changes, existing)] : []),
      ...(joins ? [`add to group "${group.name}"`] : []),
    ];
    b.act(index, 'update', `Update "${existing.name}": ${parts.join('; ')}.`, steps);
  }
}

function memberStep(group: SiteGroup, userName: string, user: { id: string } | { row: number }): Omit<Step, 'row'> {
  return {
    // After every user of the table exists (phase 1): users before group memberships.
    phase: 1,
    op: { kind: 'addMember', groupId: group.id, user, userName, groupName: group.name },
    call: { method: 'POST', endpoint: `groups/${group.id}/users`, description: `Add "${userName}" to group "${group.name}"` },
  };
}

function describeChanges(c: UserChanges, before?: SiteUser): string {
  const parts: string[] = [];
  if (c.siteRole) parts.push(before ? `site role ${before.siteRole} → ${c.siteRole}` : `site role ${c.siteRole}`);
  if (c.authSetting)
    parts.push(before ? `authentication ${before.authSetting || 'ServerDefault'} → ${c.authSetting}` : `authentication ${c.authSetting}`);
  if (c.fullName) parts.push(`display name "${c.fullName}"`);
  if (c.email) parts.push(`email ${c.email}`);
  return parts.join(', ');
}

/** remove-users-from-site: a user not on the site is already what the table asks. */
export function planRemoveUsers(rows: readonly TableRow[], site: SiteSnapshot, b: PlanBuilder): void {
  const users = usersByName(site);
  const duplicate = firstRows('userName', (v) => `User "${v}"`);
  for (const { index, values: v } of rows) {
    if (!v.userName) {
      b.error(index, missing('userName'));
      continue;
    }
    const dup = duplicate(index, nameKey(v.userName), v.userName);
    if (dup) {
      b.error(index, dup);
      continue;
    }
    const user = users.get(nameKey(v.userName));
    if (!user) {
      b.unchanged(index, `"${v.userName}" is not on the site.`);
      continue;
    }
    if (user.id === site.me) {
      b.error(index, {
        code: 'not-allowed',
        field: 'userName',
        message: `"${user.name}" is you: you cannot remove yourself from the site.`,
      });
      continue;
    }
    // Tableau keeps a user who owns content, as Unlicensed, and answers 409 (docs/publish.md#remove-user-from-site).
    const owned = site.projects.filter((p) => p.ownerId === user.id).length;
    if (owned > 0) {
      b.error(index, {
        code: 'not-allowed',
        field: 'userName',
        message: `"${user.name}" owns ${owned} project${owned === 1 ? '' : 's'}: Tableau would only make them Unlicensed. Give their content to someone else first.`,
      });
      continue;
    }
    b.act(index, 'remove', `Remove "${user.name}" (${user.siteRole}) from the site.`, [
      {
        phase: 0,
        op: { kind: 'removeUser', userId: user.id, name: user.name },
        call: { method: 'DELETE', endpoint: `users/${user.id}`, description: `Remove user "${user.name}" from the site` },
      },
    ]);
  }
}

/** groups: create a local group, or change its minimum site role (an empty cell leaves it as it is). */
export function planGroups(rows: readonly TableRow[], site: SiteSnapshot, b: PlanBuilder): void {
  const groups = groupsByName(site);
  const duplicate = firstRows('groupName', (v) => `Group "${v}"`);
  for (const { index, values: v } of rows) {
    if (!v.groupName) {
      b.error(index, missing('groupName'));
      continue;
    }
    const problem =
      duplicate(index, nameKey(v.groupName), v.groupName) ??
      tooLong('groupName', v.groupName) ??
      (v.minimumSiteRole && !parseSiteRole(v.minimumSiteRole) ? invalidRole('minimumSiteRole', v.minimumSiteRole) : undefined);
    if (problem) {
      b.error(index, problem);
      continue;
    }
    const min = v.minimumSiteRole ? parseSiteRole(v.minimumSiteRole) : undefined;
    const existing = groups.get(nameKey(v.groupName));
    if (!existing) {
      b.act(index, 'create', `Create group "${v.groupName}"${min ? ` with minimum site role ${min}` : ''}.`, [
        {
          phase: 0,
          op: { kind: 'createGroup', name: v.groupName, ...(min ? { minimumSiteRole: min } : {}) },
          call: {
            method: 'POST',
            endpoint: 'groups',
            description: `Create group "${v.groupName}"${min ? ` (minimum site role ${min})` : ''}`,
          },
        },
      ]);
      continue;
    }
    if (!min || min === existing.minimumSiteRole) {
      b.unchanged(
        index,
        `Group "${existing.name}" exists${existing.minimumSiteRole ? ` with minimum site role ${existing.minimumSiteRole}` : ''}.`,
      );
      continue;
    }
    if (!existing.local) {
      b.error(index, {
        code: 'not-allowed',
        field: 'minimumSiteRole',
        message: `Group "${existing.name}" is imported from a directory: change its minimum site role where it is synchronised.`,
      });
      continue;
    }
    b.act(index, 'update', `Change the minimum site role of "${existing.name}" from ${existing.minimumSiteRole ?? 'none'} to ${min}.`, [
      {
        phase: 0,
        op: { kind: 'updateGroup', groupId: existing.id, name: existing.name, minimumSiteRole: min },
        call: {
          method: 'PUT',
          endpoint: `groups/${existing.id}`,
          description: `Set the minimum site role of "${existing.name}" to ${min}`,
        },
      },
    ]);
  }
}

/** group-memberships (add) and remove-users-from-group (remove): both name an existing group and user. */
export function planMemberships(rows: readonly TableRow[], site: SiteSnapshot, b: PlanBuilder, mode: 'add' | 'remove'): void {
  const users = usersByName(site);
  const groups = groupsByName(site);
  const duplicate = firstRows('userName', () => 'This user and group');
  for (const { index, values: v } of rows) {
    const problem: RowProblem | undefined =
      (v.groupName ? undefined : missing('groupName')) ??
      (v.userName ? undefined : missing('userName')) ??
      duplicate(index, `${nameKey(v.groupName)}\n${nameKey(v.userName)}`, '') ??
      (groups.has(nameKey(v.groupName))
        ? undefined
        : { code: 'unknown-group', field: 'groupName', message: `There is no group "${v.groupName}" on the site.` }) ??
      (nameKey(v.groupName) === nameKey(ALL_USERS_GROUP)
        ? { code: 'not-allowed', field: 'groupName', message: `Every user of the site is in "${ALL_USERS_GROUP}": Tableau manages it.` }
        : undefined) ??
      (users.has(nameKey(v.userName))
        ? undefined
        : { code: 'unknown-user', field: 'userName', message: `There is no user "${v.userName}" on the site.` });
    if (problem) {
      b.error(index, problem);
      continue;
    }
    const group = groups.get(nameKey(v.groupName))!;
    const user = users.get(nameKey(v.userName))!;
    const member = isMember(site, group, user);
    if (mode === 'add') {
      if (member) b.unchanged(index, `"${user.name}" is in group "${group.name}".`);
      else b.act(index, 'create', `Add "${user.name}" to group "${group.name}".`, [memberStep(group, user.name, { id: user.id })]);
      continue;
    }
    if (!member) {
      b.unchanged(index, `"${user.name}" is not in group "${group.name}".`);
      continue;
    }
    b.act(index, 'remove', `Remove "${user.name}" from group "${group.name}".`, [
      {
        phase: 0,
        op: { kind: 'removeMember', groupId: group.id, userId: user.id, userName: user.name, groupName: group.name },
        call: {
          method: 'DELETE',
          endpoint: `groups/${group.id}/users/${user.id}`,
          description: `Remove "${user.name}" from group "${group.name}"`,
        },
      },
    ]);
  }
}
