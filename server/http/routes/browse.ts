/**
 * Browsing a site: the project tree, workbooks / data sources page by page, a workbook's views,
 * search, and a data source's VDS metadata (server/services/browse.ts), mapped to the API's shapes.
 */
import type { DatasourceMetadata, Page, ProjectItem } from '../../../common/api.js';
import { type FieldValues, fieldValuesQuerySchema } from '../../../common/field-values.js';
import { SEARCH_PAGE_SIZE } from '../../services/browse.js';
import { sessionOf } from '../auth.js';
import type { RouteModule } from '../context.js';
import { parseInput } from '../errors.js';
import { pageOf, toDatasourceItem, toProjectItem, toSearchItem, toViewItem, toWorkbookItem } from '../mappers.js';
import { datasourceParams, pagedQuery, searchQuery, workbookParams } from '../schemas.js';
import { connectionIdOf } from './connections.js';

export const browseRoutes: RouteModule = (app, { services: { browse } }) => {
  app.get('/connections/:cid/projects', async (request) => {
    const projects: ProjectItem[] = (await browse.projects(sessionOf(request).userId, connectionIdOf(request))).map(toProjectItem);
    return { projects };
  });

  app.get('/connections/:cid/workbooks', async (request) => {
    const q = parseInput(pagedQuery, request.query, 'query');
    const { items, total } = await browse.workbooks(sessionOf(request).userId, connectionIdOf(request), q);
    return pageOf(items.map(toWorkbookItem), q.page, q.pageSize, total);
  });

  app.get('/connections/:cid/workbooks/:wid/views', async (request) => {
    const { cid, wid } = parseInput(workbookParams, request.params, 'workbook id');
    const views = await browse.workbookViews(sessionOf(request).userId, cid, wid);
    return { views: views.map((v) => toViewItem(v, { id: wid })) };
  });

  app.get('/connections/:cid/datasources', async (request) => {
    const q = parseInput(pagedQuery, request.query, 'query');
    const { items, total } = await browse.datasources(sessionOf(request).userId, connectionIdOf(request), q);
    return pageOf(items.map(toDatasourceItem), q.page, q.pageSize, total);
  });

  app.get('/connections/:cid/search', async (request): Promise<Page<ReturnType<typeof toSearchItem>>> => {
    const q = parseInput(searchQuery, request.query, 'query');
    const r = await browse.search(sessionOf(request).userId, connectionIdOf(request), q.q, q.page);
    return pageOf(r.items.map(toSearchItem), q.page, SEARCH_PAGE_SIZE, r.total);
  });

  app.get('/connections/:cid/datasources/:dsid/metadata', async (request): Promise<DatasourceMetadata> => {
    const { cid, dsid } = parseInput(datasourceParams, request.params, 'data source id');
    return browse.datasourceMetadata(sessionOf(request).userId, cid, dsid);
  });

  app.get('/connections/:cid/datasources/:dsid/field-values', async (request): Promise<FieldValues> => {
    const { cid, dsid } = parseInput(datasourceParams, request.params, 'data source id');
    const q = parseInput(fieldValuesQuerySchema, request.query, 'query');
    return browse.fieldValues(sessionOf(request).userId, cid, dsid, q);
  });
};
