/** Grouping of filtered rows by dimension keys, and per-group evaluation of measures. */
import type { Value } from '../datasets/types.js';
import { aggregate, type Grouping } from './aggregate.js';
import { iota, type RowExpr } from './expr.js';
import type { Resolved } from './resolve.js';

export interface Groups extends Grouping {
  /** First row (dataset index) of each group: dimension values are read from it. */
  firstRow: Uint32Array;
}

/**
 * Groups `rows` by the dimension expressions. A unique column among the dimensions (Row ID) or
 * `disaggregate` makes every row its own group without hashing, which keeps a 1,000,000-row
 * unaggregated query cheap.
 */
export function groupRows(rows: Uint32Array, dims: RowExpr[], disaggregate: boolean): Groups {
  const n = rows.length;
  if (disaggregate || dims.some((d) => d.column?.unique)) {
    return { rows, groupOf: iota(Int32Array, n), groupCount: n, firstRow: rows };
  }
  const groupOf = new Int32Array(n);
  const first: number[] = [];
  if (dims.length === 0) {
    if (n > 0) first.push(rows[0]);
    return { rows, groupOf, groupCount: first.length, firstRow: Uint32Array.from(first) };
  }
  const keys = dims.map((d) => d.key ?? d.at);
  const index = new Map<Value, number>();
  // Dictionary-coded dimensions combine into one number (mixed radix) instead of a string key.
  const radix =
    dims.every((d) => d.cardinality !== undefined) && dims.reduce((p, d) => p * d.cardinality!, 1) < 2 ** 52
      ? dims.map((d) => d.cardinality!)
      : undefined;
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    let key: Value;
    if (keys.length === 1) key = keys[0](r);
    else if (radix) {
      let acc = 0;
      for (let d = 0; d < keys.length; d++) acc = acc * radix[d] + (keys[d](r) as number);
      key = acc;
    } else {
      key = '';
      for (const f of keys) {
        const v = f(r);
        key += v === null ? '\u0000N\u0001' : `${String(v)}\u0001`;
      }
    }
    let g = index.get(key);
    if (g === undefined) {
      g = first.length;
      first.push(r);
      index.set(key, g);
    }
    groupOf[k] = g;
  }
  return { rows, groupOf, groupCount: first.length, firstRow: Uint32Array.from(first) };
}

/** Per-group value of a measure (aggregation or aggregate calculation); row-level = first row's value. */
export function measureValues(m: Resolved, g: Groups, caption: string): (group: number) => Value {
  switch (m.level) {
    case 'row':
      return (group) => m.expr.at(g.firstRow[group]);
    case 'agg':
      return aggregate(m.fn, m.arg, g, caption).get;
    case 'calc':
      return m.calc.bind(m.calc.aggs.map((a) => aggregate(a.fn, a.arg, g, caption)));
  }
}
