import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { SimContext } from '../context.js';
import { errors, type NotFoundKind } from '../errors.js';
import { project } from '../fields.js';
import type { ResourceDef } from '../resources/common.js';
import { listJson } from '../resources/common.js';
import { connectionJson, datasources } from '../resources/datasources.js';
import { groups, users } from '../resources/people.js';
import { customViews, projects } from '../resources/projects.js';
import { views, workbooks, workbookViewJson } from '../resources/workbooks.js';
import type { SiteContent } from '../state/site.js';
import { defaultFields, listResponse, queryOf, requireSite, sendList, serializeCtx } from './common.js';

const S = '/api/:version/sites/:siteId';

/** Browse endpoints: lists with paging/filter/sort/fields and the per-item endpoints (docs/tableau-rest.md#endpoints-we-browse). */
export function contentRoutes(app: FastifyInstance, ctx: SimContext): void {
  const list = <T>(path: string, def: ResourceDef<T>) =>
    app.get(`${S}/${path}`, async (request, reply) => sendList(def, requireSite(ctx, request).site, request, reply));
  list('projects', projects);
  list('workbooks', workbooks);
  list('views', views);
  list('datasources', datasources);
  list('customviews', customViews);
  list('users', users);
  list('groups', groups);

  /** One item in its default field set. */
  const one = <T>(def: ResourceDef<T>, request: FastifyRequest, site: SiteContent, item: T) =>
    project(def.full(item, serializeCtx(site, request)), defaultFields(def, queryOf(request)));
  /** The session's site and the item `:id` of one of its collections, or the resource's 404. */
  const find = <T>(request: FastifyRequest, pick: (s: SiteContent) => Map<string, T>, kind: NotFoundKind) => {
    const { site } = requireSite(ctx, request);
    const id = (request.params as { id: string }).id;
    const item = pick(site).get(id);
    if (!item) throw errors.notFound(kind, id);
    return { site, item };
  };

  app.get(`${S}/workbooks/:id`, async (request) => {
    const { site, item } = find(request, (s) => s.workbooks, 'workbook');
    const wbViews = item.viewIds.map((id) => site.views.get(id)).filter((v) => v !== undefined);
    return {
      workbook: {
        ...one(workbooks, request, site, item),
        views: listJson(
          'view',
          wbViews.map((v) => workbookViewJson(v, false)),
        ),
      },
    };
  });

  // Not paged on real servers (docs/tableau-rest.md#paging); usage only with includeUsageStatistics=true.
  app.get(`${S}/workbooks/:id/views`, async (request) => {
    const { site, item } = find(request, (s) => s.workbooks, 'workbook');
    const usage = queryOf(request).includeUsageStatistics === 'true';
    const wbViews = item.viewIds.map((id) => site.views.get(id)).filter((v) => v !== undefined);
    return {
      views: listJson(
        'view',
        wbViews.map((v) => workbookViewJson(v, usage)),
      ),
    };
  });

  app.get(`${S}/workbooks/:id/connections`, async (request) => {
    const { item } = find(request, (s) => s.workbooks, 'workbook');
    return {
      connections: listJson(
        'connection',
        item.connections.map((c) => connectionJson(c, true)),
      ),
    };
  });

  app.get(`${S}/views/:id`, async (request) => {
    const { site, item } = find(request, (s) => s.views, 'view');
    return { view: one(views, request, site, item) };
  });

  app.get(`${S}/datasources/:id`, async (request) => {
    const { site, item } = find(request, (s) => s.datasources, 'datasource');
    return { datasource: one(datasources, request, site, item) };
  });

  app.get(`${S}/datasources/:id/connections`, async (request) => {
    const { item } = find(request, (s) => s.datasources, 'datasource');
    return {
      connections: listJson(
        'connection',
        item.connections.map((c) => connectionJson(c, false)),
      ),
    };
  });

  app.get(`${S}/customviews/:id`, async (request) => {
    const { site, item } = find(request, (s) => s.customViews, 'customView');
    return { customView: one(customViews, request, site, item) };
  });

  app.get(`${S}/users/:id`, async (request) => {
    const { site, item } = find(request, (s) => s.users, 'user');
    return { user: one(users, request, site, item) };
  });

  app.get(`${S}/groups/:id/users`, async (request) => {
    const { site, item } = find(request, (s) => s.groups, 'group');
    const members = item.userIds.map((id) => site.users.get(id)).filter((u) => u !== undefined);
    return listResponse(users, site, request, members);
  });
}
