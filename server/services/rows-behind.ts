/**
 * What a view's export alone cannot give: a dashboard's worksheets, and the rows behind a summary
 * view as a VizQL Data Service query (the pure derivation: rows-behind-query.ts; docs/rows-behind.md).
 * The Metadata API says which sheets a dashboard holds and which published data source and fields a
 * sheet uses; when it is off (Tableau Server's default) REST stands in — the workbook's worksheets,
 * the workbook's published data source connections — and the answer says so.
 */
import type { DatasourceMetadata } from '../../common/api.js';
import type { DashboardSheetsResponse, RowsBehindRequest, RowsBehindResponse } from '../../common/rows-behind.js';
import type { ViewSource } from '../../common/source.js';
import { ApiError, invalidInput } from '../errors.js';
import { pullMessages } from '../pull/pull-messages.js';
import { TableauError, type View } from '../tableau/index.js';
import type { ConnectionService } from './connections.js';
import type { MetadataService } from './metadata.js';
import { planRowsBehind, type SheetField } from './rows-behind-query.js';
import type { Tableau } from './tableau.js';

/** A published data source a sheet draws on. */
interface UpstreamDatasource {
  id: string;
  name: string;
}

/**
 * What the Metadata API answers about sheets. Each method answers null when the Metadata API is off
 * on this server (FEATURE_DISABLED), so the caller falls back to REST; other failures are thrown.
 */
export interface SheetLineage {
  /** The dashboard's worksheets in its order, each with its view LUID when it has a view. */
  dashboardSheets(userId: string, connectionId: string, dashboardId: string): Promise<Array<{ name: string; viewId?: string }> | null>;
  /** The published data sources upstream of a sheet and the data source fields the sheet uses. */
  sheetSources(
    userId: string,
    connectionId: string,
    viewId: string,
  ): Promise<{ datasources: UpstreamDatasource[]; fields: SheetField[] } | null>;
}

/** No Metadata API: every answer comes from REST. */
const NO_LINEAGE: SheetLineage = {
  dashboardSheets: async () => null,
  sheetSources: async () => null,
};

const nullWhenDisabled = async <T>(ask: () => Promise<T>): Promise<T | null> => {
  try {
    return await ask();
  } catch (e) {
    if (e instanceof TableauError && e.code === 'metadata-disabled') return null;
    throw e;
  }
};

/**
 * The lineage from the Metadata API (services/metadata.ts, which remembers a FEATURE_DISABLED for a
 * while): a dashboard's `sheets` (a hidden sheet has an empty luid), a sheet's upstream published data
 * sources and the fields it uses (docs/metadata-api.md).
 */
export function metadataLineage(metadata: MetadataService): SheetLineage {
  return {
    dashboardSheets: (userId, connectionId, dashboardId) =>
      nullWhenDisabled(async () =>
        (await metadata.viewLineage(userId, connectionId, dashboardId)).sheets.map((s) => ({
          name: s.name,
          ...(s.luid ? { viewId: s.luid } : {}),
        })),
      ),
    sheetSources: (userId, connectionId, viewId) =>
      nullWhenDisabled(async () => {
        const answer = await metadata.sheetDatasources(userId, connectionId, viewId);
        return {
          datasources: answer.datasources.map((d) => ({ id: d.luid, name: d.name })),
          fields: answer.usedFields.map((name) => ({ name, upstreamField: name })),
        };
      }),
  };
}

const WORKBOOK_FALLBACK_NOTE =
  "The Metadata API is off on this Tableau server, so Tableau cannot say which sheets are on this dashboard: here are all the workbook's worksheets.";

export class RowsBehindService {
  constructor(
    private readonly connections: ConnectionService,
    private readonly lineage: SheetLineage = NO_LINEAGE,
  ) {}

  async dashboardSheets(userId: string, connectionId: string, viewId: string): Promise<DashboardSheetsResponse> {
    const { client } = await this.connections.client(userId, connectionId);
    const view = await client.getView(viewId);
    if (view.sheetType !== 'dashboard')
      throw invalidInput(`${view.name} is a ${view.sheetType ?? 'sheet'}, not a dashboard: its data export is its own.`);
    const fromMetadata = await this.lineage.dashboardSheets(userId, connectionId, view.id);
    if (fromMetadata) {
      // A sheet hidden from the site has no view LUID: the Metadata API names it, REST cannot export it.
      const urls = new Map((await client.listWorkbookViews(workbookIdOf(view))).map((v) => [v.id, v.contentUrl]));
      return {
        from: 'metadata',
        sheets: fromMetadata.map((s) => ({
          name: s.name,
          ...(s.viewId ? { viewId: s.viewId } : {}),
          ...optionalUrl(urls.get(s.viewId ?? '')),
        })),
      };
    }
    const views = await client.listWorkbookViews(workbookIdOf(view));
    return {
      from: 'workbook',
      note: WORKBOOK_FALLBACK_NOTE,
      sheets: views
        .filter((v) => v.sheetType === 'view' || v.sheetType === undefined)
        .map((v) => ({ name: v.name, viewId: v.id, ...optionalUrl(v.contentUrl) })),
    };
  }

  async rowsBehind(userId: string, connectionId: string, viewId: string, request: RowsBehindRequest): Promise<RowsBehindResponse> {
    const { client } = await this.connections.client(userId, connectionId);
    const view = await client.getView(viewId);
    if (view.sheetType === 'dashboard' || view.sheetType === 'story')
      throw invalidInput(`${view.name} is a ${view.sheetType}: pick one of its sheets, then ask for the rows behind that sheet.`);
    const lineage = await this.lineage.sheetSources(userId, connectionId, view.id);
    const from = lineage ? 'metadata' : 'workbook';
    const datasource = await this.upstreamDatasource(client, view, lineage?.datasources);
    // The data source's fields first: no VDS (or no API Access) fails here, before the view is exported.
    const metadata: DatasourceMetadata = await client.vdsReadMetadata(datasource.id);
    const columns = await exportColumns(client, { kind: 'view', viewId, ...request });
    const plan = planRowsBehind({
      columns,
      fields: metadata.fields,
      parameters: metadata.parameters,
      sheetFields: lineage?.fields,
      filters: request.filters,
      viewParameters: request.parameters,
    });
    if (!plan.matches.some((m) => m.field))
      throw new ApiError({
        code: 'feature-unavailable',
        message: `No column of ${view.name} matches a field of ${datasource.name}, so there are no rows to ask for. Query the data source itself instead.`,
      });
    return {
      datasource,
      query: plan.query,
      grain: plan.grain,
      columns: plan.matches.map((m) => ({ column: m.column, ...(m.field ? { field: m.field } : {}) })),
      notes: plan.notes,
      from,
    };
  }

  /**
   * The one published data source the view draws on: the Metadata API's lineage of the sheet, else the
   * workbook's connections to published data sources (REST Query Workbook Connections: `datasource.id`
   * of a published data source, type sqlproxy). Several with no lineage to tell them apart: refused plainly.
   */
  private async upstreamDatasource(client: Tableau, view: View, fromMetadata?: UpstreamDatasource[]): Promise<UpstreamDatasource> {
    let candidates: UpstreamDatasource[] = fromMetadata ?? [];
    if (!fromMetadata) {
      const byId = new Map<string, UpstreamDatasource>();
      for (const c of await client.listWorkbookConnections(workbookIdOf(view))) {
        const id = c.datasource?.id;
        if (id && (c.type === undefined || c.type === 'sqlproxy')) byId.set(id, { id, name: c.datasource?.name ?? 'the data source' });
      }
      candidates = [...byId.values()];
    }
    if (candidates.length === 0)
      throw new ApiError({
        code: 'feature-unavailable',
        message: `${view.name} is not built on a published data source, and Tableau's VizQL Data Service queries only published data sources: its rows cannot be fetched.`,
      });
    if (candidates.length > 1)
      throw new ApiError({
        code: 'feature-unavailable',
        message: `${view.name}'s workbook uses ${candidates.length} published data sources (${candidates.map((c) => c.name).join(', ')}) and without the Metadata API Tableau cannot say which one this sheet uses. Query the data source itself instead.`,
      });
    return candidates[0];
  }
}

function workbookIdOf(view: View): string {
  const id = view.workbook?.id;
  if (!id) throw new ApiError({ code: 'invalid-response', message: `Tableau did not say which workbook ${view.name} belongs to.` });
  return id;
}

const optionalUrl = (contentUrl: string | undefined) => (contentUrl ? { contentUrl } : {});

/** The view export's column names: the first message of a one-row pull (one export; the rest is not read). */
async function exportColumns(client: Tableau, source: ViewSource): Promise<string[]> {
  const messages = pullMessages(client, { source, options: { limit: 1 } });
  try {
    for await (const message of messages) {
      if (message.kind === 'meta') return message.columns.map((c) => c.name);
      if (message.kind === 'error') throw new ApiError(message.error);
    }
  } finally {
    await messages.return(undefined);
  }
  throw new ApiError({ code: 'invalid-response', message: "Tableau's export of the view held no header row." });
}
