/**
 * The fields SET, MATCH and relative DATE filters may take, by VDS version. Before 2026.1 neither a
 * function nor a calculation ("Set Filters, Match Filters, and Relative Date Filters can't have
 * functions or calculations", vds_create_queries.html "Some additional rules about filters";
 * tableau-mcp applies it below '2026.1.0' only: queryDatasource.ts getQueryDatasourceRules →
 * validateFilters.ts restrictFunctionsAndCalculationsInFilters). From 2026.1 SET and DATE take both,
 * MATCH takes a calculation but still no function (tableau-mcp PR #243 "Fix 260 filter schemas": set
 * and relative date filters take any FilterField, match filters a dimension or a calculation; its
 * queryDescription.2026.1.ts: "MATCH filters can only filter by field name or ad hoc calculations").
 * Every schema version allows any FilterField in any filter, so the schema check does not catch
 * this: the Tableau client checks it before sending (a refused query still costs quota) and the
 * simulator answers 400803 by it.
 */
import { schemaAtLeast, type VdsSchemaVersion } from './version.js';

interface FilterLike {
  filterType?: unknown;
  field?: { fieldCaption?: unknown; function?: unknown; calculation?: unknown } | null;
}

/** True from schema 20261.0 (Tableau 2026.1) on. */
export function filterFieldsRelaxed(version: VdsSchemaVersion): boolean {
  return schemaAtLeast(version, '20261.0');
}

function label(field: NonNullable<FilterLike['field']>): string {
  if (typeof field.calculation === 'string') return field.calculation;
  const caption = typeof field.fieldCaption === 'string' ? field.fieldCaption : '';
  return typeof field.function === 'string' ? `${field.function}(${caption})` : caption;
}

/** What is wrong with this filter's field under the rule, in plain words, or undefined. */
export function filterFieldProblem(filter: FilterLike, relaxed: boolean): string | undefined {
  const type = filter.filterType;
  if (type !== 'SET' && type !== 'MATCH' && type !== 'DATE') return undefined;
  const field = filter.field;
  if (!field) return undefined;
  const fn = field.function !== undefined;
  const calc = field.calculation !== undefined;
  if (!fn && !calc) return undefined;
  if (!relaxed) return `Set filters, match filters, and relative date filters can't have functions or calculations (${label(field)}).`;
  if (type === 'MATCH' && fn) return `Match filters can't have functions (${label(field)}); use a calculation instead.`;
  return undefined;
}

/** The problems of every filter in a query-datasource body (anything else is the schema's business). */
export function queryFilterProblems(body: unknown, version: VdsSchemaVersion): string[] {
  const filters = (body as { query?: { filters?: unknown } } | null)?.query?.filters;
  if (!Array.isArray(filters)) return [];
  const relaxed = filterFieldsRelaxed(version);
  return filters.flatMap((f) => {
    const problem = f && typeof f === 'object' ? filterFieldProblem(f as FilterLike, relaxed) : undefined;
    return problem ? [problem] : [];
  });
}
