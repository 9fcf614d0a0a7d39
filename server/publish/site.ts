/**
 * What the planner compares a table with: the site's users, groups (with the members of the groups a
 * table names) and projects, as plain data read through the Tableau client's paged lists
 * (server/services/publish.ts readSite). Names match ignoring case, as the simulator models Tableau
 * (server/sim/routes/provisioning.ts).
 */
export interface SiteUser {
  id: string;
  name: string;
  siteRole: string;
  authSetting?: string;
  fullName?: string;
  email?: string;
}

export interface SiteGroup {
  id: string;
  name: string;
  /** Local groups are managed on the site; imported ones (Active Directory) by their directory. */
  local: boolean;
  minimumSiteRole?: string;
}

export interface SiteProject {
  id: string;
  name: string;
  parentProjectId?: string;
  description: string;
  ownerId?: string;
}

export interface SiteSnapshot {
  /** The signed-in user's id: a table may not remove or demote its own author. */
  me: string;
  users: SiteUser[];
  groups: SiteGroup[];
  /** Members (user ids) of the groups the table names, by group id. */
  members: Map<string, Set<string>>;
  projects: SiteProject[];
}

/** Case-insensitive, trimmed: how names are matched between a table and a site. */
export const nameKey = (name: string): string => name.trim().toLowerCase();

/** Every site has this group; every user is in it (Tableau help, "Manage Groups": https://help.tableau.com/current/online/en-us/groups.htm). */
export const ALL_USERS_GROUP = 'All Users';

/** The names a table may name, for the members reads: groups by id. */
export function groupsByName(site: SiteSnapshot): Map<string, SiteGroup> {
  return new Map(site.groups.map((g) => [nameKey(g.name), g]));
}

export function usersByName(site: SiteSnapshot): Map<string, SiteUser> {
  return new Map(site.users.map((u) => [nameKey(u.name), u]));
}
