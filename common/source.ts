/**
 * What to pull. Shared by the pull API, refresh definitions (stored in the workbook) and server
 * schedules, so it must only hold things any colleague's access can resolve: Tableau LUIDs and
 * content URLs of the site, never a companion-server id and never a secret.
 */

export type PullSource = ViewSource | DatasourceSource | InventorySource;

export interface ViewSource {
  kind: 'view';
  viewId: string;
  /** "Workbook/sheets/View" style content URL, kept for display and as a fallback identity. */
  contentUrl?: string;
  /** Display name, e.g. "Superstore / Overview". */
  name?: string;
  /** When set, pull this custom view's data instead of the view's. */
  customViewId?: string;
  /** vf_<field>=<value> filters (exact match, as Tableau does). Keys are field names without `vf_`. */
  filters?: Record<string, string>;
  /** vf_Parameters.<name>=<value>. Keys are parameter names without the prefix. */
  parameters?: Record<string, string>;
  /** Minutes Tableau may serve cached data (maxAge). */
  maxAgeMinutes?: number;
  /** Locale the view formats numbers in ('en-US', 'de-DE', ...); 'auto' detects. */
  locale?: string;
}

export interface DatasourceSource {
  kind: 'datasource';
  datasourceId: string;
  name?: string;
  /** A VizQL Data Service query body (`query` of query-datasource), validated against the OpenAPI schema. */
  query: VdsQuery;
  /** Row limit; sent to Tableau only when it supports it (2026.1+), otherwise applied by us. */
  rowLimit?: number;
}

export type InventoryResource =
  | 'workbooks'
  | 'views'
  | 'datasources'
  | 'projects'
  | 'users'
  | 'groups'
  | 'jobs'
  | 'extractRefreshTasks';

export interface InventorySource {
  kind: 'inventory';
  resource: InventoryResource;
  filter?: string;
  sort?: string;
  fields?: string;
}

/** VDS query (subset typed here; the full shape is checked against Tableau's OpenAPI schema). */
export interface VdsQuery {
  fields: VdsField[];
  filters?: Array<Record<string, unknown>>;
  parameters?: Array<{ parameterCaption: string; value: unknown }>;
}

export interface VdsField {
  fieldCaption: string;
  function?: string;
  calculation?: string;
  fieldAlias?: string;
  maxDecimalPlaces?: number;
  sortDirection?: 'ASC' | 'DESC';
  sortPriority?: number;
}

/** Options of one pull (not part of the source identity). */
export interface PullOptions {
  /** Refresh the data source's / workbook's extract first, then pull. */
  refreshExtractFirst?: boolean;
  /** Stop after this many rows (preview uses 100); `end.truncated` says when it cut. */
  limit?: number;
}
