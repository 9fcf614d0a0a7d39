import type { Mutation } from './faults.js';
import type { SiteContent } from './state/site.js';

let counter = 0;

/**
 * Content changes between page requests (offset paging is not snapshot-safe, docs/tableau-rest.md#paging): removes the
 * first `remove` items of the list — shifting every later item one page position forward — and appends
 * `add` new ones, so totalAvailable moves too.
 */
export function applyMutation(site: SiteContent, plural: string, m: Mutation): void {
  const firstProject = site.projects.keys().next().value as string | undefined;
  const take = <T>(it: Iterable<T>, n: number) => [...it].slice(0, n);
  switch (plural) {
    case 'workbooks':
    case 'views':
      for (const wb of take(site.workbooks.values(), m.remove)) site.removeWorkbook(wb.id);
      for (let i = 0; i < m.add && firstProject; i++) {
        const n = ++counter;
        site.addWorkbook({
          name: `Added Workbook ${n}`,
          contentUrl: `AddedWorkbook${n}`,
          projectId: firstProject,
          views: [{ name: `Added View ${n}` }],
        });
      }
      break;
    case 'datasources':
      for (const ds of take(site.datasources.values(), m.remove)) site.removeDatasource(ds.id);
      for (let i = 0; i < m.add && firstProject; i++)
        site.addDatasource({ name: `Added Data Source ${++counter}`, projectId: firstProject });
      break;
    case 'projects': {
      const used = new Set<string>();
      for (const p of site.projects.values()) if (p.parentProjectId) used.add(p.parentProjectId);
      for (const w of site.workbooks.values()) used.add(w.projectId);
      for (const d of site.datasources.values()) used.add(d.projectId);
      const removable = [...site.projects.values()].filter((p) => !used.has(p.id)).slice(0, m.remove);
      for (const p of removable) site.projects.delete(p.id);
      for (let i = 0; i < m.add; i++) site.addProject({ name: `Added Project ${++counter}` });
      break;
    }
    case 'users':
      for (const u of take(site.users.values(), m.remove)) site.users.delete(u.id);
      for (let i = 0; i < m.add; i++) site.addUser({ name: `added.user${++counter}` });
      break;
    case 'groups':
      for (const g of take(site.groups.values(), m.remove)) site.groups.delete(g.id);
      for (let i = 0; i < m.add; i++) site.addGroup({ name: `Added Group ${++counter}` });
      break;
    default:
      break; // other lists are not mutated
  }
}
