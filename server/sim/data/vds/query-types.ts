/** VDS query shapes as the engine reads them (already checked against the OpenAPI schema). */

export interface QField {
  fieldCaption: string;
  function?: string;
  calculation?: string;
  fieldAlias?: string;
  maxDecimalPlaces?: number;
  sortDirection?: 'ASC' | 'DESC';
  sortPriority?: number;
  binSize?: number;
  tableCalculation?: unknown;
}

export interface QFilterField {
  fieldCaption?: string;
  function?: string;
  calculation?: string;
}

export interface QFilter {
  field: QFilterField;
  filterType: 'SET' | 'MATCH' | 'QUANTITATIVE_NUMERICAL' | 'QUANTITATIVE_DATE' | 'DATE' | 'TOP' | 'CONDITION';
  context?: boolean;
  values?: unknown[];
  exclude?: boolean;
  contains?: string;
  startsWith?: string;
  endsWith?: string;
  quantitativeFilterType?: 'RANGE' | 'MIN' | 'MAX' | 'ONLY_NULL' | 'ONLY_NON_NULL';
  min?: number;
  max?: number;
  minDate?: string;
  maxDate?: string;
  includeNulls?: boolean;
  periodType?: 'MINUTES' | 'HOURS' | 'DAYS' | 'WEEKS' | 'MONTHS' | 'QUARTERS' | 'YEARS';
  dateRangeType?: 'CURRENT' | 'LAST' | 'LASTN' | 'NEXT' | 'NEXTN' | 'TODATE';
  rangeN?: number;
  anchorDate?: string;
  howMany?: number;
  direction?: 'TOP' | 'BOTTOM';
  fieldToMeasure?: QFilterField;
  condition?: { fieldCaption: string; function: string; comparison: '=' | '<>' | '<' | '<=' | '>' | '>='; value: unknown };
  calculation?: string;
}

export interface QParameter {
  parameterCaption: string;
  value: unknown;
}

export interface VdsQueryBody {
  fields: QField[];
  filters?: QFilter[];
  parameters?: QParameter[];
}

export interface QueryOptions {
  disaggregate?: boolean;
  rowLimit?: number;
  /** options.interpretFieldCaptionsAsFieldNames (20253.0+). */
  captionsAreNames?: boolean;
  /**
   * Exact-match filters of the REST view export (`vf_<field>=<value>`): the value is parsed by the
   * field's data type, with no operators (TSC PR #1835). Not part of VDS.
   */
  exactMatch?: Array<{ fieldCaption: string; value: string }>;
  /** 2026.1+: functions and calculations in SET, DATE and (calculations only) MATCH filters (filters.ts filterFieldProblem). */
  relaxedFilterFields?: boolean;
  /** "Today" for relative date filters without anchorDate (tests pin it). */
  now?: number;
}
