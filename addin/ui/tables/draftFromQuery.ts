/**
 * A stored VizQL Data Service query → the query builder's draft (ui/query/queryDraft.ts), the
 * inverse of buildDatasourceSource, so "Edit" reopens a table's query as the analyst built it.
 * Filters the builder cannot show (shapes it never produces) are reported, not silently dropped.
 */
import type { DatasourceSource } from '../../../common/source.js';
import type { FieldChoice, FilterDraft, QueryDraft } from '../query/queryDraft.js';

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function filterDraft(f: Record<string, unknown>): FilterDraft | null {
  const caption = (f.field as { fieldCaption?: unknown } | undefined)?.fieldCaption;
  if (typeof caption !== 'string') return null;
  switch (f.filterType) {
    case 'SET':
      return Array.isArray(f.values)
        ? { type: 'SET', fieldCaption: caption, values: f.values.map(String).join(', '), exclude: !!f.exclude }
        : null;
    case 'MATCH':
      return typeof f.contains === 'string' ? { type: 'MATCH', fieldCaption: caption, contains: f.contains, exclude: !!f.exclude } : null;
    case 'QUANTITATIVE_NUMERICAL':
      return { type: 'RANGE', fieldCaption: caption, min: str(f.min), max: str(f.max) };
    case 'QUANTITATIVE_DATE':
      return { type: 'RANGE', fieldCaption: caption, min: str(f.minDate), max: str(f.maxDate) };
    case 'DATE':
      return {
        type: 'RELATIVE_DATE',
        fieldCaption: caption,
        periodType: str(f.periodType),
        dateRangeType: str(f.dateRangeType),
        rangeN: str(f.rangeN),
      };
    case 'TOP': {
      const measure = (f.fieldToMeasure as { fieldCaption?: unknown } | undefined)?.fieldCaption;
      return {
        type: 'TOP',
        fieldCaption: caption,
        howMany: str(f.howMany),
        direction: f.direction === 'BOTTOM' ? 'BOTTOM' : 'TOP',
        measureCaption: typeof measure === 'string' ? measure : '',
      };
    }
    default:
      return null;
  }
}

export function draftFromQuery(source: DatasourceSource): { draft: QueryDraft; dropped: string[] } {
  const q = source.query;
  const bySort = q.fields.filter((f) => f.sortDirection).sort((a, b) => (a.sortPriority ?? Infinity) - (b.sortPriority ?? Infinity));
  const fields: FieldChoice[] = q.fields.map((f) => ({
    fieldCaption: f.fieldCaption,
    function: f.function ?? '',
    sort: f.sortDirection ?? '',
    ...(f.sortDirection ? { sortRank: bySort.indexOf(f) + 1 } : {}),
    ...(f.fieldAlias ? { alias: f.fieldAlias } : {}),
  }));
  const filters: FilterDraft[] = [];
  const dropped: string[] = [];
  for (const f of q.filters ?? []) {
    const d = filterDraft(f);
    if (d) filters.push(d);
    else
      dropped.push(
        `A ${str(f.filterType).toLowerCase() || 'custom'} filter on ${str((f.field as { fieldCaption?: unknown } | undefined)?.fieldCaption) || 'a field'} cannot be edited here.`,
      );
  }
  const parameters = Object.fromEntries((q.parameters ?? []).map((p) => [p.parameterCaption, str(p.value)]));
  return { draft: { fields, filters, parameters, rowLimit: source.rowLimit ? String(source.rowLimit) : '' }, dropped };
}
