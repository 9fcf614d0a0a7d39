/**
 * Streams a query result as `{"data":[…]}`: prefix, rows in batches (pulled by the socket, so
 * backpressure comes for free), suffix. Values become VDS JSON: dates "YYYY-MM-DD", date-times
 * "YYYY-MM-DDTHH:MM:SS", numbers rounded to maxDecimalPlaces.
 */
import type { Value } from '../datasets/types.js';
import { isoDate, isoDateTime } from './dates.js';
import type { QueryResult, ResultColumn } from './engine.js';

const BATCH = 2_000;

function toJsonValue(v: Value, col: ResultColumn): Value {
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
  values.forEach((v, i) => {
    obj[result.columns[i].key] = toJsonValue(v, result.columns[i]);
  });
  return JSON.stringify(obj);
}

/**
 * One value converter per column. Dates are memoized: a result holds a few thousand distinct days
 * over up to a million rows, and formatting one is the costliest step of a row.
 */
function columnEncoders(columns: ResultColumn[]): Array<(v: Value) => Value> {
  return columns.map((col) => {
    if (col.type === 'date') {
      const memo = new Map<number, string>();
      return (v) => {
        if (v === null) return null;
        let s = memo.get(v as number);
        if (s === undefined) memo.set(v as number, (s = isoDate(v as number)));
        return s;
      };
    }
    return (v) => toJsonValue(v, col);
  });
}

/** Rows [start, end) as JSON array elements, comma-separated: one JSON.stringify per batch. */
function batchJson(
  result: QueryResult,
  start: number,
  end: number,
  format: 'OBJECTS' | 'ARRAYS',
  encoders: Array<(v: Value) => Value>,
): string {
  const width = result.columns.length;
  const rows: unknown[] = new Array(end - start);
  for (let k = start; k < end; k++) {
    const values = result.row(k);
    if (format === 'ARRAYS') {
      const out: Value[] = new Array(width);
      for (let i = 0; i < width; i++) out[i] = encoders[i](values[i]);
      rows[k - start] = out;
    } else {
      const obj: Record<string, Value> = {};
      for (let i = 0; i < width; i++) obj[result.columns[i].key] = encoders[i](values[i]);
      rows[k - start] = obj;
    }
  }
  const text = JSON.stringify(rows);
  return text.slice(1, -1);
}

/** The response body in chunks of BATCH rows, as bytes (ready for the socket and the query cache). */
export function* resultChunks(result: QueryResult, format: 'OBJECTS' | 'ARRAYS'): Generator<Buffer> {
  const encoders = columnEncoders(result.columns);
  yield Buffer.from('{"data":[');
  for (let start = 0; start < result.rowCount; start += BATCH) {
    const end = Math.min(result.rowCount, start + BATCH);
    yield Buffer.from(`${start > 0 ? ',' : ''}${batchJson(result, start, end, format, encoders)}`);
  }
  yield Buffer.from(']}');
}
