import type { SimConnection, SimDatasource } from '../state/model.js';
import type { SiteContent } from '../state/site.js';
import type { Json, ResourceDef, SerializeCtx } from './common.js';
import { cached, fieldsConfig, ownerFields, ownerFull, str, tagsJson, withoutUndefined } from './common.js';
import { webpageUrl } from './workbooks.js';

function connectedWorkbooks(ctx: SerializeCtx): Map<string, number> {
  return cached(ctx, 'connectedWorkbooks', () => {
    const counts = new Map<string, number>();
    for (const wb of ctx.site.workbooks.values()) {
      for (const c of wb.connections) if (c.datasourceId) counts.set(c.datasourceId, (counts.get(c.datasourceId) ?? 0) + 1);
    }
    return counts;
  });
}

/** Attributes as datasource_get.xml shows them, plus the XSD's connectedWorkbooksCount for `_all_`. */
function datasourceFull(ds: SimDatasource, ctx: SerializeCtx): Json {
  const project = ctx.site.projects.get(ds.projectId);
  return withoutUndefined({
    id: ds.id,
    name: ds.name,
    description: ds.description,
    contentUrl: ds.contentUrl,
    type: ds.type,
    size: str(ds.size),
    createdAt: ds.createdAt,
    updatedAt: ds.updatedAt,
    encryptExtracts: str(ds.encryptExtracts),
    hasExtracts: str(ds.hasExtracts),
    isCertified: str(ds.isCertified),
    useRemoteQueryAgent: 'false',
    webpageUrl: webpageUrl(ctx, 'datasources', ds.id),
    connectedWorkbooksCount: str(connectedWorkbooks(ctx).get(ds.id) ?? 0),
    favoritesTotal: str(ds.favoritesTotal),
    project: withoutUndefined({ id: ds.projectId, name: project?.name }),
    owner: ownerFull(ctx.site.users.get(ds.ownerId), ds.ownerId),
    tags: tagsJson(ds.tags),
  });
}

export const datasources: ResourceDef<SimDatasource> = {
  plural: 'datasources',
  singular: 'datasource',
  items: (site) => site.datasources.values(),
  fields: (site: SiteContent) => {
    const conn = (d: SimDatasource): SimConnection | undefined => d.connections[0];
    return {
      name: { type: 'string', get: (d) => d.name },
      contentUrl: { type: 'string', get: (d) => d.contentUrl },
      description: { type: 'string', get: (d) => d.description },
      type: { type: 'string', get: (d) => d.type },
      createdAt: { type: 'date', get: (d) => d.createdAt },
      updatedAt: { type: 'date', get: (d) => d.updatedAt },
      size: { type: 'number', get: (d) => d.size },
      favoritesTotal: { type: 'number', get: (d) => d.favoritesTotal },
      hasExtracts: { type: 'boolean', get: (d) => d.hasExtracts },
      isCertified: { type: 'boolean', get: (d) => d.isCertified },
      isPublished: { type: 'boolean', get: () => true },
      isConnectable: { type: 'boolean', get: () => true },
      isHierarchical: { type: 'boolean', get: () => false },
      hasAlert: { type: 'boolean', get: () => false },
      hasEmbeddedPassword: { type: 'boolean', get: (d) => conn(d)?.embedPassword ?? false },
      isDefaultPort: { type: 'boolean', get: () => true },
      authenticationType: { type: 'string', get: () => 'none' },
      connectedWorkbookType: { type: 'number', get: () => 0 },
      connectionTo: { type: 'string', get: (d) => conn(d)?.serverAddress },
      connectionType: { type: 'string', get: (d) => conn(d)?.type },
      databaseName: { type: 'string', get: (d) => d.name },
      databaseUserName: { type: 'string', get: (d) => conn(d)?.userName },
      serverName: { type: 'string', get: (d) => conn(d)?.serverAddress },
      serverPort: { type: 'number', get: (d) => Number(conn(d)?.serverPort ?? 0) },
      tableName: { type: 'string', get: (d) => d.name },
      projectName: { type: 'string', get: (d) => site.projects.get(d.projectId)?.name },
      tags: { type: 'list', get: (d) => d.tags },
      ...ownerFields<SimDatasource>(site),
    };
  },
  full: datasourceFull,
  select: fieldsConfig(
    'id,name,description,contentUrl,type,size,createdAt,updatedAt,encryptExtracts,hasExtracts,isCertified,useRemoteQueryAgent,webpageUrl,project.id,project.name,owner.id,tags',
    'id,name,description,contentUrl,type,size,createdAt,updatedAt,encryptExtracts,hasExtracts,isCertified,useRemoteQueryAgent,webpageUrl,connectedWorkbooksCount,favoritesTotal,project,owner,tags',
  ),
};

/** datasource_populate_connections.xml / workbook_populate_connections.xml. */
export function connectionJson(c: SimConnection, withDatasource: boolean): Json {
  const out = withoutUndefined({
    id: c.id,
    type: c.type,
    serverAddress: c.serverAddress,
    serverPort: c.serverPort,
    userName: c.userName,
    embedPassword: str(c.embedPassword),
  });
  // Tableau sends serverAddress/userName even when empty (workbook_populate_connections.xml).
  out.serverAddress = c.serverAddress;
  out.userName = c.userName;
  if (withDatasource && c.datasourceId) out.datasource = { id: c.datasourceId, name: c.datasourceName ?? '' };
  return out;
}
