/**
 * "The rows behind a summary view" as a VizQL Data Service query, in pure functions: which data source
 * field each column of the view's export shows, the finest grain the data source allows (a row
 * identifier), and the view's vf_ filters and parameters as VDS filters and parameters.
 *
 * Why it is needed: a view's export is its summary data (TSC#858,
 * https://github.com/tableau/server-client-python/issues/858; tableau-api-lib#102), and VDS groups
 * its result by every field asked for without an aggregation
 * (https://help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_create_queries.html), so
 * rows are truly row-level only when a field unique per row is among the fields. How it is derived:
 * docs/rows-behind.md.
 */
import type { FieldInfo, ParameterInfo } from '../../common/api.js';
import type { RowsBehindGrain } from '../../common/rows-behind.js';
import type { VdsField, VdsQuery } from '../../common/source.js';

/** A field of the view's sheet as the Metadata API names it: its name in the sheet and the data source field it stands for. */
export interface SheetField {
  name: string;
  /** The published data source's field (its caption), when the Metadata API says. */
  upstreamField?: string;
}

/** How a column of the export was matched to a data source field. */
export interface ColumnMatch {
  column: string;
  /** The data source field's caption; absent when nothing matched. */
  field?: string;
  /** The aggregation the column's header names (Sum of, Avg., …), which the rows keep for measures. */
  aggregation?: string;
  via?: 'caption' | 'sheet-field' | 'header';
}

/**
 * Header prefixes Tableau gives aggregated and date-part fields in a view's summary data ("Month of
 * Order Date", "Distinct count of Customer Name", "Sum of Sales"; the short forms "Avg. Discount"
 * and the function form "SUM(Sales)" too) → the VDS function they stand for.
 * https://help.tableau.com/current/pro/desktop/en-us/calculations_aggregation.htm (aggregation names)
 */
const HEADER_PREFIXES: Array<[RegExp, string]> = [
  [/^(?:sum of|sum)\s+(.+)$/i, 'SUM'],
  [/^(?:average of|avg\.?)\s+(.+)$/i, 'AVG'],
  [/^(?:median of|median)\s+(.+)$/i, 'MEDIAN'],
  [/^(?:count distinct of|distinct count of|countd of)\s+(.+)$/i, 'COUNTD'],
  [/^(?:count of|count|cnt)\s+(.+)$/i, 'COUNT'],
  [/^(?:minimum of|min\.?)\s+(.+)$/i, 'MIN'],
  [/^(?:maximum of|max\.?)\s+(.+)$/i, 'MAX'],
  [/^(?:attribute of|attr)\s+(.+)$/i, 'ATTR'],
  [/^(?:year|quarter|month|week|day|weekday|hour|minute|second)\s+of\s+(.+)$/i, 'DATEPART'],
];
const FUNCTION_FORM = /^(SUM|AVG|MEDIAN|COUNTD|COUNT|MIN|MAX|ATTR|AGG|YEAR|QUARTER|MONTH|WEEK|DAY|TRUNC_\w+)\((.+)\)$/i;

/** The field a column header names and the aggregation in front of it, or null when the header is plain. */
export function headerParts(header: string): { field: string; aggregation: string } | null {
  const fn = FUNCTION_FORM.exec(header.trim());
  if (fn) return { field: fn[2].trim(), aggregation: fn[1].toUpperCase() };
  for (const [pattern, aggregation] of HEADER_PREFIXES) {
    const m = pattern.exec(header.trim());
    if (m) return { field: m[1].trim(), aggregation };
  }
  return null;
}

const norm = (s: string) => s.trim().toLowerCase();

/**
 * Each export column → a data source field: the caption itself; else the sheet's field of that name
 * (the Metadata API says which data source field it stands for: a renamed field); else the field the
 * header names after an aggregation prefix. Generated columns ("Latitude (generated)") and
 * Measure Names / Measure Values match nothing.
 */
export function matchColumns(columns: string[], fields: FieldInfo[], sheetFields: SheetField[] = []): ColumnMatch[] {
  const byCaption = new Map(fields.map((f) => [norm(f.fieldCaption), f.fieldCaption]));
  const bySheetName = new Map(sheetFields.filter((s) => s.upstreamField).map((s) => [norm(s.name), s.upstreamField!]));
  return columns.map((column): ColumnMatch => {
    const direct = byCaption.get(norm(column));
    if (direct) return { column, field: direct, via: 'caption' };
    const upstream = bySheetName.get(norm(column));
    if (upstream && byCaption.has(norm(upstream))) return { column, field: byCaption.get(norm(upstream)), via: 'sheet-field' };
    const parts = headerParts(column);
    if (parts) {
      const named = byCaption.get(norm(parts.field)) ?? byCaption.get(norm(bySheetName.get(norm(parts.field)) ?? ''));
      if (named) return { column, field: named, aggregation: parts.aggregation, via: 'header' };
    }
    return { column };
  });
}

/** Names of fields unique per row of a data source, best first (Superstore's "Row ID"). */
const ROW_ID_NAMES = [
  /^row[\s_-]?id$/i,
  /^(?:row|line)[\s_-]?(?:number|no\.?|key)$/i,
  /^line[\s_-]?id$/i,
  /^(?:record|transaction line)[\s_-]?id$/i,
];
/** Names of keys that identify a business record, which may span several rows (an order's lines). */
const KEY_NAMES = [/\b(?:order|transaction|invoice|ticket|event|record)[\s_-]?(?:id|number|no\.?|key)$/i, /[\s_-]id$/i, /^id$/i];

export interface RowIdentifier {
  field: string;
  /** 'row': unique per row of the data source; 'key': identifies a record that may span rows. */
  grain: Exclude<RowsBehindGrain, 'view'>;
}

/**
 * The data source's row identifier, judged by name (neither read-metadata nor the Metadata API says
 * which field is unique): a "Row ID" first, else a record key such as "Order ID". Only dimensions
 * and whole numbers or text qualify (a measure named "… ID" is not an identifier).
 */
export function pickRowIdentifier(fields: FieldInfo[]): RowIdentifier | null {
  const candidates = fields.filter((f) => f.dataType === 'STRING' || f.dataType === 'INTEGER');
  for (const pattern of ROW_ID_NAMES) {
    const f = candidates.find((c) => pattern.test(c.fieldCaption.trim()));
    if (f) return { field: f.fieldCaption, grain: 'row' };
  }
  for (const pattern of KEY_NAMES) {
    const f = candidates.find((c) => c.role === 'DIMENSION' && pattern.test(c.fieldCaption.trim()));
    if (f) return { field: f.fieldCaption, grain: 'key' };
  }
  return null;
}

/** A vf_ value (always text in the URL) as the field's type wants it in a VDS filter, or null when it cannot be one. */
export function typedFilterValue(field: FieldInfo, text: string): string | number | boolean | null {
  switch (field.dataType) {
    case 'INTEGER':
    case 'REAL': {
      const n = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(n) ? n : null;
    }
    case 'BOOLEAN':
      return /^true$/i.test(text.trim()) ? true : /^false$/i.test(text.trim()) ? false : null;
    default:
      return text;
  }
}

export interface RowsBehindInput {
  /** The view export's column headers. */
  columns: string[];
  /** The published data source's fields (VDS read-metadata). */
  fields: FieldInfo[];
  parameters?: ParameterInfo[];
  /** The view's sheet fields from the Metadata API (none when it is off). */
  sheetFields?: SheetField[];
  /** The view's vf_ filters: field name (or the view's column header) → exact value. */
  filters?: Record<string, string>;
  /** vf_Parameters.<name> → value. */
  viewParameters?: Record<string, string>;
}

export interface RowsBehindPlan {
  query: VdsQuery;
  grain: RowsBehindGrain;
  /** The identifier used, when there is one. */
  identifier?: string;
  matches: ColumnMatch[];
  /** Plain sentences for the analyst: the grain, what could not be carried over. */
  notes: string[];
}

const isAggregateCalc = (f: FieldInfo) => f.role === 'MEASURE' && f.defaultAggregation === 'AGG';

/** The query field for one matched column at row grain. */
function rowField(field: FieldInfo, aggregation: string | undefined): VdsField {
  // An aggregate calculation (Profit Ratio = SUM([Profit])/SUM([Sales])) aggregates itself; a measure
  // keeps the view's aggregation (SUM of one row is that row's value), SUM by default. A count of a
  // dimension ("Distinct count of Customer Name") becomes the dimension itself: the rows show who.
  if (field.role !== 'MEASURE' || isAggregateCalc(field)) return { fieldCaption: field.fieldCaption };
  const fn = aggregation && ['SUM', 'AVG', 'MEDIAN', 'MIN', 'MAX'].includes(aggregation) ? aggregation : 'SUM';
  return { fieldCaption: field.fieldCaption, function: fn, fieldAlias: field.fieldCaption };
}

/**
 * The VDS query for the rows behind a view: the identifier first (sorted by it), then the view's
 * fields at row level, then any filtered field the view does not show (so the filter can be seen in
 * every row), with the vf_ filters as SET filters of one value (vf_ is an exact match: TSC PR#1835)
 * and the vf_ parameters as parameter overrides. Throws nothing: what cannot be carried is a note.
 */
export function planRowsBehind(input: RowsBehindInput): RowsBehindPlan {
  const { fields } = input;
  const byCaption = new Map(fields.map((f) => [f.fieldCaption, f]));
  const byLowerCaption = new Map(fields.map((f) => [norm(f.fieldCaption), f]));
  const matches = matchColumns(input.columns, fields, input.sheetFields);
  const notes: string[] = [];
  const identifier = pickRowIdentifier(fields);

  const queryFields: VdsField[] = [];
  const used = new Set<string>();
  const add = (f: VdsField) => {
    if (used.has(f.fieldCaption)) return;
    used.add(f.fieldCaption);
    queryFields.push(f);
  };
  if (identifier) add({ fieldCaption: identifier.field, sortDirection: 'ASC', sortPriority: 1 });
  for (const m of matches) if (m.field) add(rowField(byCaption.get(m.field)!, m.aggregation));
  // Fields the Metadata API says the sheet uses that no column showed (a field only on the sheet's
  // detail or tooltip, or shown under another name): the view's fields are theirs too.
  const viaSheet: string[] = [];
  for (const s of input.sheetFields ?? []) {
    const field = byLowerCaption.get(norm(s.upstreamField ?? s.name));
    if (!field || used.has(field.fieldCaption)) continue;
    add(rowField(field, undefined));
    viaSheet.push(field.fieldCaption);
  }
  if (viaSheet.length) notes.push(`From the sheet's fields (Metadata API), not among the view's columns: ${viaSheet.join(', ')}.`);

  const filters: Array<Record<string, unknown>> = [];
  const headerToField = new Map(matches.filter((m) => m.field && m.via !== 'header').map((m) => [norm(m.column), m.field!]));
  for (const [name, text] of Object.entries(input.filters ?? {})) {
    const field = byLowerCaption.get(norm(name)) ?? byCaption.get(headerToField.get(norm(name)) ?? '');
    if (!field) {
      notes.push(
        `The filter ${name} = ${text} names no field of the data source, so it is not applied to the rows (Tableau ignores it on the view too).`,
      );
      continue;
    }
    const value = typedFilterValue(field, text);
    if (value === null) {
      const type = field.dataType.toLowerCase();
      notes.push(
        `The filter ${name} = ${text} is not ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} value, so it is not applied to the rows.`,
      );
      continue;
    }
    if (filters.some((f) => (f.field as { fieldCaption: string }).fieldCaption === field.fieldCaption)) continue;
    filters.push({ field: { fieldCaption: field.fieldCaption }, filterType: 'SET', values: [value], exclude: false });
    add({ fieldCaption: field.fieldCaption });
  }

  const parameters: Array<{ parameterCaption: string; value: unknown }> = [];
  for (const [name, text] of Object.entries(input.viewParameters ?? {})) {
    const p = (input.parameters ?? []).find((x) => norm(x.parameterCaption) === norm(name));
    if (!p) {
      notes.push(`The parameter ${name} is not a parameter of the data source, so the rows do not use it.`);
      continue;
    }
    const numeric = /^(INTEGER|REAL)$/i.test(p.dataType);
    parameters.push({ parameterCaption: p.parameterCaption, value: numeric && Number.isFinite(Number(text)) ? Number(text) : text });
  }

  const unmatched = matches.filter((m) => !m.field).map((m) => m.column);
  if (unmatched.length)
    notes.push(`No field of the data source matches ${unmatched.map((c) => `"${c}"`).join(', ')}: left out of the rows.`);

  const grain: RowsBehindGrain = identifier?.grain ?? 'view';
  const summed = queryFields.filter((f) => f.function).map((f) => f.fieldCaption);
  if (grain === 'row') notes.unshift(`One row per row of the data source (${identifier!.field} tells them apart).`);
  else if (grain === 'key')
    notes.unshift(
      `The data source has no row identifier; the finest grain is one row per ${identifier!.field} and the fields shown` +
        (summed.length ? `: rows of one ${identifier!.field} with the same values are added up (${summed.join(', ')}).` : '.'),
    );
  else
    notes.unshift(
      'The data source has no row identifier, so rows with the same values in every field shown are one row' +
        (summed.length ? ` (${summed.join(', ')} added up).` : '.'),
    );
  notes.push(
    "Filters saved in the view itself (not in its URL) are not visible through Tableau's APIs: the rows may include rows the view leaves out.",
  );

  const query: VdsQuery = { fields: queryFields };
  if (filters.length) query.filters = filters;
  if (parameters.length) query.parameters = parameters;
  return { query, grain, ...(identifier ? { identifier: identifier.field } : {}), matches, notes };
}
