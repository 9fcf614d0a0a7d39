/** Row-level expressions: physical columns, date functions and compiled calculations. */
import { cellValue, type Column, type DataType, MS_PER_DAY, NULL_CODE, type Value } from '../datasets/types.js';
import { datePart, type DatePartFn, truncDay, type TruncFn } from './dates.js';

export type ValueType = 'number' | 'string' | 'boolean' | 'date' | 'datetime';

export interface RowExpr {
  type: ValueType;
  dataType: DataType;
  /** Value of row i: dates as day numbers, date-times as epoch ms. */
  at(i: number): Value;
  /** Cheap grouping key of row i (dictionary code for strings); defaults to `at`. */
  key?: (i: number) => Value;
  /** Number of distinct keys (dictionary size + 1 for null): lets grouping combine keys arithmetically. */
  cardinality?: number;
  /** Direct access for SUM/AVG fast paths (NaN = null). */
  numbers?: Float64Array;
  column?: Column;
}

export function typeOf(dataType: DataType): ValueType {
  switch (dataType) {
    case 'INTEGER':
    case 'REAL':
      return 'number';
    case 'STRING':
      return 'string';
    case 'BOOLEAN':
      return 'boolean';
    case 'DATE':
      return 'date';
    case 'DATETIME':
      return 'datetime';
  }
}

export function columnExpr(col: Column): RowExpr {
  const base = { type: typeOf(col.dataType), dataType: col.dataType, column: col, at: (i: number) => cellValue(col, i) };
  if (col.dataType === 'STRING') {
    const { codes } = col;
    const nullKey = col.dict.length;
    return { ...base, cardinality: nullKey + 1, key: (i) => (codes[i] === NULL_CODE ? nullKey : codes[i]) };
  }
  if (col.dataType === 'INTEGER' || col.dataType === 'REAL') return { ...base, numbers: col.values };
  if (col.dataType === 'BOOLEAN') {
    const raw = col.values;
    return { ...base, cardinality: 3, key: (i) => raw[i] };
  }
  return base;
}

/** Memoised per day: the same few thousand dates repeat across a million rows. */
function memo(f: (day: number) => number): (day: number) => number {
  const cache = new Map<number, number>();
  return (day) => {
    let v = cache.get(day);
    if (v === undefined) {
      v = f(day);
      cache.set(day, v);
    }
    return v;
  };
}

function dayOfValue(type: ValueType, v: number): number {
  return type === 'datetime' ? Math.floor(v / MS_PER_DAY) : v;
}

/** YEAR/QUARTER/MONTH/WEEK/DAY → integer; TRUNC_* → date (or date-time at midnight for DATETIME fields). */
export function dateFunctionExpr(fn: DatePartFn | TruncFn, arg: RowExpr): RowExpr {
  if (fn.startsWith('TRUNC_')) {
    const f = memo((day) => truncDay(fn as TruncFn, day));
    return {
      type: arg.type,
      dataType: arg.dataType,
      at: (i) => {
        const v = arg.at(i) as number | null;
        if (v === null) return null;
        const day = f(dayOfValue(arg.type, v));
        return arg.type === 'datetime' ? day * MS_PER_DAY : day;
      },
    };
  }
  const f = memo((day) => datePart(fn as DatePartFn, day));
  return {
    type: 'number',
    dataType: 'INTEGER',
    at: (i) => {
      const v = arg.at(i) as number | null;
      return v === null ? null : f(dayOfValue(arg.type, v));
    },
  };
}

/**
 * 0, 1, …, n-1 in a typed array. A plain loop: `Uint32Array.from({ length }, (_, i) => i)` calls a
 * function per element and took ~50 ms per million rows, most of an unaggregated 1M-row query.
 */
export function iota<T extends Uint32Array | Int32Array>(make: new (n: number) => T, n: number): T {
  const out = new make(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
