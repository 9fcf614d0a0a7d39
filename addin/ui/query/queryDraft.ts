import type { DatasourceMetadata, FieldInfo, ParameterInfo } from '../../../common/api.js';
import type { DatasourceSource, VdsField, VdsQuery } from '../../../common/source.js';

/**
 * The query builder's editable state and its translation into a VizQL Data Service query
 * (schema: server/vds/schemas/vds-*.json; docs/tableau-rest.md#query).
 * Pure functions: the screen only edits a QueryDraft.
 */

export const MEASURE_FUNCTIONS = ['SUM', 'AVG', 'MEDIAN', 'COUNT', 'COUNTD', 'MIN', 'MAX', 'STDEV', 'VAR'] as const;
/** Date parts for a date dimension; VDS has no HOUR/MINUTE ("VDS doesn't support date-time aggregations"). */
export const DATE_FUNCTIONS = [
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'TRUNC_YEAR',
  'TRUNC_QUARTER',
  'TRUNC_MONTH',
  'TRUNC_WEEK',
  'TRUNC_DAY',
] as const;
export const PERIOD_TYPES = ['DAYS', 'WEEKS', 'MONTHS', 'QUARTERS', 'YEARS'] as const;
export const DATE_RANGE_TYPES = ['CURRENT', 'LAST', 'LASTN', 'NEXT', 'NEXTN', 'TODATE'] as const;

export type SortChoice = '' | 'ASC' | 'DESC';

export interface FieldChoice {
  fieldCaption: string;
  /** '' = no function (a plain dimension). Measures always carry one. */
  function: string;
  sort: SortChoice;
  /** Order in which the analyst turned sorts on: the first one chosen sorts first (sortPriority 1). */
  sortRank?: number;
  /** The column's name (VDS fieldAlias), when a prepared query gave one: "Sales" rather than "SUM(Sales)". */
  alias?: string;
}

/** Sets a field's sort, keeping the order in which sorts were chosen. */
export function setSort(fields: FieldChoice[], index: number, sort: SortChoice): FieldChoice[] {
  const nextRank = Math.max(0, ...fields.map((f) => f.sortRank ?? 0)) + 1;
  return fields.map((f, i) => {
    if (i !== index) return f;
    if (!sort) return { fieldCaption: f.fieldCaption, function: f.function, sort: '' };
    return { ...f, sort, sortRank: f.sort ? f.sortRank : nextRank };
  });
}

/** Fields whose caption contains the search text (case-insensitive), in the data source's order. */
export function fieldsMatching(fields: FieldInfo[], search: string): FieldInfo[] {
  const q = search.trim().toLocaleLowerCase();
  return q ? fields.filter((f) => f.fieldCaption.toLocaleLowerCase().includes(q)) : fields;
}

/** Appends the fields not chosen yet, in the order given, each with its default aggregation. */
export function addFields(chosen: FieldChoice[], captions: string[], byCaption: Map<string, FieldInfo>): FieldChoice[] {
  const have = new Set(chosen.map((f) => f.fieldCaption));
  const added: FieldChoice[] = [];
  for (const caption of captions) {
    const info = byCaption.get(caption);
    if (!info || have.has(caption)) continue;
    have.add(caption);
    added.push({ fieldCaption: caption, function: defaultFunction(info), sort: '' });
  }
  return [...chosen, ...added];
}

/** Moves a chosen field one place up (-1) or down (+1): the columns' order in the table. */
export function moveField(fields: FieldChoice[], index: number, by: -1 | 1): FieldChoice[] {
  const to = index + by;
  if (index < 0 || index >= fields.length || to < 0 || to >= fields.length) return fields;
  const next = [...fields];
  [next[index], next[to]] = [next[to], next[index]];
  return next;
}

export type FilterDraft =
  | { type: 'SET'; fieldCaption: string; values: string; exclude: boolean }
  | { type: 'MATCH'; fieldCaption: string; contains: string; exclude: boolean }
  | { type: 'RANGE'; fieldCaption: string; min: string; max: string }
  | { type: 'RELATIVE_DATE'; fieldCaption: string; periodType: string; dateRangeType: string; rangeN: string }
  | { type: 'TOP'; fieldCaption: string; howMany: string; direction: 'TOP' | 'BOTTOM'; measureCaption: string };

export type FilterType = FilterDraft['type'];

export interface QueryDraft {
  fields: FieldChoice[];
  filters: FilterDraft[];
  /** Parameter caption → value typed by the analyst ('' = keep the data source's value). */
  parameters: Record<string, string>;
  /** '' = no limit. */
  rowLimit: string;
}

export const emptyDraft = (): QueryDraft => ({ fields: [], filters: [], parameters: {}, rowLimit: '' });

export function isDateType(dataType: string): boolean {
  return dataType === 'DATE' || dataType === 'DATETIME';
}

function isNumericType(dataType: string): boolean {
  return dataType === 'INTEGER' || dataType === 'REAL';
}

/** The aggregation a newly chosen field starts with: the field's defaultAggregation for measures. */
function defaultFunction(field: FieldInfo): string {
  if (field.role !== 'MEASURE') return '';
  const fromServer = (field.defaultAggregation ?? '').toUpperCase();
  return (MEASURE_FUNCTIONS as readonly string[]).includes(fromServer) ? fromServer : 'SUM';
}

/** Which filters make sense for a field; VDS: set/match filters are for dimensions, no dates in SET. */
export function filterTypesFor(field: FieldInfo): FilterType[] {
  if (isDateType(field.dataType)) return ['RANGE', 'RELATIVE_DATE'];
  if (isNumericType(field.dataType)) return field.role === 'MEASURE' ? ['RANGE'] : ['RANGE', 'SET'];
  return ['SET', 'MATCH', 'TOP'];
}

export function newFilter(type: FilterType, fieldCaption: string, firstMeasure = ''): FilterDraft {
  switch (type) {
    case 'SET':
      return { type, fieldCaption, values: '', exclude: false };
    case 'MATCH':
      return { type, fieldCaption, contains: '', exclude: false };
    case 'RANGE':
      return { type, fieldCaption, min: '', max: '' };
    case 'RELATIVE_DATE':
      return { type, fieldCaption, periodType: 'MONTHS', dateRangeType: 'LASTN', rangeN: '3' };
    case 'TOP':
      return { type, fieldCaption, howMany: '10', direction: 'TOP', measureCaption: firstMeasure };
  }
}

interface BuiltQuery {
  source: DatasourceSource | null;
  errors: string[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A SET filter's typed values: one per line or comma-separated. */
export function splitValues(text: string): string[] {
  return text
    .split(/\r?\n|,/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function setValue(field: FieldInfo | undefined, raw: string): string | number | boolean {
  if (field && isNumericType(field.dataType) && Number.isFinite(Number(raw))) return Number(raw);
  if (field?.dataType === 'BOOLEAN' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return raw;
}

function buildFilter(draft: FilterDraft, fields: Map<string, FieldInfo>, errors: string[]): Record<string, unknown> | null {
  const field = fields.get(draft.fieldCaption);
  const label = draft.fieldCaption;
  const target = { fieldCaption: draft.fieldCaption };
  switch (draft.type) {
    case 'SET': {
      const values = splitValues(draft.values);
      if (values.length === 0) return (errors.push(`Filter on ${label}: type at least one value.`), null);
      return { field: target, filterType: 'SET', values: values.map((v) => setValue(field, v)), exclude: draft.exclude };
    }
    case 'MATCH': {
      if (!draft.contains.trim()) return (errors.push(`Filter on ${label}: type the text to look for.`), null);
      return { field: target, filterType: 'MATCH', contains: draft.contains.trim(), exclude: draft.exclude };
    }
    case 'RANGE':
      return buildRange(draft, field, errors);
    case 'RELATIVE_DATE': {
      const needsN = draft.dateRangeType === 'LASTN' || draft.dateRangeType === 'NEXTN';
      const n = Number(draft.rangeN);
      if (needsN && !(Number.isInteger(n) && n >= 1))
        return (errors.push(`Filter on ${label}: N must be a whole number of 1 or more.`), null);
      return {
        field: target,
        filterType: 'DATE',
        periodType: draft.periodType,
        dateRangeType: draft.dateRangeType,
        ...(needsN ? { rangeN: n } : {}),
      };
    }
    case 'TOP': {
      const n = Number(draft.howMany);
      if (!(Number.isInteger(n) && n >= 1))
        return (errors.push(`Top filter on ${label}: how many must be a whole number of 1 or more.`), null);
      const measure = fields.get(draft.measureCaption);
      if (!measure) return (errors.push(`Top filter on ${label}: choose the measure to rank by.`), null);
      return {
        field: target,
        filterType: 'TOP',
        howMany: n,
        direction: draft.direction,
        fieldToMeasure: { fieldCaption: measure.fieldCaption, function: defaultFunction({ ...measure, role: 'MEASURE' }) },
      };
    }
  }
}

function buildRange(draft: Extract<FilterDraft, { type: 'RANGE' }>, field: FieldInfo | undefined, errors: string[]) {
  const label = draft.fieldCaption;
  const min = draft.min.trim();
  const max = draft.max.trim();
  if (!min && !max) return (errors.push(`Range on ${label}: give a minimum, a maximum or both.`), null);
  const kind = min && max ? 'RANGE' : min ? 'MIN' : 'MAX';
  if (field && isDateType(field.dataType)) {
    for (const v of [min, max]) if (v && !ISO_DATE.test(v)) return (errors.push(`Range on ${label}: dates are written YYYY-MM-DD.`), null);
    if (min && max && min > max) return (errors.push(`Range on ${label}: the start date is after the end date.`), null);
    return {
      field: { fieldCaption: label },
      filterType: 'QUANTITATIVE_DATE',
      quantitativeFilterType: kind,
      ...(min ? { minDate: min } : {}),
      ...(max ? { maxDate: max } : {}),
    };
  }
  const lo = Number(min);
  const hi = Number(max);
  if ((min && !Number.isFinite(lo)) || (max && !Number.isFinite(hi)))
    return (errors.push(`Range on ${label}: use plain numbers like 1000 or 2.5.`), null);
  if (min && max && lo > hi) return (errors.push(`Range on ${label}: the minimum is larger than the maximum.`), null);
  return {
    field: { fieldCaption: label },
    filterType: 'QUANTITATIVE_NUMERICAL',
    quantitativeFilterType: kind,
    ...(min ? { min: lo } : {}),
    ...(max ? { max: hi } : {}),
  };
}

function parameterValue(param: ParameterInfo, raw: string): unknown {
  const type = param.dataType.toUpperCase();
  if ((type === 'INTEGER' || type === 'REAL') && Number.isFinite(Number(raw))) return Number(raw);
  if (type === 'BOOLEAN') return raw.toLowerCase() === 'true';
  return raw;
}

/** QueryDraft → the pull source, or the list of things the analyst must fix first (plain words). */
export function buildDatasourceSource(
  datasource: { id: string; name?: string },
  metadata: DatasourceMetadata,
  draft: QueryDraft,
): BuiltQuery {
  const errors: string[] = [];
  const byCaption = new Map(metadata.fields.map((f) => [f.fieldCaption, f]));
  if (draft.fields.length === 0) errors.push('Choose at least one field.');

  // sortPriority: "lowest sorts first" (VDS FieldBase), numbered 1..n in the order sorts were chosen.
  const sorted = draft.fields.filter((f) => f.sort).sort((a, b) => (a.sortRank ?? Infinity) - (b.sortRank ?? Infinity));
  const fields: VdsField[] = draft.fields.map((choice) => {
    const out: VdsField = { fieldCaption: choice.fieldCaption };
    if (choice.function) out.function = choice.function;
    if (choice.alias) out.fieldAlias = choice.alias;
    if (choice.sort) {
      out.sortDirection = choice.sort;
      out.sortPriority = sorted.indexOf(choice) + 1;
    }
    return out;
  });

  const seen = new Set<string>();
  const filters: Array<Record<string, unknown>> = [];
  for (const draftFilter of draft.filters) {
    // vds_limitations.html: "Within a query, you can only have one filter per field".
    if (seen.has(draftFilter.fieldCaption)) {
      errors.push(`Only one filter per field: ${draftFilter.fieldCaption} has two.`);
      continue;
    }
    seen.add(draftFilter.fieldCaption);
    const built = buildFilter(draftFilter, byCaption, errors);
    if (built) filters.push(built);
  }

  const parameters = metadata.parameters
    .filter((p) => (draft.parameters[p.parameterCaption] ?? '').trim() !== '')
    .map((p) => ({ parameterCaption: p.parameterCaption, value: parameterValue(p, draft.parameters[p.parameterCaption].trim()) }));

  let rowLimit: number | undefined;
  if (draft.rowLimit.trim()) {
    rowLimit = Number(draft.rowLimit);
    if (!(Number.isInteger(rowLimit) && rowLimit >= 1)) errors.push('Row limit must be a whole number of 1 or more.');
  }

  if (errors.length) return { source: null, errors };
  const query: VdsQuery = { fields };
  if (filters.length) query.filters = filters;
  if (parameters.length) query.parameters = parameters;
  const source: DatasourceSource = { kind: 'datasource', datasourceId: datasource.id, query };
  if (datasource.name) source.name = datasource.name;
  if (rowLimit !== undefined) source.rowLimit = rowLimit;
  return { source, errors: [] };
}
