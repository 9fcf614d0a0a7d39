import type { CellValue, ColumnSpec, StreamEnd, StreamMessage, StreamProgress } from '../../../common/stream.js';
import { ApiError } from '../../api/errors.js';

/**
 * Splits a pull into its header and an async iterable of row batches for WorkbookGateway.writeTable,
 * so batches are written as they arrive. An `error` message becomes a thrown ApiError (the
 * gateway then stops writing); `end` is remembered for the caller.
 */
export async function splitPull(
  messages: AsyncGenerator<StreamMessage>,
  onProgress?: (message: StreamProgress) => void,
): Promise<{ columns: ColumnSpec[]; batches: AsyncIterable<CellValue[][]>; end(): StreamEnd | null; failure(): ApiError | null }> {
  let end: StreamEnd | null = null;
  // The gateway wraps whatever the row source throws in its own error type; keep the server's
  // original words (message + hint) so the pane can show them.
  let failure: ApiError | null = null;
  let columns: ColumnSpec[] | null = null;
  while (!columns) {
    const next = await messages.next();
    if (next.done) throw new ApiError({ code: 'stream-cut', message: 'The companion server sent no data' });
    const msg = next.value;
    if (msg.kind === 'meta') columns = msg.columns;
    else if (msg.kind === 'progress') onProgress?.(msg);
    else if (msg.kind === 'error') throw new ApiError(msg.error);
    else throw new ApiError({ code: 'stream-damaged', message: 'The result stream did not start with its columns' });
  }
  async function* batches(): AsyncGenerator<CellValue[][]> {
    try {
      for (;;) {
        const next = await messages.next();
        if (next.done) return;
        const msg = next.value;
        if (msg.kind === 'rows') yield msg.rows;
        else if (msg.kind === 'progress') onProgress?.(msg);
        else if (msg.kind === 'error') throw (failure = new ApiError(msg.error));
        else if (msg.kind === 'end') {
          end = msg;
          return;
        }
      }
    } catch (error) {
      failure ??= error instanceof ApiError ? error : null;
      throw error;
    } finally {
      // The writer stopped early (cancel, collision): release the HTTP body.
      await messages.return(undefined);
    }
  }
  return { columns, batches: batches(), end: () => end, failure: () => failure };
}
