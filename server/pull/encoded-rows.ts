/**
 * `rows` messages that already hold their own JSON text. A VDS ARRAYS answer whose cells need no
 * conversion except date text → serial is re-encoded as text (vds-transcode.ts): the server then
 * never builds the rows as objects just to stringify them again (for 1M rows that round trip was
 * most of the server's CPU, bench vds_1m_vs_json_parse). `rows` is still a real CellValue[][] for
 * any reader: it is parsed from the text on first access.
 */
import { encodeMessage } from '../../common/ndjson.js';
import type { CellValue, StreamMessage } from '../../common/stream.js';

interface Encoded {
  json: string;
  count: number;
}

const encoded = new WeakMap<object, Encoded>();

/** A rows message of `count` rows whose `rows` array is the JSON text `json` ("[[...],...]"). */
export function encodedRowsMessage(json: string, count: number): Extract<StreamMessage, { kind: 'rows' }> {
  let rows: CellValue[][] | undefined;
  const message = {
    kind: 'rows' as const,
    get rows(): CellValue[][] {
      return (rows ??= JSON.parse(json) as CellValue[][]);
    },
  };
  encoded.set(message, { json, count });
  return message;
}

/** How many rows a message carries, without parsing pre-encoded rows. */
export function rowCountOf(message: StreamMessage): number {
  if (message.kind !== 'rows') return 0;
  return encoded.get(message)?.count ?? message.rows.length;
}

/** The NDJSON line of a message (common/ndjson.ts encodeMessage), reusing pre-encoded rows. */
export function encodeLine(message: StreamMessage): string {
  const pre = encoded.get(message);
  return pre ? `{"kind":"rows","rows":${pre.json}}\n` : encodeMessage(message);
}
