/**
 * Tableau REST items (server/tableau/schemas) → the add-in's browse DTOs (common/api.ts).
 * Pure functions: only what the pane shows, optional fields left out when Tableau omits them.
 */
import type { DatasourceItem, ProjectItem, SearchItem, SheetType, ViewItem, WorkbookItem } from '../../common/api.js';
import type { Datasource } from '../tableau/schemas/datasource.js';
import type { Project } from '../tableau/schemas/project.js';
import type { SearchHit } from '../tableau/schemas/search.js';
import type { View } from '../tableau/schemas/view.js';
import type { Workbook } from '../tableau/schemas/workbook.js';

/** Drop undefined values so JSON answers stay small and `toEqual` in tests stays exact. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function toProjectItem(p: Project): ProjectItem {
  return compact({ id: p.id, name: p.name, parentProjectId: p.parentProjectId || undefined, description: p.description || undefined });
}

export function toWorkbookItem(w: Workbook): WorkbookItem {
  return compact({
    id: w.id,
    name: w.name,
    contentUrl: w.contentUrl ?? '',
    projectId: w.project?.id,
    projectName: w.project?.name,
    ownerName: w.owner?.name,
    updatedAt: w.updatedAt,
  });
}

/** REST says 'view' for a worksheet (view_get_usage.xml); the pane says 'sheet'. */
export function toSheetType(t: string | undefined): SheetType {
  return t === 'dashboard' || t === 'story' ? t : 'sheet';
}

export function toViewItem(v: View, workbook?: { id: string; name?: string }): ViewItem {
  return compact({
    id: v.id,
    name: v.name,
    contentUrl: v.contentUrl ?? '',
    sheetType: toSheetType(v.sheetType),
    workbookId: v.workbook?.id ?? workbook?.id ?? '',
    workbookName: v.workbook?.name ?? workbook?.name,
    totalViewCount: v.usage?.totalViewCount,
  });
}

export function toDatasourceItem(d: Datasource): DatasourceItem {
  return compact({
    id: d.id,
    name: d.name,
    contentUrl: d.contentUrl,
    projectId: d.project?.id,
    projectName: d.project?.name,
    type: d.type,
    hasExtracts: d.hasExtracts,
    isCertified: d.isCertified,
    updatedAt: d.updatedAt,
  });
}

export function toSearchItem(h: SearchHit): SearchItem {
  return compact({ type: h.type, id: h.id, title: h.title, projectName: h.projectName, ownerName: h.ownerName });
}

/** Page<T> bookkeeping: `nextPage` is null on the last page. */
export function pageOf<T>(items: T[], page: number, pageSize: number, total: number) {
  return { items, page, pageSize, total, nextPage: page * pageSize < total ? page + 1 : null };
}
