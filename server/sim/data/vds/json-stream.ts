/**
 * Streams a query result as `{"data":[…]}` or as server-sent events: rows in batches pulled by the
 * socket, so backpressure comes for free. Values become VDS JSON: dates "YYYY-MM-DD", date-times
 * "YYYY-MM-DDTHH:MM:SS", numbers rounded to maxDecimalPlaces.
 */
import type { VdsStreamFault } from '../../faults.js';
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

export type ResultEncoding = 'json' | 'sse';

/** The first SSE batch is small so the first rows leave at once; Tableau documents only "some rows" per DATA event. */
const FIRST_SSE_BATCH = 100;

/** [start, end) row ranges of the answer: BATCH rows each (the first SSE one smaller), stopping at a fault. */
function* ranges(rowCount: number, encoding: ResultEncoding, stopAt: number): Generator<[number, number]> {
  const last = Math.min(rowCount, stopAt);
  let start = 0;
  let size = encoding === 'sse' ? FIRST_SSE_BATCH : BATCH;
  while (start < last) {
    const end = Math.min(last, start + size);
    yield [start, end];
    start = end;
    size = BATCH;
  }
}

/** TableauError as the mid-stream examples of vds_create_queries.html show it: no message, debug null. */
function streamErrorJson(errorCode: string): string {
  return JSON.stringify({ errorCode, datetime: new Date().toISOString(), debug: null });
}

/** One server-sent event whose data is one SseResultStream JSON (JSON.stringify never writes a raw newline). */
const sseEvent = (json: string): Buffer => Buffer.from(`data: ${json}\n\n`);

/**
 * The response body as bytes, produced lazily so each batch goes out when it is made (ready for the
 * socket and the query cache). JSON: `{"data":[…]}`, with an `error` key after the rows when a fault
 * stops it (vds_create_queries.html "Streaming and Error checking"). SSE: METADATA with the row count,
 * DATA events, and an ERROR event on a fault ("Server-sent event support"). A `cut` fault just stops:
 * the connection then closes without the rest.
 */
export function* resultChunks(
  result: QueryResult,
  format: 'OBJECTS' | 'ARRAYS',
  encoding: ResultEncoding = 'json',
  fault?: VdsStreamFault,
): Generator<Buffer> {
  const encoders = columnEncoders(result.columns);
  const stopAt = fault ? fault.afterRows : Infinity;
  if (encoding === 'sse') {
    yield sseEvent(`{"event":"METADATA","data":{"rowCount":${result.rowCount}}}`);
    for (const [start, end] of ranges(result.rowCount, encoding, stopAt)) {
      yield sseEvent(`{"event":"DATA","data":[${batchJson(result, start, end, format, encoders)}]}`);
    }
    if (fault?.kind === 'error') yield sseEvent(`{"event":"ERROR","data":${streamErrorJson(fault.errorCode)}}`);
    return;
  }
  yield Buffer.from('{"data":[');
  for (const [start, end] of ranges(result.rowCount, encoding, stopAt)) {
    yield Buffer.from(`${start > 0 ? ',' : ''}${batchJson(result, start, end, format, encoders)}`);
  }
  if (fault?.kind === 'cut') return;
  yield Buffer.from(fault ? `],"error":${streamErrorJson(fault.errorCode)}}` : ']}');
}
