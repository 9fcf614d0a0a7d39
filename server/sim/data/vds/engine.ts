/**
 * The simulator's query engine: filters → groups → measures → measure filters → sort → rowLimit.
 * Results stay columnar; rows are materialised one at a time while the response streams.
 */
import type { Dataset, DataType, Value } from '../datasets/types.js';
import { VdsError } from './errors.js';
import type { RowExpr, ValueType } from './expr.js';
import { applyFilters } from './filters.js';
import { groupRows, measureValues } from './group.js';
import type { QField, QueryOptions, VdsQueryBody } from './query-types.js';
import { type Resolved, resolvedType, Resolver } from './resolve.js';

export interface ResultColumn {
  /** Key in OBJECTS output: fieldAlias, else caption (dimensions) or FUNC(caption) (measures). */
  key: string;
  caption: string;
  type: ValueType;
  dataType: DataType;
  maxDecimalPlaces?: number;
}

export interface QueryResult {
  columns: ResultColumn[];
  rowCount: number;
  /** Internal values of result row k (dates as day numbers, date-times as epoch ms). */
  row(k: number): Value[];
  /** Rows before rowLimit cut the result. */
  totalRows: number;
}

function outputKey(f: QField): string {
  if (f.fieldAlias) return f.fieldAlias;
  if (f.function && f.function !== 'NONE' && f.function !== 'UNSPECIFIED' && f.calculation === undefined)
    return `${f.function}(${f.fieldCaption})`;
  return f.fieldCaption;
}

function binExpr(expr: RowExpr, size: number, caption: string): RowExpr {
  if (expr.type !== 'number') throw new VdsError('400803', `Bins need a numeric field; ${caption} is ${expr.dataType}.`);
  return {
    type: 'number',
    dataType: expr.dataType,
    at: (i) => {
      const v = expr.at(i) as number | null;
      return v === null ? null : Math.floor(v / size) * size;
    },
  };
}

function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export function runQuery(dataset: Dataset, query: VdsQueryBody, options: QueryOptions = {}): QueryResult {
  const resolver = new Resolver(dataset, query.parameters, options.captionsAreNames);
  if (query.fields.length === 0) throw new VdsError('400803', 'The query needs at least one field.');
  const resolved = query.fields.map((f): { f: QField; r: Resolved } => {
    if (f.tableCalculation !== undefined)
      throw new VdsError('501000', `Table calculations are not supported by this simulator (${f.fieldCaption}).`, 501);
    const r = resolver.resolve(
      f.calculation !== undefined ? { calculation: f.calculation } : { fieldCaption: f.fieldCaption, function: f.function },
    );
    if (f.binSize !== undefined) {
      if (r.level !== 'row') throw new VdsError('400803', `Bins need a row-level field; ${f.fieldCaption} is aggregated.`);
      return { f, r: { level: 'row', expr: binExpr(r.expr, f.binSize, f.fieldCaption) } };
    }
    return { f, r };
  });

  const { rows, having } = applyFilters(resolver, query.filters ?? [], options.now, options.exactMatch, options.relaxedFilterFields);
  const dims = resolved.filter((x) => x.r.level === 'row').map((x) => (x.r as { expr: RowExpr }).expr);
  const groups = groupRows(rows, dims, options.disaggregate === true);
  const getters = resolved.map(({ f, r }) => measureValues(r, groups, f.fieldCaption));

  // A loop, not Array.from with a mapper: this is one entry per row of an unaggregated 1M-row query.
  let kept: number[] = new Array<number>(groups.groupCount);
  for (let g = 0; g < groups.groupCount; g++) kept[g] = g;
  for (const h of having) {
    const value = measureValues(h.measure, groups, h.caption);
    kept = kept.filter((g) => h.keep(value(g)));
  }

  const sorts = resolved
    .map((x, index) => ({ index, priority: x.f.sortPriority, desc: x.f.sortDirection === 'DESC' }))
    .filter((s) => s.priority !== undefined || resolved[s.index].f.sortDirection !== undefined)
    .sort((a, b) => (a.priority ?? Number.MAX_SAFE_INTEGER) - (b.priority ?? Number.MAX_SAFE_INTEGER));
  if (sorts.length > 0) {
    const cols = sorts.map((s) => {
      const get = getters[s.index];
      const vals = new Map<number, Value>();
      for (const g of kept) vals.set(g, get(g));
      return vals;
    });
    kept.sort((a, b) => {
      for (let s = 0; s < sorts.length; s++) {
        const c = compareValues(cols[s].get(a)!, cols[s].get(b)!);
        if (c !== 0) return sorts[s].desc ? -c : c;
      }
      return a - b;
    });
  }
  const totalRows = kept.length;
  if (options.rowLimit !== undefined && kept.length > options.rowLimit) kept = kept.slice(0, options.rowLimit);

  const columns: ResultColumn[] = resolved.map(({ f, r }) => {
    const t = resolvedType(r);
    return { key: outputKey(f), caption: f.fieldCaption, type: t.type, dataType: t.dataType, maxDecimalPlaces: f.maxDecimalPlaces };
  });
  return {
    columns,
    rowCount: kept.length,
    totalRows,
    row: (k) => {
      const g = kept[k];
      return getters.map((get) => get(g));
    },
  };
}
