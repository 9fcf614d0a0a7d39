/**
 * The Metadata API queries the product sends, in the shapes Tableau's reference gives
 * (https://help.tableau.com/current/api/metadata_api/en-us/reference/index.html): filters by `luid`,
 * the REST id the rest of the product holds, as tableau-mcp's get-datasource-metadata does
 * (`publishedDatasources(filter: { luid: ... })`). Values travel as GraphQL variables, never spliced
 * into the query text.
 */
import type {
  DatasourceFieldsAnswer,
  MetaDatasource,
  MetaField,
  SheetDatasourcesAnswer,
  ViewLineageAnswer,
  WorkbookDashboardsAnswer,
} from '../../common/metadata.js';
import { TableauError } from './errors.js';
import { type MetadataContext, metadataQuery } from './metadata.js';
import { datasourceFieldsDataSchema, viewLineageDataSchema, workbookDashboardsDataSchema } from './schemas/metadata.js';

const FIELD = `
  __typename name description isHidden
  upstreamTables { name }
  ... on ColumnField { dataType role dataCategory }
  ... on CalculatedField { dataType role dataCategory formula }
  ... on BinField { dataType role dataCategory }
  ... on GroupField { dataType role dataCategory }`;

const TABLES = `upstreamTables { name schema fullName database { name connectionType } }`;
const DATASOURCE = `luid name description projectName isCertified ${TABLES}`;

const DATASOURCE_FIELDS = `query datasourceFields($luid: String) {
  publishedDatasources(filter: { luid: $luid }) { ${DATASOURCE} fields { ${FIELD} } }
}`;

const VIEW_LINEAGE = `query viewLineage($luid: String) {
  sheets(filter: { luid: $luid }) {
    luid name workbook { luid name }
    upstreamDatasources { ${DATASOURCE} fields { ${FIELD} } }
    datasourceFields { ${FIELD} }
  }
  dashboards(filter: { luid: $luid }) {
    luid name workbook { luid name }
    sheets { luid name upstreamDatasources { ${DATASOURCE} fields { ${FIELD} } } datasourceFields { ${FIELD} } }
  }
}`;

const WORKBOOK_DASHBOARDS = `query workbookDashboards($luid: String) {
  workbooks(filter: { luid: $luid }) { luid name dashboards { luid name sheets { luid name } } }
}`;

function notFound(what: string): TableauError {
  return new TableauError({
    code: 'not-found',
    message: `Tableau's Metadata API does not know this ${what}. It may be new and not yet indexed, deleted, or out of your reach.`,
    hint: 'Newly published content appears in the Metadata API after Tableau has indexed it; try again in a few minutes.',
  });
}

const uniqBy = <T>(items: T[], key: (t: T) => string): T[] => {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(key(i)) ? false : (seen.add(key(i)), true)));
};

const withoutFields = ({ luid, name, description, projectName, isCertified, tables }: MetaDatasource): MetaDatasource => ({
  luid,
  name,
  description,
  projectName,
  isCertified,
  tables,
});

/**
 * A field the sheet uses, with its meaning from the data source it comes from: the sheet's own field
 * instance may carry no description (descriptions are written on the published data source's fields).
 */
function withMeaning(used: MetaField, sources: Array<{ fields: MetaField[] }>): MetaField {
  const origin = sources.flatMap((d) => d.fields).find((f) => f.name === used.name);
  if (!origin) return used;
  return {
    ...origin,
    ...used,
    description: used.description || origin.description,
    dataType: used.dataType ?? origin.dataType,
    role: used.role ?? origin.role,
  };
}

export async function datasourceFields(ctx: MetadataContext, luid: string): Promise<DatasourceFieldsAnswer> {
  const r = await metadataQuery(ctx, DATASOURCE_FIELDS, { luid }, datasourceFieldsDataSchema);
  const datasource = r.data.publishedDatasources[0];
  if (!datasource) throw notFound('data source');
  return { datasource, partial: r.partial };
}

export async function viewLineage(ctx: MetadataContext, luid: string): Promise<ViewLineageAnswer> {
  const r = await metadataQuery(ctx, VIEW_LINEAGE, { luid }, viewLineageDataSchema);
  const sheet = r.data.sheets[0];
  if (sheet) {
    return {
      view: { luid: sheet.luid ?? luid, name: sheet.name ?? '', kind: 'sheet' },
      workbook: sheet.workbook ? { luid: sheet.workbook.luid ?? '', name: sheet.workbook.name ?? '' } : null,
      datasources: sheet.upstreamDatasources.map(withoutFields),
      fields: sheet.datasourceFields.map((f) => withMeaning(f, sheet.upstreamDatasources)),
      sheets: [],
      partial: r.partial,
    };
  }
  const dash = r.data.dashboards[0];
  if (!dash) throw notFound('view');
  const sources = uniqBy(
    dash.sheets.flatMap((s) => s.upstreamDatasources),
    (d) => d.luid,
  );
  return {
    view: { luid: dash.luid ?? luid, name: dash.name ?? '', kind: 'dashboard' },
    workbook: dash.workbook ? { luid: dash.workbook.luid ?? '', name: dash.workbook.name ?? '' } : null,
    datasources: sources.map(withoutFields),
    fields: uniqBy(
      dash.sheets.flatMap((s) => s.datasourceFields.map((f) => withMeaning(f, s.upstreamDatasources))),
      (f) => f.name,
    ),
    sheets: dash.sheets.map((s) => ({ luid: s.luid ?? '', name: s.name ?? '' })),
    partial: r.partial,
  };
}

export async function sheetDatasources(ctx: MetadataContext, luid: string): Promise<SheetDatasourcesAnswer> {
  const r = await metadataQuery(ctx, VIEW_LINEAGE, { luid }, viewLineageDataSchema);
  const sheet = r.data.sheets[0];
  if (!sheet) throw notFound(r.data.dashboards.length ? 'sheet (it is a dashboard: choose one of its sheets)' : 'sheet');
  return {
    view: { luid: sheet.luid ?? luid, name: sheet.name ?? '' },
    datasources: sheet.upstreamDatasources,
    usedFields: sheet.datasourceFields.map((f) => f.name),
    partial: r.partial,
  };
}

export async function workbookDashboards(ctx: MetadataContext, luid: string): Promise<WorkbookDashboardsAnswer> {
  const r = await metadataQuery(ctx, WORKBOOK_DASHBOARDS, { luid }, workbookDashboardsDataSchema);
  const wb = r.data.workbooks[0];
  if (!wb) throw notFound('workbook');
  return {
    workbook: { luid: wb.luid ?? luid, name: wb.name ?? '' },
    dashboards: wb.dashboards.map((d) => ({ luid: d.luid ?? '', name: d.name ?? '', sheets: d.sheets })),
    partial: r.partial,
  };
}
