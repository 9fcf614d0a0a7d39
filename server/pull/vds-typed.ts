/**
 * VDS query-datasource response bytes → typed result stream. `meta` is sent before any byte is read
 * (types come from the query, vds-columns.ts); rows are sent as the body arrives, parsed a chunk's
 * worth of elements at a time (vds-scanner.ts): the body is never held whole.
 */
import type { CellValue, StreamMessage } from '../../common/stream.js';
import { encodedRowsMessage } from './encoded-rows.js';
import { PullDataError, toStreamError, withRowCount } from './errors.js';
import { precisionWarnings, quoteLongNumbers } from './precision.js';
import { batchSize, RowBatcher } from './row-batcher.js';
import { type VdsColumn, vdsColumnSpecs } from './vds-columns.js';
import { vdsErrorFromBody } from './vds-errors.js';
import { VdsBodyScanner, VdsScanError } from './vds-scanner.js';
import { dateMemo, transcodeArrays } from './vds-transcode.js';
import { converterFor, convertVdsValue, type Misfits } from './vds-values.js';

export interface VdsToTypedOptions {
  columns: VdsColumn[];
  returnFormat: 'OBJECTS' | 'ARRAYS';
  limit?: number;
  source?: string;
}

export async function* vdsToTyped(
  body: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
  opts: VdsToTypedOptions,
): AsyncGenerator<StreamMessage> {
  const progress = { rows: 0 };
  try {
    yield* typeVds(body, opts, progress);
  } catch (err) {
    if (err instanceof VdsScanError) yield toStreamError(new PullDataError('bad-response', err.message));
    // A body cut by Tableau: the words count the rows that had arrived (server/tableau network-errors.ts).
    else yield toStreamError(withRowCount(err, progress.rows));
  }
}

async function* typeVds(
  body: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
  opts: VdsToTypedOptions,
  progress: { rows: number },
): AsyncGenerator<StreamMessage> {
  const columns = vdsColumnSpecs(opts.columns);
  yield { kind: 'meta', columns, ...(opts.source ? { source: opts.source } : {}) };
  const width = columns.length;
  const keys = opts.columns.map((c) => c.key);
  const kinds = columns.map((c) => converterFor(c.type));
  const objects = opts.returnFormat === 'OBJECTS';
  const limit = opts.limit ?? Infinity;
  const scanner = new VdsBodyScanner();
  const batcher = new RowBatcher(batchSize(width));
  // One tally per column, so the end warnings can name the columns (precision.ts).
  const misfits: Misfits[] = columns.map(() => ({ count: 0 }));
  let rowCount = 0;
  let truncated = false;

  const toRows = (parsed: unknown[]): CellValue[][] => {
    const take = Math.min(parsed.length, limit - rowCount);
    if (take < parsed.length) truncated = true;
    const rows: CellValue[][] = new Array(take);
    for (let r = 0; r < take; r++) {
      const src = parsed[r];
      let row: CellValue[];
      if (objects) {
        if (!src || typeof src !== 'object' || Array.isArray(src)) throw badRow();
        const o = src as Record<string, unknown>;
        row = new Array(width);
        for (let j = 0; j < width; j++) row[j] = convertVdsValue(kinds[j], o[keys[j]], misfits[j]);
      } else {
        if (!Array.isArray(src) || src.length !== width) throw badRow();
        row = src as CellValue[];
        // In place: the parsed array is ours, and most cells (numbers, strings) come back unchanged.
        for (let j = 0; j < width; j++) row[j] = convertVdsValue(kinds[j], row[j], misfits[j]);
      }
      rows[r] = row;
    }
    rowCount += take;
    return rows;
  };

  // ARRAYS without a row limit: rows are re-encoded as text where they allow it (vds-transcode.ts),
  // kept apart from parsed rows so the order never changes.
  const fast = !objects && limit === Infinity;
  const memo = dateMemo();
  const size = batchSize(width);
  let encodedParts: string[] = [];
  let encodedCount = 0;
  const takeEncoded = (): StreamMessage | null => {
    if (!encodedCount) return null;
    const message = encodedRowsMessage(`[${encodedParts.join(',')}]`, encodedCount);
    encodedParts = [];
    encodedCount = 0;
    return message;
  };

  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (const text of scanner.feed(bytes)) {
      const transcoded = fast ? transcodeArrays(text, kinds, memo) : undefined;
      if (transcoded) {
        const parsedRows = batcher.flush();
        if (parsedRows) yield { kind: 'rows', rows: parsedRows };
        if (transcoded.count) encodedParts.push(transcoded.json.slice(1, -1));
        const long = transcoded.long;
        if (long) for (let j = 0; j < width; j++) misfits[j].long = (misfits[j].long ?? 0) + long[j];
        encodedCount += transcoded.count;
        rowCount += transcoded.count;
        if (encodedCount >= size) yield takeEncoded()!;
        continue;
      }
      const encoded = takeEncoded();
      if (encoded) yield encoded;
      // JSON.parse would round a 19-digit ID to a double before we see it: such tokens become strings first.
      const parsed = JSON.parse(quoteLongNumbers(text)) as unknown[];
      if (rowCount >= limit) {
        if (parsed.length) truncated = true;
        break;
      }
      const full = batcher.pushMany(toRows(parsed));
      if (full) yield { kind: 'rows', rows: full };
    }
    progress.rows = rowCount;
    if (truncated) break; // stop reading: the rest of the body is not needed
  }
  if (!truncated) {
    const outside = scanner.finish();
    const error = vdsErrorFromBody(outside, scanner.foundData);
    if (error) throw error;
  }
  const encoded = takeEncoded();
  if (encoded) yield encoded;
  const last = batcher.flush();
  if (last) yield { kind: 'rows', rows: last };
  const warnings: string[] = [];
  const misfitCount = misfits.reduce((sum, m) => sum + m.count, 0);
  if (misfitCount) {
    warnings.push(`${misfitCount} value${misfitCount === 1 ? '' : 's'} did not match the column type and were kept as text`);
  }
  const counted = (pick: (m: Misfits) => number | undefined) => columns.map((c, j) => ({ name: c.name, count: pick(misfits[j]) ?? 0 }));
  warnings.push(
    ...precisionWarnings(
      counted((m) => m.long),
      counted((m) => m.early),
    ),
  );
  yield { kind: 'end', rowCount, truncated, ...(warnings.length ? { warnings } : {}) };
}

function badRow(): PullDataError {
  return new PullDataError('bad-response', 'The data source sent a row in an unexpected shape');
}
