/**
 * Aggregations over groups of rows, one pass over typed arrays where possible.
 * STDEV/VAR are sample statistics (n − 1) like Tableau's STDEV/VAR; nulls are ignored by every
 * aggregation and an all-null group yields null (COUNT/COUNTD yield 0).
 */
import type { Value } from '../datasets/types.js';
import { VdsError } from './errors.js';
import type { RowExpr } from './expr.js';

const AGG_FUNCTIONS = ['SUM', 'AVG', 'MEDIAN', 'COUNT', 'COUNTD', 'MIN', 'MAX', 'STDEV', 'VAR', 'ATTR'] as const;
export type AggFn = (typeof AGG_FUNCTIONS)[number];

export function isAggFn(name: string): name is AggFn {
  return (AGG_FUNCTIONS as readonly string[]).includes(name);
}

export interface Grouping {
  /** Row indices that passed the filters. */
  rows: Uint32Array;
  /** Group index of each entry of `rows`. */
  groupOf: Int32Array;
  groupCount: number;
}

export interface Aggregated {
  type: RowExpr['type'];
  dataType: RowExpr['dataType'];
  get(group: number): Value;
}

function numericOnly(fn: AggFn, arg: RowExpr, caption: string): void {
  if (arg.type !== 'number') throw new VdsError('400803', `${fn} can't be applied to ${caption}, a ${arg.dataType} field.`);
}

export function aggregate(fn: AggFn, arg: RowExpr, g: Grouping, caption: string): Aggregated {
  const { rows, groupOf, groupCount } = g;
  const n = rows.length;
  switch (fn) {
    case 'SUM':
    case 'AVG': {
      numericOnly(fn, arg, caption);
      const sums = new Float64Array(groupCount);
      const counts = new Uint32Array(groupCount);
      const raw = arg.numbers;
      for (let k = 0; k < n; k++) {
        const v = raw ? raw[rows[k]] : (arg.at(rows[k]) as number | null);
        if (v === null || Number.isNaN(v)) continue;
        sums[groupOf[k]] += v;
        counts[groupOf[k]]++;
      }
      const integer = fn === 'SUM' && arg.dataType === 'INTEGER';
      return {
        type: 'number',
        dataType: integer ? 'INTEGER' : 'REAL',
        get: (i) => (counts[i] === 0 ? null : fn === 'SUM' ? sums[i] : sums[i] / counts[i]),
      };
    }
    case 'COUNT': {
      const counts = new Uint32Array(groupCount);
      for (let k = 0; k < n; k++) if (arg.at(rows[k]) !== null) counts[groupOf[k]]++;
      return { type: 'number', dataType: 'INTEGER', get: (i) => counts[i] };
    }
    case 'COUNTD': {
      const sets: Array<Set<Value>> = Array.from({ length: groupCount }, () => new Set());
      const key = arg.key ?? arg.at;
      for (let k = 0; k < n; k++) {
        const v = arg.at(rows[k]);
        if (v !== null) sets[groupOf[k]].add(key(rows[k]));
      }
      return { type: 'number', dataType: 'INTEGER', get: (i) => sets[i].size };
    }
    case 'MIN':
    case 'MAX':
    case 'ATTR': {
      const best: Value[] = new Array(groupCount).fill(null);
      const mixed = new Uint8Array(groupCount);
      for (let k = 0; k < n; k++) {
        const v = arg.at(rows[k]);
        if (v === null) continue;
        const i = groupOf[k];
        const cur = best[i];
        if (cur === null) best[i] = v;
        else if (fn === 'ATTR') {
          if (cur !== v) mixed[i] = 1;
        } else if (fn === 'MIN' ? v < cur : v > cur) best[i] = v;
      }
      return { type: arg.type, dataType: arg.dataType, get: (i) => (mixed[i] ? null : best[i]) };
    }
    case 'STDEV':
    case 'VAR': {
      numericOnly(fn, arg, caption);
      const count = new Uint32Array(groupCount);
      const mean = new Float64Array(groupCount);
      const m2 = new Float64Array(groupCount);
      for (let k = 0; k < n; k++) {
        const v = arg.at(rows[k]) as number | null;
        if (v === null) continue;
        const i = groupOf[k];
        const c = ++count[i];
        const delta = v - mean[i];
        mean[i] += delta / c;
        m2[i] += delta * (v - mean[i]);
      }
      return {
        type: 'number',
        dataType: 'REAL',
        get: (i) => (count[i] < 2 ? null : fn === 'VAR' ? m2[i] / (count[i] - 1) : Math.sqrt(m2[i] / (count[i] - 1))),
      };
    }
    case 'MEDIAN': {
      numericOnly(fn, arg, caption);
      const lists: number[][] = Array.from({ length: groupCount }, () => []);
      for (let k = 0; k < n; k++) {
        const v = arg.at(rows[k]) as number | null;
        if (v !== null) lists[groupOf[k]].push(v);
      }
      const medians = lists.map((l) => {
        if (l.length === 0) return null;
        l.sort((a, b) => a - b);
        const mid = l.length >> 1;
        return l.length % 2 ? l[mid] : (l[mid - 1] + l[mid]) / 2;
      });
      return { type: 'number', dataType: 'REAL', get: (i) => medians[i] };
    }
  }
}
