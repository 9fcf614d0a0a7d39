/**
 * VDS filters in Tableau's order of operations (help: "Tableau's Order of Operations"):
 * context filters first; then TOP N and CONDITION filters, computed on the rows the context filters
 * kept; then the other dimension filters; measure (aggregate) filters last, per output group.
 * MATCH is case-insensitive like Tableau's string comparisons on most connections; RANGE/MIN/MAX
 * bounds are inclusive (tableau-mcp 2026.1 description).
 */
import { filterFieldProblem } from '../../../vds/index.js';
import { parseDateTime, parseDay } from '../datasets/csv-file.js';
import { MS_PER_DAY, parseIsoDay, type Value } from '../datasets/types.js';
import { addMonths, truncDay, weekday } from './dates.js';
import { VdsError } from './errors.js';
import { iota, type RowExpr, type ValueType } from './expr.js';
import { groupRows, measureValues } from './group.js';
import type { QFilter, QFilterField } from './query-types.js';
import { type Resolved, resolvedType, type Resolver } from './resolve.js';

export interface Having {
  measure: Resolved;
  caption: string;
  keep: (v: Value) => boolean;
}

type RowPred = (i: number) => boolean;

function label(f: QFilterField): string {
  return f.calculation ?? (f.function ? `${f.function}(${f.fieldCaption})` : (f.fieldCaption ?? ''));
}

function normalise(type: ValueType, v: unknown): Value {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'number':
      return typeof v === 'number' ? v : Number(v);
    case 'boolean':
      return v === true || String(v).toLowerCase() === 'true';
    case 'date':
      return parseIsoDay(String(v).slice(0, 10)) ?? NaN;
    case 'datetime': {
      const ms = Date.parse(`${String(v).replace(' ', 'T')}Z`);
      return Number.isNaN(ms) ? NaN : ms;
    }
    default:
      return String(v);
  }
}

function quantitative(f: QFilter, min: number | undefined, max: number | undefined): (v: Value) => boolean {
  const nulls = f.includeNulls === true;
  switch (f.quantitativeFilterType) {
    case 'ONLY_NULL':
      return (v) => v === null;
    case 'ONLY_NON_NULL':
      return (v) => v !== null;
    default: {
      const lo = f.quantitativeFilterType === 'MAX' ? -Infinity : min;
      const hi = f.quantitativeFilterType === 'MIN' ? Infinity : max;
      if (lo === undefined || hi === undefined) {
        throw new VdsError(
          '400803',
          `The ${f.quantitativeFilterType} filter on ${label(f.field)} needs ${lo === undefined ? 'a minimum' : 'a maximum'}.`,
        );
      }
      return (v) => (v === null ? nulls : (v as number) >= lo && (v as number) <= hi);
    }
  }
}

/** [start, end) of a relative date filter, in days (or ms for MINUTES/HOURS). */
export function relativeRange(f: QFilter, now: number): { start: number; end: number; unit: 'day' | 'ms' } {
  const n = f.rangeN ?? 1;
  if ((f.dateRangeType === 'LASTN' || f.dateRangeType === 'NEXTN') && (f.rangeN === undefined || f.rangeN < 1)) {
    throw new VdsError('400803', `The ${f.dateRangeType} date filter on ${label(f.field)} needs rangeN of 1 or more.`);
  }
  const anchorDay = f.anchorDate ? parseIsoDay(f.anchorDate)! : Math.floor(now / MS_PER_DAY);
  if (f.periodType === 'MINUTES' || f.periodType === 'HOURS') {
    const size = f.periodType === 'MINUTES' ? 60_000 : 3_600_000;
    const anchor = f.anchorDate ? anchorDay * MS_PER_DAY : now;
    const p0 = Math.floor(anchor / size) * size;
    return { ...span(f.dateRangeType!, n, (k) => p0 + k * size, anchor + 1), unit: 'ms' };
  }
  const period = f.periodType!;
  const start0 =
    period === 'DAYS'
      ? anchorDay
      : period === 'WEEKS'
        ? anchorDay - weekday(anchorDay)
        : truncDay(period === 'MONTHS' ? 'TRUNC_MONTH' : period === 'QUARTERS' ? 'TRUNC_QUARTER' : 'TRUNC_YEAR', anchorDay);
  const step = (k: number): number =>
    period === 'DAYS'
      ? start0 + k
      : period === 'WEEKS'
        ? start0 + 7 * k
        : addMonths(start0, k * (period === 'MONTHS' ? 1 : period === 'QUARTERS' ? 3 : 12));
  return { ...span(f.dateRangeType!, n, step, anchorDay + 1), unit: 'day' };
}

function span(
  type: NonNullable<QFilter['dateRangeType']>,
  n: number,
  at: (k: number) => number,
  toDateEnd: number,
): { start: number; end: number } {
  switch (type) {
    case 'CURRENT':
      return { start: at(0), end: at(1) };
    case 'LAST':
      return { start: at(-1), end: at(0) };
    case 'NEXT':
      return { start: at(1), end: at(2) };
    // "Last 3 months" includes the current month in Tableau's relative date filter.
    case 'LASTN':
      return { start: at(1 - n), end: at(1) };
    case 'NEXTN':
      return { start: at(0), end: at(n) };
    case 'TODATE':
      return { start: at(0), end: toDateEnd };
  }
}

/** What a SET, MATCH, quantitative or relative date filter keeps, as a test on one value of `expr`'s type. */
type Typed = Pick<RowExpr, 'type' | 'dataType'>;

function valuePredicate(f: QFilter, expr: Typed, now: number): (v: Value) => boolean {
  const exclude = f.exclude === true;
  switch (f.filterType) {
    case 'SET': {
      const wanted = new Set((f.values ?? []).map((v) => normalise(expr.type, v)));
      return (v) => wanted.has(v) !== exclude;
    }
    case 'MATCH': {
      const [sw, ew, ct] = [f.startsWith, f.endsWith, f.contains].map((s) => s?.toLowerCase());
      if (sw === undefined && ew === undefined && ct === undefined)
        throw new VdsError('400803', `The MATCH filter on ${label(f.field)} needs startsWith, endsWith or contains.`);
      return (v) => {
        if (v === null) return false;
        const s = String(v).toLowerCase();
        const hit = (sw === undefined || s.startsWith(sw)) && (ew === undefined || s.endsWith(ew)) && (ct === undefined || s.includes(ct));
        return hit !== exclude;
      };
    }
    case 'QUANTITATIVE_NUMERICAL': {
      if (expr.type !== 'number')
        throw new VdsError('400803', `A numerical filter can't be applied to ${label(f.field)}, a ${expr.dataType} field.`);
      return quantitative(f, f.min, f.max);
    }
    case 'QUANTITATIVE_DATE': {
      if (expr.type !== 'date' && expr.type !== 'datetime')
        throw new VdsError('400803', `A date filter can't be applied to ${label(f.field)}, a ${expr.dataType} field.`);
      const keep = quantitative(f, f.minDate ? parseIsoDay(f.minDate) : undefined, f.maxDate ? parseIsoDay(f.maxDate) : undefined);
      const toDay = expr.type === 'datetime' ? (v: number) => Math.floor(v / MS_PER_DAY) : (v: number) => v;
      return (v) => keep(v === null ? null : toDay(v as number));
    }
    case 'DATE': {
      if (expr.type !== 'date' && expr.type !== 'datetime')
        throw new VdsError('400803', `A relative date filter can't be applied to ${label(f.field)}, a ${expr.dataType} field.`);
      const { start, end, unit } = relativeRange(f, now);
      const scale = unit === 'ms' && expr.type === 'date' ? MS_PER_DAY : 1;
      const down = unit === 'day' && expr.type === 'datetime' ? MS_PER_DAY : 1;
      const nulls = f.includeNulls === true;
      return (raw) => {
        if (raw === null) return nulls;
        const v = Math.floor(((raw as number) * scale) / down);
        return v >= start && v < end;
      };
    }
    default:
      throw new VdsError('400803', `Unsupported filter type ${f.filterType}.`);
  }
}

function rowPredicate(f: QFilter, expr: RowExpr, now: number): RowPred {
  const keep = valuePredicate(f, expr, now);
  return (i) => keep(expr.at(i));
}

function compare(op: string, a: Value, b: Value): boolean {
  if (a === null || b === null) return false;
  switch (op) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** Members of the dimension that a TOP or CONDITION filter keeps, computed over `rows`. */
function memberPredicate(f: QFilter, dim: RowExpr, resolver: Resolver, rows: Uint32Array): RowPred {
  const groups = groupRows(rows, [dim], false);
  let measure: Resolved;
  let keep: (v: Value) => boolean = (v) => v === true;
  if (f.filterType === 'TOP') {
    if (!f.fieldToMeasure) throw new VdsError('400803', `The TOP filter on ${label(f.field)} needs fieldToMeasure.`);
    measure = resolver.resolve(f.fieldToMeasure);
  } else if (f.condition) {
    const c = f.condition;
    measure = resolver.resolve({ fieldCaption: c.fieldCaption, function: c.function });
    keep = (v) => compare(c.comparison, v, c.value as Value);
  } else if (f.calculation !== undefined) {
    measure = resolver.resolve({ calculation: f.calculation });
  } else throw new VdsError('400803', `The CONDITION filter on ${label(f.field)} needs a condition or a calculation.`);
  if (measure.level === 'row') throw new VdsError('400803', `The ${f.filterType} filter on ${label(f.field)} needs an aggregated measure.`);
  const value = measureValues(measure, groups, label(f.fieldToMeasure ?? f.field));
  const key = dim.key ?? dim.at;
  let chosen: number[] = Array.from({ length: groups.groupCount }, (_, g) => g);
  if (f.filterType === 'TOP') {
    const dir = f.direction === 'BOTTOM' ? 1 : -1;
    const vals = chosen.map(value);
    chosen.sort((a, b) => {
      const va = vals[a],
        vb = vals[b];
      if (va === null || vb === null) return va === vb ? a - b : va === null ? 1 : -1;
      return va === vb ? a - b : (va < vb ? -1 : 1) * dir;
    });
    chosen = chosen.slice(0, Math.max(0, f.howMany ?? 0));
  } else chosen = chosen.filter((g) => keep(value(g)));
  const members = new Set(chosen.map((g) => key(groups.firstRow[g])));
  return (i) => members.has(key(i));
}

function filterRows(rows: Uint32Array, preds: RowPred[]): Uint32Array {
  if (preds.length === 0) return rows;
  const out = new Uint32Array(rows.length);
  let m = 0;
  outer: for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    for (const p of preds) if (!p(r)) continue outer;
    out[m++] = r;
  }
  return out.subarray(0, m);
}

/** Parses a vf_ value by the field's type; a value that does not parse matches nothing. */
function exactPredicate(expr: RowExpr, text: string): RowPred {
  let wanted: Value;
  switch (expr.type) {
    case 'number':
      wanted = text.trim() === '' ? NaN : Number(text);
      break;
    case 'boolean':
      wanted = /^true$/i.test(text) ? true : /^false$/i.test(text) ? false : NaN;
      break;
    case 'date':
      wanted = parseDay(text) ?? NaN;
      break;
    case 'datetime':
      wanted = parseDateTime(text) ?? (parseDay(text) ?? NaN) * MS_PER_DAY;
      break;
    default:
      wanted = text;
  }
  return (i) => expr.at(i) === wanted;
}

export function applyFilters(
  resolver: Resolver,
  filters: QFilter[],
  now = Date.now(),
  exact: Array<{ fieldCaption: string; value: string }> = [],
  relaxedFilterFields = false,
): { rows: Uint32Array; having: Having[] } {
  const seen = new Set<string>();
  for (const f of filters) {
    const k = label(f.field);
    if (seen.has(k)) throw new VdsError('400803', `Only one filter per field is allowed; ${k} has more than one.`);
    seen.add(k);
  }
  let rows: Uint32Array = iota(Uint32Array, resolver.dataset.rowCount);
  const having: Having[] = [];
  const plan = filters.map((f) => {
    const problem = filterFieldProblem(f, relaxedFilterFields);
    if (problem) throw new VdsError('400803', problem);
    return { f, target: resolver.resolve(f.field) };
  });
  const stage = (context: boolean): void => {
    const preds: RowPred[] = [];
    const members: QFilter[] = [];
    for (const { f, target } of plan.filter((p) => (p.f.context === true) === context)) {
      if (f.filterType === 'TOP' || f.filterType === 'CONDITION') {
        if (target.level !== 'row') throw new VdsError('400803', `The ${f.filterType} filter needs a dimension, not ${label(f.field)}.`);
        members.push(f);
      } else if (target.level === 'row') preds.push(rowPredicate(f, target.expr, now));
      else if (f.filterType === 'QUANTITATIVE_NUMERICAL')
        having.push({ measure: target, caption: label(f.field), keep: quantitative(f, f.min, f.max) });
      // 2026.1: a SET, MATCH or relative DATE filter on an aggregate (SUM(Sales) in [..], a MAX([Order
      // Date]) calculation) keeps the output groups whose aggregate passes, like a measure filter.
      else if (relaxedFilterFields && (f.filterType === 'SET' || f.filterType === 'MATCH' || f.filterType === 'DATE'))
        having.push({ measure: target, caption: label(f.field), keep: valuePredicate(f, resolvedType(target), now) });
      else throw new VdsError('400803', `A ${f.filterType} filter can't be applied to the aggregate ${label(f.field)}.`);
    }
    if (!context) {
      for (const e of exact) {
        const target = resolver.resolve({ fieldCaption: e.fieldCaption });
        if (target.level === 'row') preds.push(exactPredicate(target.expr, e.value));
      }
    }
    const base = rows;
    const memberPreds = members.map((f) => memberPredicate(f, (resolver.resolve(f.field) as { expr: RowExpr }).expr, resolver, base));
    rows = filterRows(rows, [...preds, ...memberPreds]);
  };
  stage(true);
  stage(false);
  return { rows, having };
}
