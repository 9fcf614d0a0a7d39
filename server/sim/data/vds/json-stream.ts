/**
 * Streams a query result as `{"data":[…]}`: prefix, rows in batches (pulled by the socket, so
 * backpressure comes for free), suffix. Values become VDS JSON: dates "YYYY-MM-DD", date-times
 * "YYYY-MM-DDTHH:MM:SS", numbers rounded to maxDecimalPlaces.
 */
import { Readable } from 'node:stream';
import type { Value } from '../datasets/types.js';
import { isoDate, isoDateTime } from './dates.js';
import type { QueryResult, ResultColumn } from './engine.js';

const BATCH = 2_000;

export function toJsonValue(v: Value, col: ResultColumn): Value {
  if (v === null) return null;
  if (col.type === 'date') return isoDate(v as number);
  if (col.type === 'datetime') return isoDateTime(v as number);
  if (typeof v === 'number' && col.maxDecimalPlaces !== undefined) {
    const f = 10 ** col.maxDecimalPlaces;
    return Math.round(v * f) / f;
  }
  return v;
}

export function rowJson(result: QueryResult, k: number, format: 'OBJECTS' | 'ARRAYS'): string {
  const values = result.row(k);
  if (format === 'ARRAYS') return JSON.stringify(values.map((v, i) => toJsonValue(v, result.columns[i])));
  const obj: Record<string, Value> = {};
  values.forEach((v, i) => { obj[result.columns[i].key] = toJsonValue(v, result.columns[i]); });
  return JSON.stringify(obj);
}

export function resultStream(result: QueryResult, format: 'OBJECTS' | 'ARRAYS'): Readable {
  return Readable.from((function* chunks() {
    yield '{"data":[';
    for (let start = 0; start < result.rowCount; start += BATCH) {
      const end = Math.min(result.rowCount, start + BATCH);
      const parts: string[] = [];
      for (let k = start; k < end; k++) parts.push(rowJson(result, k, format));
      yield `${start > 0 ? ',' : ''}${parts.join(',')}`;
    }
    yield ']}';
  })());
}
