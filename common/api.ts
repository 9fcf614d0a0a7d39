/**
 * The companion server's HTTP API, as the add-in sees it. Types only: the server validates every
 * body/query with zod (server/http) and the add-in talks to it through addin/api only.
 *
 * Auth: `POST /api/connections` without a session creates one and returns `sessionToken`; every
 * other /api call needs `Authorization: Bearer <sessionToken>` (401 without it). A session only
 * ever sees its own connections (another session's connection id answers 404).
 * Errors: non-2xx JSON bodies are `{ error: ApiErrorBody }` (common/stream.ts).
 *
 * Routes
 *   GET    /health                                   -> HealthResponse            (no auth)
 *   POST   /api/connections            ConnectRequest -> ConnectResponse          (auth optional)
 *   GET    /api/connections                          -> { connections: ConnectionInfo[] }
 *   DELETE /api/connections/:cid                     -> 204   (signs out, forgets the secret)
 *   POST   /api/connections/:cid/signout             -> 204   (signs out, keeps the connection)
 *   GET    /api/connections/:cid/projects            -> { projects: ProjectItem[] }   (all, for the tree)
 *   GET    /api/connections/:cid/workbooks?projectId&page&pageSize -> Page<WorkbookItem>
 *   GET    /api/connections/:cid/workbooks/:wid/views -> { views: ViewItem[] }
 *   GET    /api/connections/:cid/datasources?projectId&page&pageSize -> Page<DatasourceItem>
 *   GET    /api/connections/:cid/search?q&page       -> Page<SearchItem>
 *   GET    /api/connections/:cid/datasources/:dsid/metadata -> DatasourceMetadata
 *   GET    /api/connections/:cid/datasources/:dsid/field-values?field&q&limit -> FieldValues (common/field-values.ts)
 *   POST   /api/connections/:cid/pull  PullRequest    -> typed result stream (common/stream.ts, NDJSON)
 *   POST   /api/connections/:cid/view-image ViewImageRequest -> image/png bytes (common/view-image.ts)
 *   GET    /api/schedules, POST /api/schedules, PUT/DELETE /api/schedules/:sid, GET /api/schedules/:sid/runs
 *   GET    /api/snapshots/latest?scheduleId          -> typed result stream of the latest snapshot
 *   POST   /api/connections/:cid/publish/dry-run   PublishTable -> PublishPlan      (common/publish.ts)
 *   POST   /api/connections/:cid/publish/apply     PublishApplyRequest -> PublishResult
 */
import { z } from 'zod';

import type { Bounds } from './bounds.js';
import { serverUrlSchema, siteContentUrlSchema } from './site.js';
import type { PullOptions, PullSource } from './source.js';

export interface HealthResponse {
  ok: true;
  version: string;
  /** Present when `npm start` runs the embedded demo site: lets the pane prefill the Connect form. */
  demo?: { serverUrl: string; siteContentUrl: string; patName: string; patSecret: string };
}

/** POST /api/connections: the server adds its bounds (server/http/schemas.ts). */
export function connectRequestSchemaWith(b: Bounds) {
  const name = (spot: 'principal' | 'label') => b.text(spot).trim().min(1);
  const secret = (spot: 'secret' | 'jwt') => b.text(spot).min(1);
  return z.object({
    serverUrl: serverUrlSchema,
    /** '' = the default site (Tableau Server). */
    siteContentUrl: siteContentUrlSchema,
    auth: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('pat'), patName: name('principal'), patSecret: secret('secret') }),
      z.object({ kind: z.literal('password'), username: name('principal'), password: secret('secret') }),
      z.object({ kind: z.literal('jwt'), jwt: secret('jwt') }),
    ]),
    /** Friendly name shown in the pane; defaults to "<host> / <site>". */
    label: name('label').optional(),
  });
}

export type ConnectRequest = z.infer<ReturnType<typeof connectRequestSchemaWith>>;
export type ConnectAuth = ConnectRequest['auth'];

export interface ConnectionInfo {
  id: string;
  label: string;
  /** The address the user gave: the connection's identity (refresh definitions match on it). */
  serverUrl: string;
  /**
   * Where Tableau really answered, when an allowed redirect led elsewhere (a Tableau Cloud pod, a
   * moved server over https): shown beside serverUrl so the analyst sees where credentials went.
   */
  resolvedServerUrl?: string;
  siteContentUrl: string;
  authKind: ConnectAuth['kind'];
  /** PAT name or username: never the secret. */
  principal: string;
  productVersion?: string;
  restApiVersion?: string;
  createdAt: string;
}

export interface ConnectResponse {
  sessionToken: string;
  connection: ConnectionInfo;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  /** null when this was the last page. */
  nextPage: number | null;
}

export interface ProjectItem {
  id: string;
  name: string;
  parentProjectId?: string;
  description?: string;
}

export interface WorkbookItem {
  id: string;
  name: string;
  contentUrl: string;
  projectId?: string;
  projectName?: string;
  ownerName?: string;
  updatedAt?: string;
}

export type SheetType = 'sheet' | 'dashboard' | 'story';

export interface ViewItem {
  id: string;
  name: string;
  contentUrl: string;
  sheetType: SheetType;
  workbookId: string;
  workbookName?: string;
  totalViewCount?: number;
}

export interface DatasourceItem {
  id: string;
  name: string;
  contentUrl?: string;
  projectId?: string;
  projectName?: string;
  type?: string;
  hasExtracts?: boolean;
  isCertified?: boolean;
  updatedAt?: string;
}

export interface SearchItem {
  type: 'workbook' | 'view' | 'datasource' | 'project' | string;
  id: string;
  title: string;
  projectName?: string;
  ownerName?: string;
}

export type VdsDataType = 'INTEGER' | 'REAL' | 'STRING' | 'DATETIME' | 'BOOLEAN' | 'DATE' | 'SPATIAL' | 'UNKNOWN';

export interface FieldInfo {
  fieldName: string;
  fieldCaption: string;
  dataType: VdsDataType;
  /** 'DIMENSION' | 'MEASURE' when the server tells (2026.1 fieldRole), else inferred from the type. */
  role: 'DIMENSION' | 'MEASURE';
  defaultAggregation?: string;
  description?: string;
}

export interface ParameterInfo {
  parameterCaption: string;
  parameterName?: string;
  parameterType: string;
  dataType: string;
  value: unknown;
  members?: unknown[];
  min?: unknown;
  max?: unknown;
}

export interface DatasourceMetadata {
  fields: FieldInfo[];
  parameters: ParameterInfo[];
  /** What this server's VDS supports (from its product version). */
  capabilities: { rowLimit: boolean; conditionFilter: boolean; datasourceModel: boolean };
}

export interface PullRequest {
  source: PullSource;
  options?: PullOptions;
}
