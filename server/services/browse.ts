/**
 * Browsing a site with a saved connection: the project list (memoised briefly per signed-in
 * client), workbooks and data sources page by page, optionally within a project, a workbook's
 * views, search and a data source's VDS metadata. Answers are Tableau's items; the HTTP layer maps
 * them to the API's shapes (server/http/mappers.ts).
 */
import type { DatasourceMetadata } from '../../common/api.js';
import type { FieldValues, FieldValuesQuery } from '../../common/field-values.js';
import { notFound } from '../errors.js';
import type { Project, ResourceItem, SearchResult, View } from '../tableau/index.js';
import type { ConnectionService } from './connections.js';
import { fieldValues } from './field-values.js';
import type { Tableau } from './tableau.js';

/** Search results per page in the pane. */
export const SEARCH_PAGE_SIZE = 20;
/** The project list backs the tree and project scoping; a short memo spares re-listing per click. */
const PROJECTS_TTL_MS = 30_000;

export interface PageRequest {
  projectId?: string;
  page: number;
  pageSize: number;
}

export interface ItemsPage<T> {
  items: T[];
  total: number;
}

export class BrowseService {
  private readonly projectMemo = new WeakMap<Tableau, { at: number; projects: Promise<Project[]> }>();

  constructor(private readonly connections: ConnectionService) {}

  async projects(userId: string, connectionId: string): Promise<Project[]> {
    const { client } = await this.connections.client(userId, connectionId);
    return this.allProjects(client);
  }

  async workbooks(userId: string, connectionId: string, q: PageRequest): Promise<ItemsPage<ResourceItem<'workbooks'>>> {
    const { client } = await this.connections.client(userId, connectionId);
    return this.pageInProject(client, 'workbooks', q);
  }

  async datasources(userId: string, connectionId: string, q: PageRequest): Promise<ItemsPage<ResourceItem<'datasources'>>> {
    const { client } = await this.connections.client(userId, connectionId);
    return this.pageInProject(client, 'datasources', q);
  }

  async workbookViews(userId: string, connectionId: string, workbookId: string): Promise<View[]> {
    const { client } = await this.connections.client(userId, connectionId);
    return client.listWorkbookViews(workbookId, { usage: true });
  }

  /** `page` is 1-based like the rest of the API; Tableau's search pages are 0-based (tableau-mcp). */
  async search(userId: string, connectionId: string, terms: string, page: number): Promise<SearchResult> {
    const { client } = await this.connections.client(userId, connectionId);
    return client.search(terms, { page: page - 1, limit: SEARCH_PAGE_SIZE });
  }

  async datasourceMetadata(userId: string, connectionId: string, datasourceId: string): Promise<DatasourceMetadata> {
    const { client } = await this.connections.client(userId, connectionId);
    const m = await client.vdsReadMetadata(datasourceId);
    return { fields: m.fields, parameters: m.parameters, capabilities: m.capabilities };
  }

  /** The filter picker's values: one VDS query (field-values.ts). */
  async fieldValues(userId: string, connectionId: string, datasourceId: string, q: FieldValuesQuery): Promise<FieldValues> {
    const { client } = await this.connections.client(userId, connectionId);
    return fieldValues(client, datasourceId, q);
  }

  private allProjects(client: Tableau): Promise<Project[]> {
    const memo = this.projectMemo.get(client);
    if (memo && Date.now() - memo.at < PROJECTS_TTL_MS) return memo.projects;
    const projects = client.listAll('projects');
    this.projectMemo.set(client, { at: Date.now(), projects });
    projects.catch(() => this.projectMemo.delete(client));
    return projects;
  }

  /**
   * One page of workbooks or data sources, optionally within a project. REST cannot filter these by
   * project id, only by `projectName` (docs/tableau-rest.md#filter-and-sort), and names repeat across nested
   * projects and may hold "," or "&", which no filter can express: so we narrow by name when we can,
   * keep only items whose project id matches, and page that list ourselves.
   */
  private async pageInProject<R extends 'workbooks' | 'datasources'>(
    client: Tableau,
    resource: R,
    q: PageRequest,
  ): Promise<ItemsPage<ResourceItem<R>>> {
    if (!q.projectId) {
      const p = await client.listPage(resource, { pageNumber: q.page, pageSize: q.pageSize });
      return { items: p.items, total: p.totalAvailable };
    }
    const project = (await this.allProjects(client)).find((p) => p.id === q.projectId);
    if (!project) throw notFound('No such project on this site (it may have been deleted or moved).');
    const filter = /[,&]/.test(project.name) ? undefined : `projectName:eq:${project.name}`;
    const all = (await client.listAll(resource, { filter })).filter((item) => item.project?.id === q.projectId);
    const start = (q.page - 1) * q.pageSize;
    return { items: all.slice(start, start + q.pageSize), total: all.length };
  }
}
