import { seqId } from '../state/ids.js';
import type { SheetType } from '../state/model.js';
import type { SiteContent } from '../state/site.js';
import { VIEW_DATA_KEYS } from './demo.js';

const SHEETS: readonly SheetType[] = ['view', 'view', 'view', 'dashboard'];

/**
 * Adds `count` generated workbooks (4 views each: 3 sheets and a dashboard, data keys cycling through the
 * catalog's view keys) in 100 projects under "Generated". Sequential ids and no hashing: 10k workbooks
 * build in well under a second.
 */
export function addLargeContent(site: SiteContent, count: number): void {
  if (!Number.isInteger(count) || count < 0) throw new Error(`largeWorkbooks must be a non-negative integer, got ${count}`);
  if (count === 0) return;
  const root = site.addProject({ id: seqId(0x9e000001, 0), name: 'Generated', description: 'Generated content for scale tests.' });
  const projectCount = Math.min(100, Math.max(1, Math.ceil(count / 100)));
  const projects: string[] = [];
  for (let p = 0; p < projectCount; p++) {
    projects.push(
      site.addProject({ id: seqId(0x9e000001, p + 1), name: `Generated ${String(p + 1).padStart(3, '0')}`, parentProjectId: root.id }).id,
    );
  }
  const owners = [...site.users.keys()];
  const base = Date.UTC(2024, 0, 1);
  let viewN = 0;
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(5, '0');
    const created = new Date(base + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    site.addWorkbook({
      id: seqId(0x9e000002, i),
      name: `Workbook ${n}`,
      contentUrl: `Workbook${n}`,
      projectId: projects[i % projectCount],
      ownerId: owners[i % owners.length],
      createdAt: created,
      updatedAt: created,
      size: 1 + (i % 50),
      tags: i % 10 === 0 ? ['generated', 'tenth'] : [],
      views: SHEETS.map((sheetType, k) => ({
        id: seqId(0x9e000003, viewN++),
        name: `${sheetType === 'dashboard' ? 'Dashboard' : 'Sheet'} ${k + 1}`,
        sheetType,
        dataKey: VIEW_DATA_KEYS[(i + k) % VIEW_DATA_KEYS.length],
        totalViewCount: (i * 7 + k) % 1000,
      })),
    });
  }
}
