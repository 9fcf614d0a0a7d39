/**
 * Browsing a site: the project tree, workbooks / data sources page by page, a workbook's views,
 * search, and a data source's VDS metadata.
 */
import type { DatasourceMetadata, Page, ProjectItem } from '../../../common/api.js';
import type { Project } from '../../tableau/index.js';
import type { RouteModule } from '../app.js';
import { notFound, parseInput } from '../errors.js';
import { pageOf, toDatasourceItem, toProjectItem, toSearchItem, toViewItem, toWorkbookItem } from '../mappers.js';
import { datasourceParams, pagedQuery, searchQuery, workbookParams } from '../schemas.js';
import type { Tableau } from '../tableau.js';
import { clientOf } from './connections.js';

/** Search results per page in the pane. */
export const SEARCH_PAGE_SIZE = 20;
/** The project list backs the tree and project scoping; a short memo spares re-listing per click. */
const PROJECTS_TTL_MS = 30_000;
const projectMemo = new WeakMap<Tableau, { at: number; projects: Promise<Project[]> }>();

function allProjects(client: Tableau): Promise<Project[]> {
  const memo = projectMemo.get(client);
  if (memo && Date.now() - memo.at < PROJECTS_TTL_MS) return memo.projects;
  const projects = client.listAll('projects');
  projectMemo.set(client, { at: Date.now(), projects });
  projects.catch(() => projectMemo.delete(client));
  return projects;
}

/**
 * One page of workbooks or data sources, optionally within a project. REST cannot filter these by
 * project id, only by `projectName` (docs/tableau-rest.md#filter-and-sort), and names repeat across nested
 * projects and may hold "," or "&", which no filter can express: so we narrow by name when we can,
 * keep only items whose project id matches, and page that list ourselves.
 */
async function pageInProject<R extends 'workbooks' | 'datasources'>(
  client: Tableau,
  resource: R,
  q: { projectId?: string; page: number; pageSize: number },
) {
  if (!q.projectId) {
    const p = await client.listPage(resource, { pageNumber: q.page, pageSize: q.pageSize });
    return { items: p.items, total: p.totalAvailable };
  }
  const project = (await allProjects(client)).find((p) => p.id === q.projectId);
  if (!project) throw notFound('No such project on this site (it may have been deleted or moved).');
  const filter = /[,&]/.test(project.name) ? undefined : `projectName:eq:${project.name}`;
  const all = (await client.listAll(resource, { filter })).filter((item) => item.project?.id === q.projectId);
  const start = (q.page - 1) * q.pageSize;
  return { items: all.slice(start, start + q.pageSize), total: all.length };
}

export const browseRoutes: RouteModule = (app, ctx) => {
  app.get('/connections/:cid/projects', async (request) => {
    const { client } = await clientOf(ctx, request);
    const projects: ProjectItem[] = (await allProjects(client)).map(toProjectItem);
    return { projects };
  });

  app.get('/connections/:cid/workbooks', async (request) => {
    const q = parseInput(pagedQuery, request.query, 'query');
    const { client } = await clientOf(ctx, request);
    const { items, total } = await pageInProject(client, 'workbooks', q);
    return pageOf(items.map(toWorkbookItem), q.page, q.pageSize, total);
  });

  app.get('/connections/:cid/workbooks/:wid/views', async (request) => {
    const { wid } = parseInput(workbookParams, request.params, 'workbook id');
    const { client } = await clientOf(ctx, request);
    const views = await client.listWorkbookViews(wid, { usage: true });
    return { views: views.map((v) => toViewItem(v, { id: wid })) };
  });

  app.get('/connections/:cid/datasources', async (request) => {
    const q = parseInput(pagedQuery, request.query, 'query');
    const { client } = await clientOf(ctx, request);
    const { items, total } = await pageInProject(client, 'datasources', q);
    return pageOf(items.map(toDatasourceItem), q.page, q.pageSize, total);
  });

  app.get('/connections/:cid/search', async (request): Promise<Page<ReturnType<typeof toSearchItem>>> => {
    const q = parseInput(searchQuery, request.query, 'query');
    const { client } = await clientOf(ctx, request);
    // Our pages are 1-based like the rest of the API; Tableau's search pages are 0-based (tableau-mcp).
    const r = await client.search(q.q, { page: q.page - 1, limit: SEARCH_PAGE_SIZE });
    return pageOf(r.items.map(toSearchItem), q.page, SEARCH_PAGE_SIZE, r.total);
  });

  app.get('/connections/:cid/datasources/:dsid/metadata', async (request): Promise<DatasourceMetadata> => {
    const { dsid } = parseInput(datasourceParams, request.params, 'data source id');
    const { client } = await clientOf(ctx, request);
    const m = await client.vdsReadMetadata(dsid);
    return { fields: m.fields, parameters: m.parameters, capabilities: m.capabilities };
  });
};
