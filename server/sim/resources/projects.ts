import type { SimCustomView, SimProject } from '../state/model.js';
import type { SiteContent } from '../state/site.js';
import type { Json, ResourceDef, SerializeCtx } from './common.js';
import { cached, fieldsConfig, ownerFields, ownerFull, str, withoutUndefined } from './common.js';

interface Counts {
  projectCount: number;
  workbookCount: number;
  viewCount: number;
  datasourceCount: number;
}

/** contentsCounts for every project, computed once per request (a 10k-workbook site pages fast). */
function contentsCounts(ctx: SerializeCtx): Map<string, Counts> {
  return cached(ctx, 'contentsCounts', () => {
    const m = new Map<string, Counts>();
    const of = (id: string | undefined) => {
      if (!id) return undefined;
      let c = m.get(id);
      if (!c) m.set(id, (c = { projectCount: 0, workbookCount: 0, viewCount: 0, datasourceCount: 0 }));
      return c;
    };
    for (const p of ctx.site.projects.values()) {
      of(p.id);
      const parent = of(p.parentProjectId);
      if (parent) parent.projectCount++;
    }
    for (const wb of ctx.site.workbooks.values()) {
      const c = of(wb.projectId)!;
      c.workbookCount++;
      c.viewCount += wb.viewIds.length;
    }
    for (const ds of ctx.site.datasources.values()) of(ds.projectId)!.datasourceCount++;
    return m;
  });
}

/** project_get.xml (default) and project_get_all_fields.xml (`_all_`, schema 3.25). */
function projectFull(p: SimProject, ctx: SerializeCtx): Json {
  const c = contentsCounts(ctx).get(p.id);
  const out = withoutUndefined({
    id: p.id,
    name: p.name,
    description: p.description,
    parentProjectId: p.parentProjectId,
    topLevelProject: str(!p.parentProjectId),
    writeable: 'true',
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    contentPermissions: p.contentPermissions,
    owner: ownerFull(ctx.site.users.get(p.ownerId), p.ownerId),
    contentsCounts: {
      projectCount: str(c?.projectCount ?? 0),
      workbookCount: str(c?.workbookCount ?? 0),
      viewCount: str(c?.viewCount ?? 0),
      datasourceCount: str(c?.datasourceCount ?? 0),
    },
  });
  out.description = p.description; // sent even when empty (project_get.xml: description="")
  return out;
}

export const projects: ResourceDef<SimProject> = {
  plural: 'projects',
  singular: 'project',
  items: (site) => site.projects.values(),
  fields: (site: SiteContent) => ({
    name: { type: 'string', get: (p) => p.name },
    createdAt: { type: 'date', get: (p) => p.createdAt },
    updatedAt: { type: 'date', get: (p) => p.updatedAt },
    parentProjectId: { type: 'string', get: (p) => p.parentProjectId, ops: ['eq', 'in'] },
    topLevelProject: { type: 'boolean', get: (p) => !p.parentProjectId },
    ...ownerFields<SimProject>(site),
  }),
  full: projectFull,
  select: fieldsConfig(
    'id,name,description,parentProjectId,createdAt,updatedAt,contentPermissions,owner.id',
    'id,name,description,parentProjectId,topLevelProject,writeable,createdAt,updatedAt,contentPermissions,owner,contentsCounts',
  ),
};

function customViewFull(cv: SimCustomView, ctx: SerializeCtx): Json {
  const view = ctx.site.views.get(cv.viewId);
  const wb = view ? ctx.site.workbooks.get(view.workbookId) : undefined;
  const owner = ctx.site.users.get(cv.ownerId);
  return {
    id: cv.id,
    name: cv.name,
    createdAt: cv.createdAt,
    updatedAt: cv.updatedAt,
    lastAccessedAt: cv.lastAccessedAt,
    shared: str(cv.shared),
    view: { id: cv.viewId, name: view?.name ?? '' },
    workbook: { id: wb?.id ?? '', name: wb?.name ?? '' },
    owner: { id: cv.ownerId, name: owner?.name ?? '' },
  };
}

export const customViews: ResourceDef<SimCustomView> = {
  plural: 'customViews',
  singular: 'customView',
  items: (site) => site.customViews.values(),
  fields: (site: SiteContent) => ({
    id: { type: 'string', get: (c) => c.id },
    name: { type: 'string', get: (c) => c.name },
    createdAt: { type: 'date', get: (c) => c.createdAt },
    updatedAt: { type: 'date', get: (c) => c.updatedAt },
    ownerId: { type: 'string', get: (c) => c.ownerId },
    shared: { type: 'boolean', get: (c) => c.shared },
    viewId: { type: 'string', get: (c) => c.viewId },
    workbookId: { type: 'string', get: (c) => site.views.get(c.viewId)?.workbookId },
  }),
  full: customViewFull,
  select: fieldsConfig(
    'id,name,createdAt,updatedAt,lastAccessedAt,shared,view,workbook,owner',
    'id,name,createdAt,updatedAt,lastAccessedAt,shared,view,workbook,owner',
  ),
};
