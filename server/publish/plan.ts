/**
 * The dry run: a table (common/publish.ts) compared with the site → a plan per row and the steps the
 * apply runs. Pure: the site comes in as data (site.ts), nothing is read or sent here.
 */
import type { PublishTable } from '../../common/publish.js';
import { PlanBuilder, type Planned } from './builder.js';
import { planGroups, planMemberships, planRemoveUsers, planUsers } from './plan-people.js';
import { planProjects } from './plan-projects.js';
import type { SiteSnapshot } from './site.js';
import { readTable } from './table.js';

export type { Planned } from './builder.js';

export function planTable(table: PublishTable, site: SiteSnapshot, now: Date = new Date()): Planned {
  const rows = readTable(table);
  const b = new PlanBuilder();
  switch (table.kind) {
    case 'users':
      planUsers(rows, site, b);
      break;
    case 'remove-users-from-site':
      planRemoveUsers(rows, site, b);
      break;
    case 'groups':
      planGroups(rows, site, b);
      break;
    case 'group-memberships':
      planMemberships(rows, site, b, 'add');
      break;
    case 'remove-users-from-group':
      planMemberships(rows, site, b, 'remove');
      break;
    case 'projects':
      planProjects(rows, site, b);
      break;
  }
  return b.finish(table.kind, now);
}

/** The group names a table names, for reading their members before planning. */
export function groupNamesOf(table: PublishTable): string[] {
  const header = table.columns.groupName;
  const at = header === undefined ? -1 : table.headers.indexOf(header);
  if (at < 0) return [];
  return [
    ...new Set(
      table.rows
        .map((r) => r.cells[at])
        .filter((c): c is string => typeof c === 'string' && c.trim() !== '')
        .map((c) => c.trim()),
    ),
  ];
}
