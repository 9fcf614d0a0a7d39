/** A small site as the planner sees it (server/publish/site.ts), and tables over it. */
import { guessColumns, type PublishCell, type PublishKind, type PublishTable } from '../../../common/publish.js';
import type { SiteSnapshot } from '../../../server/publish/site.js';

export function smallSite(): SiteSnapshot {
  return {
    me: 'u-admin',
    users: [
      { id: 'u-admin', name: 'admin', siteRole: 'SiteAdministratorCreator' },
      { id: 'u-sam', name: 'sam', siteRole: 'Viewer', authSetting: 'ServerDefault', fullName: 'Sam', email: 'sam@example.com' },
      { id: 'u-root', name: 'root', siteRole: 'ServerAdministrator' },
    ],
    groups: [
      { id: 'g-all', name: 'All Users', local: true },
      { id: 'g-ops', name: 'Ops', local: true },
    ],
    members: new Map([['g-ops', new Set(['u-sam'])]]),
    projects: [
      { id: 'p-top', name: 'Top', description: '' },
      { id: 'p-child', name: 'Child', parentProjectId: 'p-top', description: 'Kid', ownerId: 'u-sam' },
    ],
  };
}

export function table(kind: PublishKind, headers: string[], rows: PublishCell[][]): PublishTable {
  return { kind, headers, columns: guessColumns(headers, kind), rows: rows.map((cells, index) => ({ index, cells })) };
}
