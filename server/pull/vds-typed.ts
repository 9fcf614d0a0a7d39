/**
 * VDS query-datasource response bytes (a JSON body) → typed result stream. `meta` is sent before any
 * byte is read (types come from the query, vds-columns.ts); rows are sent as the body arrives, parsed
 * a chunk's worth of elements at a time (vds-scanner.ts, vds-rows.ts): the body is never held whole.
 * Tableau 2026.1+ streams this body too and may end it with an `error` key after some rows
 * (vds_create_queries "Streaming and Error checking"): that is checked at the end like any error body.
 */
import type { StreamMessage } from '../../common/stream.js';
import { PullDataError, toStreamError, withRowCount } from './errors.js';
import { pullWork } from './turn-budget.js';
import { vdsErrorFromBody } from './vds-errors.js';
import { VdsRowTyper, type VdsToTypedOptions } from './vds-rows.js';
import { VdsBodyScanner, VdsScanError } from './vds-scanner.js';

export type { VdsToTypedOptions } from './vds-rows.js';

export type VdsBody = AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream;

export async function* vdsToTyped(body: VdsBody, opts: VdsToTypedOptions): AsyncGenerator<StreamMessage> {
  const progress = { rows: 0 };
  try {
    yield* typeVds(body, opts, progress);
  } catch (err) {
    if (err instanceof VdsScanError) yield toStreamError(new PullDataError('bad-response', err.message));
    // A body cut by Tableau: the words count the rows that had arrived (server/tableau network-errors.ts).
    else yield toStreamError(withRowCount(err, progress.rows));
  }
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

async function* typeVds(body: VdsBody, opts: VdsToTypedOptions, progress: { rows: number }): AsyncGenerator<StreamMessage> {
  const typer = new VdsRowTyper(opts);
  yield { kind: 'meta', columns: typer.columns, ...(opts.source ? { source: opts.source } : {}) };
  const scanner = new VdsBodyScanner();
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    // One chunk's rows are a slice of the server's shared budget per turn (turn-budget.ts).
    yield* pullWork.slice(function* () {
      for (const text of scanner.feed(toBuffer(chunk))) {
        yield* typer.push(text);
        if (typer.truncated) break;
      }
    });
    progress.rows = typer.rowCount;
    if (typer.truncated) break; // stop reading: the rest of the body is not needed
  }
  if (!typer.truncated) {
    const outside = scanner.finish();
    const error = vdsErrorFromBody(outside, scanner.foundData);
    if (error) throw error;
  }
  yield* typer.finish();
}
