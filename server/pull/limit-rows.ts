/**
 * The row limit of a pull (a preview, a query's row cap), applied to the typed result stream
 * (common/stream.ts) the same way for the pane's pulls and for scheduled snapshots.
 */
import type { StreamMessage } from '../../common/stream.js';
import { rowCountOf } from './encoded-rows.js';

/**
 * Cut the rows at `limit` (previews). `end.truncated` is true only when rows were really left out:
 * after the limit we look at what comes next instead of guessing.
 */
export async function* limitRows(source: AsyncIterable<StreamMessage>, limit?: number): AsyncGenerator<StreamMessage> {
  if (limit === undefined) return yield* source;
  let count = 0;
  for await (const m of source) {
    if (m.kind === 'rows') {
      const n = rowCountOf(m); // pre-encoded rows are not parsed just to be counted
      if (count >= limit) {
        if (n === 0) continue;
        yield { kind: 'end', rowCount: count, truncated: true };
        return;
      }
      const room = limit - count;
      if (n > room) {
        yield { kind: 'rows', rows: m.rows.slice(0, room) };
        yield { kind: 'end', rowCount: limit, truncated: true };
        return;
      }
      count += n;
      yield m;
    } else if (m.kind === 'end') {
      yield { ...m, rowCount: count };
      return;
    } else {
      yield m;
    }
  }
}
