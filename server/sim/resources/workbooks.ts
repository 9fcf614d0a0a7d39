import type { SimView, SimWorkbook } from '../state/model.js';
import type { SiteContent } from '../state/site.js';
import type { Json, ResourceDef, SerializeCtx } from './common.js';
import { fieldsConfig, ownerFields, ownerFull, str, tagsJson, withoutUndefined } from './common.js';

/** Workbook attributes as workbook_get.xml (default) and workbook_get_all_fields.xml (`_all_`) show them. */
function workbookFull(wb: SimWorkbook, ctx: SerializeCtx): Json {
  const project = ctx.site.projects.get(wb.projectId);
  // Built key by key rather than through withoutUndefined: this runs for every item of every page.
  const out: Json = { id: wb.id };
  if (wb.name) out.name = wb.name;
  if (wb.description) out.description = wb.description;
  if (wb.contentUrl) out.contentUrl = wb.contentUrl;
  out.webpageUrl = webpageUrl(ctx, 'workbooks', wb.id);
  out.showTabs = str(wb.showTabs);
  out.size = str(wb.size);
  if (wb.createdAt) out.createdAt = wb.createdAt;
  if (wb.updatedAt) out.updatedAt = wb.updatedAt;
  out.sheetCount = str(wb.viewIds.length);
  out.hasExtracts = str(wb.hasExtracts);
  out.encryptExtracts = 'false';
  if (wb.viewIds[0]) out.defaultViewId = wb.viewIds[0];
  if (wb.name) out.shareDescription = wb.name;
  if (wb.updatedAt) out.lastPublishedAt = wb.updatedAt;
  out.project = withoutUndefined({ id: wb.projectId, name: project?.name, description: project?.description });
  out.location = { id: wb.projectId, type: 'Project', name: project?.name ?? '' };
  out.owner = ownerFull(ctx.site.users.get(wb.ownerId), wb.ownerId);
  out.tags = tagsJson(wb.tags);
  out.dataAccelerationConfig = {};
  return out;
}

export function webpageUrl(ctx: SerializeCtx, kind: string, id: string): string {
  const site = ctx.site.site.contentUrl ? `/site/${ctx.site.site.contentUrl}` : '';
  return `${ctx.baseUrl}/#${site}/${kind}/${id}`;
}

export const workbooks: ResourceDef<SimWorkbook> = {
  plural: 'workbooks',
  singular: 'workbook',
  items: (site) => site.workbooks.values(),
  fields: (site: SiteContent) => ({
    name: { type: 'string', get: (w) => w.name },
    contentUrl: { type: 'string', get: (w) => w.contentUrl },
    createdAt: { type: 'date', get: (w) => w.createdAt },
    updatedAt: { type: 'date', get: (w) => w.updatedAt },
    displayTabs: { type: 'boolean', get: (w) => w.showTabs },
    favoritesTotal: { type: 'number', get: () => 0 },
    hasAlerts: { type: 'boolean', get: () => false },
    hasExtracts: { type: 'boolean', get: (w) => w.hasExtracts },
    projectName: { type: 'string', get: (w) => site.projects.get(w.projectId)?.name },
    sheetCount: { type: 'number', get: (w) => w.viewIds.length },
    size: { type: 'number', get: (w) => w.size },
    subscriptionTotal: { type: 'number', get: () => 0 },
    tags: { type: 'list', get: (w) => w.tags },
    ...ownerFields<SimWorkbook>(site),
  }),
  full: workbookFull,
  select: fieldsConfig(
    'id,name,description,contentUrl,webpageUrl,showTabs,size,createdAt,updatedAt,defaultViewId,project.id,project.name,owner.id,tags',
    'id,name,description,contentUrl,webpageUrl,showTabs,size,createdAt,updatedAt,sheetCount,hasExtracts,encryptExtracts,defaultViewId,shareDescription,lastPublishedAt,project,location,owner,tags,dataAccelerationConfig',
  ),
};

/** The fields every view representation opens with, in Tableau's order. */
const viewHead = (v: SimView) => ({
  id: v.id,
  name: v.name,
  contentUrl: v.contentUrl,
  createdAt: v.createdAt,
  updatedAt: v.updatedAt,
  sheetType: v.sheetType,
});

function viewFull(v: SimView, ctx: SerializeCtx): Json {
  const wb = ctx.site.workbooks.get(v.workbookId);
  const project = wb ? ctx.site.projects.get(wb.projectId) : undefined;
  return withoutUndefined({
    ...viewHead(v),
    favoritesTotal: str(v.favoritesTotal),
    viewUrlName: v.viewUrlName,
    workbook: wb
      ? {
          id: wb.id,
          name: wb.name,
          contentUrl: wb.contentUrl,
          showTabs: str(wb.showTabs),
          size: str(wb.size),
          createdAt: wb.createdAt,
          updatedAt: wb.updatedAt,
          sheetCount: str(wb.viewIds.length),
          hasExtracts: str(wb.hasExtracts),
          tags: tagsJson(wb.tags),
        }
      : { id: v.workbookId },
    owner: ownerFull(ctx.site.users.get(v.ownerId), v.ownerId),
    project: project ? withoutUndefined({ id: project.id, name: project.name, description: project.description }) : undefined,
    tags: tagsJson(v.tags),
    usage: { totalViewCount: str(v.totalViewCount) },
    location: project ? { id: project.id, type: 'Project' } : undefined,
  });
}

export const views: ResourceDef<SimView> = {
  plural: 'views',
  singular: 'view',
  items: (site) => site.views.values(),
  fields: (site: SiteContent) => {
    const wb = (v: SimView) => site.workbooks.get(v.workbookId);
    return {
      name: { type: 'string', get: (v) => v.name },
      caption: { type: 'string', get: (v) => v.name },
      title: { type: 'string', get: (v) => v.name },
      contentUrl: { type: 'string', get: (v) => v.contentUrl },
      viewUrlName: { type: 'string', get: (v) => v.viewUrlName },
      createdAt: { type: 'date', get: (v) => v.createdAt },
      updatedAt: { type: 'date', get: (v) => v.updatedAt },
      favoritesTotal: { type: 'number', get: (v) => v.favoritesTotal },
      hitsTotal: { type: 'number', get: (v) => v.totalViewCount },
      sheetType: { type: 'string', get: (v) => v.sheetType },
      sheetNumber: { type: 'number', get: (v) => (wb(v)?.viewIds.indexOf(v.id) ?? -1) + 1 },
      tags: { type: 'list', get: (v) => v.tags },
      projectName: { type: 'string', get: (v) => site.projects.get(wb(v)?.projectId ?? '')?.name },
      workbookName: { type: 'string', get: (v) => wb(v)?.name },
      workbookDescription: { type: 'string', get: (v) => wb(v)?.description },
      fields: { type: 'list', get: () => [] },
      ...ownerFields<SimView>(site),
    };
  },
  full: viewFull,
  select: fieldsConfig(
    'id,name,contentUrl,createdAt,updatedAt,sheetType,viewUrlName,workbook.id,owner.id,project.id,tags',
    'id,name,contentUrl,createdAt,updatedAt,sheetType,favoritesTotal,viewUrlName,workbook,owner,project,tags,usage,location',
  ),
  extraDefaults: (q) => (q.includeUsageStatistics === 'true' ? ['usage'] : []),
};

/** Views as nested in `GET /workbooks/{id}` and `GET /workbooks/{id}/views` (workbook_get_by_id.xml). */
export function workbookViewJson(v: SimView, includeUsage: boolean): Json {
  const out: Json = {
    ...viewHead(v),
    viewUrlName: v.viewUrlName,
    tags: tagsJson(v.tags),
  };
  if (includeUsage) out.usage = { totalViewCount: str(v.totalViewCount) };
  return out;
}
