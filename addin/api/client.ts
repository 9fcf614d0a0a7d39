import type {
  ConnectionInfo,
  ConnectRequest,
  ConnectResponse,
  DatasourceItem,
  DatasourceMetadata,
  HealthResponse,
  Page,
  ProjectItem,
  PullRequest,
  SearchItem,
  ViewItem,
  WorkbookItem,
} from '../../common/api.js';
import type { FieldValues, FieldValuesQuery } from '../../common/field-values.js';
import type { DatasourceFieldsAnswer, SheetDatasourcesAnswer, ViewLineageAnswer, WorkbookDashboardsAnswer } from '../../common/metadata.js';
import type { PublishApplyRequest, PublishPlan, PublishResult, PublishTable } from '../../common/publish.js';
import type { DashboardSheetsResponse, RowsBehindRequest, RowsBehindResponse } from '../../common/rows-behind.js';
import type { StreamMessage } from '../../common/stream.js';
import { VIEW_IMAGE_CONTENT_TYPE, type ViewImageRequest } from '../../common/view-image.js';
import { type CallOptions, createTransport, type TransportOptions } from './transport.js';

interface PageQuery {
  projectId?: string;
  page?: number;
  pageSize?: number;
}

export type { CallOptions } from './transport.js';

/** Schedules are the server's business; the pane only passes them through as JSON. */
type JsonObject = Record<string, unknown>;

/** Everything the pane may ask the companion server (common/api.ts, route for route). */
export interface ApiClient {
  health(opts?: CallOptions): Promise<HealthResponse>;
  hasSession(): boolean;
  connect(request: ConnectRequest, opts?: CallOptions): Promise<ConnectResponse>;
  listConnections(opts?: CallOptions): Promise<ConnectionInfo[]>;
  /** Signs out and forgets the stored secret. */
  forgetConnection(connectionId: string, opts?: CallOptions): Promise<void>;
  /** Signs out of Tableau, keeps the connection for a later sign-in. */
  signOut(connectionId: string, opts?: CallOptions): Promise<void>;
  projects(connectionId: string, opts?: CallOptions): Promise<ProjectItem[]>;
  workbooks(connectionId: string, query?: PageQuery, opts?: CallOptions): Promise<Page<WorkbookItem>>;
  views(connectionId: string, workbookId: string, opts?: CallOptions): Promise<ViewItem[]>;
  datasources(connectionId: string, query?: PageQuery, opts?: CallOptions): Promise<Page<DatasourceItem>>;
  search(connectionId: string, q: string, page?: number, opts?: CallOptions): Promise<Page<SearchItem>>;
  metadata(connectionId: string, datasourceId: string, opts?: CallOptions): Promise<DatasourceMetadata>;
  /** A field's distinct values for the filter picker (one VDS query on the server). */
  fieldValues(connectionId: string, datasourceId: string, query: FieldValuesQuery, opts?: CallOptions): Promise<FieldValues>;
  /** The view's picture as PNG bytes (common/view-image.ts). */
  viewImage(connectionId: string, request: ViewImageRequest, opts?: CallOptions): Promise<Uint8Array>;
  /** A dashboard's worksheets (the Metadata API's, else the workbook's, said in `note`). */
  dashboardSheets(connectionId: string, viewId: string, opts?: CallOptions): Promise<DashboardSheetsResponse>;
  /** The rows behind a view: a VDS query on its published data source with its filters (common/rows-behind.ts). */
  rowsBehind(connectionId: string, viewId: string, request: RowsBehindRequest, opts?: CallOptions): Promise<RowsBehindResponse>;
  /** Tableau's Metadata API (docs/metadata-api.md): a data source's fields with descriptions, types and roles. */
  metadataFields(connectionId: string, datasourceId: string, opts?: CallOptions): Promise<DatasourceFieldsAnswer>;
  /** A view's upstream published data sources and tables, and the fields it uses. */
  viewLineage(connectionId: string, viewId: string, opts?: CallOptions): Promise<ViewLineageAnswer>;
  /** The published data sources a sheet draws on, with all their fields. */
  sheetDatasources(connectionId: string, viewId: string, opts?: CallOptions): Promise<SheetDatasourcesAnswer>;
  /** A workbook's dashboards with their sheets. */
  workbookDashboards(connectionId: string, workbookId: string, opts?: CallOptions): Promise<WorkbookDashboardsAnswer>;
  /** The typed result stream, decoded message by message as bytes arrive. */
  pull(connectionId: string, request: PullRequest, opts?: CallOptions): AsyncGenerator<StreamMessage>;
  /** What publishing `table` would change on the site: reads only, nothing is sent (common/publish.ts). */
  publishDryRun(connectionId: string, table: PublishTable, opts?: CallOptions): Promise<PublishPlan>;
  /** Makes the confirmed plan's calls; 409 plan-changed when the site moved since the dry run. */
  publishApply(connectionId: string, request: PublishApplyRequest, opts?: CallOptions): Promise<PublishResult>;
  listSchedules(opts?: CallOptions): Promise<JsonObject>;
  createSchedule(body: JsonObject, opts?: CallOptions): Promise<JsonObject>;
  updateSchedule(scheduleId: string, body: JsonObject, opts?: CallOptions): Promise<JsonObject>;
  deleteSchedule(scheduleId: string, opts?: CallOptions): Promise<void>;
  scheduleRuns(scheduleId: string, opts?: CallOptions): Promise<JsonObject>;
  latestSnapshot(scheduleId: string, opts?: CallOptions): AsyncGenerator<StreamMessage>;
}

export type ApiClientOptions = TransportOptions;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

const seg = encodeURIComponent;

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const { session, send, json, stream } = createTransport(options);

  const conn = (cid: string) => `/api/connections/${seg(cid)}`;

  return {
    health: (opts) => json<HealthResponse>('GET', '/health', undefined, opts),
    hasSession: () => session.get() !== null,
    async connect(request, opts) {
      const result = await json<ConnectResponse>('POST', '/api/connections', request, opts);
      session.set(result.sessionToken);
      return result;
    },
    async listConnections(opts) {
      if (!session.get()) return [];
      return (await json<{ connections: ConnectionInfo[] }>('GET', '/api/connections', undefined, opts)).connections;
    },
    forgetConnection: (cid, opts) => json<void>('DELETE', conn(cid), undefined, opts),
    signOut: (cid, opts) => json<void>('POST', `${conn(cid)}/signout`, undefined, opts),
    async projects(cid, opts) {
      return (await json<{ projects: ProjectItem[] }>('GET', `${conn(cid)}/projects`, undefined, opts)).projects;
    },
    workbooks: (cid, q = {}, opts) => json<Page<WorkbookItem>>('GET', `${conn(cid)}/workbooks${query({ ...q })}`, undefined, opts),
    async views(cid, wid, opts) {
      return (await json<{ views: ViewItem[] }>('GET', `${conn(cid)}/workbooks/${seg(wid)}/views`, undefined, opts)).views;
    },
    datasources: (cid, q = {}, opts) => json<Page<DatasourceItem>>('GET', `${conn(cid)}/datasources${query({ ...q })}`, undefined, opts),
    search: (cid, q, page, opts) => json<Page<SearchItem>>('GET', `${conn(cid)}/search${query({ q, page })}`, undefined, opts),
    metadata: (cid, dsid, opts) => json<DatasourceMetadata>('GET', `${conn(cid)}/datasources/${seg(dsid)}/metadata`, undefined, opts),
    fieldValues: (cid, dsid, q, opts) =>
      json<FieldValues>('GET', `${conn(cid)}/datasources/${seg(dsid)}/field-values${query({ ...q })}`, undefined, opts),
    dashboardSheets: (cid, vid, opts) => json<DashboardSheetsResponse>('GET', `${conn(cid)}/views/${seg(vid)}/sheets`, undefined, opts),
    rowsBehind: (cid, vid, request, opts) =>
      json<RowsBehindResponse>('POST', `${conn(cid)}/views/${seg(vid)}/rows-behind`, request as JsonObject, opts),
    metadataFields: (cid, dsid, opts) =>
      json<DatasourceFieldsAnswer>('GET', `${conn(cid)}/metadata/datasources/${seg(dsid)}/fields`, undefined, opts),
    viewLineage: (cid, vid, opts) => json<ViewLineageAnswer>('GET', `${conn(cid)}/metadata/views/${seg(vid)}/lineage`, undefined, opts),
    sheetDatasources: (cid, vid, opts) =>
      json<SheetDatasourcesAnswer>('GET', `${conn(cid)}/metadata/views/${seg(vid)}/datasources`, undefined, opts),
    workbookDashboards: (cid, wid, opts) =>
      json<WorkbookDashboardsAnswer>('GET', `${conn(cid)}/metadata/workbooks/${seg(wid)}/dashboards`, undefined, opts),
    pull: (cid, request, opts) => stream('POST', `${conn(cid)}/pull`, request, opts),
    publishDryRun: (cid, table, opts) => json<PublishPlan>('POST', `${conn(cid)}/publish/dry-run`, table, opts),
    publishApply: (cid, request, opts) => json<PublishResult>('POST', `${conn(cid)}/publish/apply`, request, opts),
    async viewImage(cid, request, opts) {
      const response = await send('POST', `${conn(cid)}/view-image`, request, opts, VIEW_IMAGE_CONTENT_TYPE);
      return new Uint8Array(await response.arrayBuffer());
    },
    listSchedules: (opts) => json<JsonObject>('GET', '/api/schedules', undefined, opts),
    createSchedule: (body, opts) => json<JsonObject>('POST', '/api/schedules', body, opts),
    updateSchedule: (sid, body, opts) => json<JsonObject>('PUT', `/api/schedules/${seg(sid)}`, body, opts),
    deleteSchedule: (sid, opts) => json<void>('DELETE', `/api/schedules/${seg(sid)}`, undefined, opts),
    scheduleRuns: (sid, opts) => json<JsonObject>('GET', `/api/schedules/${seg(sid)}/runs`, undefined, opts),
    latestSnapshot: (sid, opts) => stream('GET', `/api/snapshots/latest${query({ scheduleId: sid })}`, undefined, opts),
  };
}
