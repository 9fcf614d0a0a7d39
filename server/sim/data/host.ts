/**
 * Contract between the simulator's REST core (server/sim/*) and its data half (server/sim/data/*):
 * view CSV export, VizQL Data Service, extract-refresh data versions.
 *
 * The core owns the fastify app, sites, auth, faults and content (projects, workbooks, views,
 * data sources). It calls `registerSimDataRoutes(app, host)` (server/sim/data/routes.ts) once.
 * Content items that have data carry a `dataKey` naming an entry of the data catalog
 * (server/sim/data/catalog.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

interface SimPrincipal {
  siteId: string;
  userId: string;
}

export interface SimViewRef {
  id: string;
  name: string;
  workbookId: string;
  sheetType: 'view' | 'dashboard' | 'story';
  /** Catalog key of the view's summary data; undefined = the view has no exportable data. */
  dataKey?: string;
}

export interface SimCustomViewRef {
  id: string;
  name: string;
  viewId: string;
  /** Filters the custom view has saved (applied before any vf_ filters). */
  filters: Record<string, string>;
}

export interface SimDatasourceRef {
  id: string;
  name: string;
  /** Catalog key of the data source's rows; undefined = not queryable through VDS (e.g. a cube). */
  dataKey?: string;
  /** False = the signed-in user lacks the "API Access" capability (VDS answers 403800). */
  apiAccess: boolean;
}

export interface SimDataHost {
  /** e.g. '2025.1.0', '2025.3.0', '2026.1.0': VDS schema and features follow it. */
  productVersion(): string;
  /** false = VDS switched off on this server: every VDS path answers HTTP 404. */
  vdsEnabled(): boolean;
  /**
   * Check X-Tableau-Auth (and the core's fault injection). Returns the principal, or null after
   * having sent the error reply itself (401002 etc.): REST's shape, or with `shape: 'vds'` VDS's
   * `{errorCode, message, datetime}` (401001/401002 are in vds_error_codes.html).
   */
  authenticate(request: FastifyRequest, reply: FastifyReply, shape?: 'rest' | 'vds'): SimPrincipal | null;
  findView(siteId: string, viewId: string): SimViewRef | undefined;
  findCustomView(siteId: string, customViewId: string): SimCustomViewRef | undefined;
  findDatasource(siteId: string, datasourceLuid: string): SimDatasourceRef | undefined;
}
