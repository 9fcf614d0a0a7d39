/**
 * Collects a whole typed result stream (common/stream.ts) into memory BEFORE anything is written:
 * a refresh must never leave a half-replaced table, so the workbook is only touched once `end`
 * has arrived. An `error` message, a stream without `meta`, or a network failure stops here.
 */
import type { CellValue, ColumnSpec, StreamMessage } from '../../../common/stream.js';
import { failureBody, RefreshFailure, throwIfAborted } from './failure.js';

export interface CollectedResult {
  columns: ColumnSpec[];
  rows: CellValue[][];
  rowCount: number;
  truncated: boolean;
  warnings: string[];
  source?: string;
}

interface CollectProgress {
  rowsReceived: number;
  /** Last `progress` message (e.g. "Refreshing the extract…"). */
  note?: string;
}

export async function collectStream(
  messages: AsyncIterable<StreamMessage>,
  signal?: AbortSignal,
  onProgress?: (p: CollectProgress) => void,
): Promise<CollectedResult> {
  let columns: ColumnSpec[] | null = null;
  let source: string | undefined;
  const rows: CellValue[][] = [];
  try {
    for await (const message of messages) {
      throwIfAborted(signal);
      switch (message.kind) {
        case 'meta':
          columns = message.columns;
          source = message.source;
          break;
        case 'rows':
          if (!columns) throw damaged('rows arrived before the column list');
          // push in a loop, not push(...batch): spreading a 100k-row batch overflows the call stack.
          for (const row of message.rows) rows.push(row);
          onProgress?.({ rowsReceived: rows.length });
          break;
        case 'progress':
          onProgress?.({ rowsReceived: rows.length, note: message.message });
          break;
        case 'error':
          throw new RefreshFailure(message.error);
        case 'end':
          if (!columns) throw damaged('it has no column list');
          if (message.rowCount !== rows.length) throw damaged(`it announced ${message.rowCount} rows but sent ${rows.length}`);
          return {
            columns,
            rows,
            rowCount: rows.length,
            truncated: message.truncated,
            warnings: message.warnings ?? [],
            ...(source ? { source } : {}),
          };
      }
    }
  } catch (error) {
    if (signal?.aborted) throwIfAborted(signal);
    throw error instanceof RefreshFailure ? error : new RefreshFailure(failureBody(error));
  }
  throw new RefreshFailure({
    code: 'stream-cut',
    message: 'The data stopped arriving before the end',
    hint: 'Try again; the table was left as it was.',
  });
}

function damaged(detail: string): RefreshFailure {
  return new RefreshFailure({
    code: 'stream-damaged',
    message: `The data from the server is damaged: ${detail}`,
    hint: 'Try again; the table was left as it was.',
  });
}
