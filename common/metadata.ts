/**
 * What Tableau's Metadata API tells about content (docs/metadata-api.md): field meanings (description,
 * data type, role) and lineage — the published data sources and database tables upstream of a view
 * or workbook, and a dashboard's sheets. Answers of the companion server's
 * `/api/connections/:cid/metadata/...` routes, read by the pane.
 */

/** Tableau's FieldRole (DIMENSION, MEASURE, UNKNOWN); null when the field kind has none (sets, combined fields). */
export type FieldRole = 'DIMENSION' | 'MEASURE' | 'UNKNOWN';

export interface MetaField {
  name: string;
  /** The description a data steward wrote in Tableau; "" when there is none. */
  description: string;
  /** Tableau's data type name (STRING, INTEGER, REAL, DATE, DATETIME, BOOLEAN, ...), or null. */
  dataType: string | null;
  role: FieldRole | null;
  /** NOMINAL, ORDINAL or QUANTITATIVE, or null. */
  dataCategory: string | null;
  /** A calculation's formula; absent for columns. */
  formula?: string;
  /** ColumnField, CalculatedField, BinField, GroupField ... (Tableau's own type names). */
  kind: string;
  isHidden: boolean;
  /** Names of the database tables the field comes from. */
  upstreamTables: string[];
}

export interface MetaTable {
  name: string;
  schema: string | null;
  fullName: string | null;
  /** The database (or file) the table is in, and its connection type (postgres, sqlserver, textscan ...). */
  database: { name: string; connectionType: string | null } | null;
}

export interface MetaDatasource {
  /** The REST id of the published data source (what VDS and the browse screens use). */
  luid: string;
  name: string;
  description: string;
  projectName: string | null;
  isCertified: boolean;
  tables: MetaTable[];
}

export interface MetaDatasourceWithFields extends MetaDatasource {
  fields: MetaField[];
}

export interface MetaSheetRef {
  /** The view's REST id; "" for a sheet that is not published as a view (hidden on a dashboard). */
  luid: string;
  name: string;
}

/**
 * `partial`: Tableau answered with a warning (its node limit was reached: NODE_LIMIT_EXCEEDED), so
 * lists may be incomplete.
 */
interface Partial {
  partial: boolean;
}

/** GET .../metadata/datasources/:luid/fields */
export interface DatasourceFieldsAnswer extends Partial {
  datasource: MetaDatasourceWithFields;
}

/** GET .../metadata/views/:luid/lineage: a sheet's or a dashboard's upstream data sources and tables. */
export interface ViewLineageAnswer extends Partial {
  view: { luid: string; name: string; kind: 'sheet' | 'dashboard' };
  workbook: { luid: string; name: string } | null;
  datasources: MetaDatasource[];
  /** Fields the sheet uses, with their meanings (a dashboard: its sheets' fields). */
  fields: MetaField[];
  /** A dashboard's sheets; [] for a sheet. */
  sheets: MetaSheetRef[];
}

/** GET .../metadata/workbooks/:luid/dashboards: each dashboard of a workbook with its sheets. */
export interface WorkbookDashboardsAnswer extends Partial {
  workbook: { luid: string; name: string };
  dashboards: Array<{ luid: string; name: string; sheets: MetaSheetRef[] }>;
}

/** GET .../metadata/views/:luid/datasources: the published data sources a sheet draws on, with all their fields. */
export interface SheetDatasourcesAnswer extends Partial {
  view: { luid: string; name: string };
  datasources: MetaDatasourceWithFields[];
  /** Names of the fields the sheet itself uses. */
  usedFields: string[];
}
