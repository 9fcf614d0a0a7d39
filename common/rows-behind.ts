/**
 * The API of two answers about a view that its export alone cannot give: a dashboard's worksheets (its
 * data export holds only the first one's: TSC#1489, https://github.com/tableau/server-client-python/issues/1489)
 * and "the rows behind this view", a VizQL Data Service query on the published data source the view
 * is built on (a view's export is summary data: TSC#858). docs/rows-behind.md.
 */
import { z } from 'zod';

import type { Bounds } from './bounds.js';
import type { VdsQuery } from './vds-query.js';

/** One worksheet of a dashboard, in the dashboard's order; `viewId` is what a data export needs. */
export interface DashboardSheet {
  name: string;
  /** The sheet's view LUID; absent for a sheet hidden from the site (no view of its own to export). */
  viewId?: string;
  contentUrl?: string;
}

export interface DashboardSheetsResponse {
  sheets: DashboardSheet[];
  /**
   * 'metadata': the dashboard's own sheets (Metadata API). 'workbook': the Metadata API is off, so
   * every worksheet of the workbook is listed: REST does not say which are on the dashboard.
   */
  from: 'metadata' | 'workbook';
  /** A plain sentence when `from` is 'workbook'. */
  note?: string;
}

/** POST …/views/:viewId/rows-behind body: the view's vf_ filters and parameters, as the view screen holds them. */
export function rowsBehindRequestSchemaWith(b: Bounds) {
  return z.strictObject({
    filters: b.stringMap().optional(),
    parameters: b.stringMap().optional(),
  });
}
export type RowsBehindRequest = z.infer<ReturnType<typeof rowsBehindRequestSchemaWith>>;

/** 'row': one row per data source row; 'key': per record key (an order's lines may add up); 'view': no identifier. */
export type RowsBehindGrain = 'row' | 'key' | 'view';

export interface RowsBehindResponse {
  datasource: { id: string; name: string };
  query: VdsQuery;
  grain: RowsBehindGrain;
  /** The column of the view each data source field came from. */
  columns: Array<{ column: string; field?: string }>;
  /** Plain sentences: the grain, filters or columns that could not be carried over. */
  notes: string[];
  /** Where the view's data source was found: the Metadata API's lineage, or the workbook's connections (REST). */
  from: 'metadata' | 'workbook';
}
