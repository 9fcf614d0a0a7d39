/**
 * Typed result stream → NDJSON HTTP body for the routes. Readable.from pulls the next message only
 * when the socket wants more (backpressure reaches the producer, and through it Tableau's response).
 * Whatever happens, the body ends with exactly one terminal message: a thrown error becomes an
 * `error` message in plain words (toStreamError), and a producer that stops without `end` gets one.
 */
import { Readable } from 'node:stream';
import type { StreamMessage } from '../../common/stream.js';
import { encodeLine } from './encoded-rows.js';
import { PullDataError, toStreamError } from './errors.js';

/** Passes messages through and guarantees one terminal message, even when the producer throws. */
export async function* withTerminalError(messages: AsyncIterable<StreamMessage>): AsyncGenerator<StreamMessage> {
  try {
    for await (const msg of messages) {
      yield msg;
      if (msg.kind === 'end' || msg.kind === 'error') return;
    }
  } catch (err) {
    yield toStreamError(err);
    return;
  }
  yield toStreamError(new PullDataError('incomplete', 'The data source stopped before all rows were sent'));
}

export function typedStreamToNdjson(messages: AsyncIterable<StreamMessage>): NodeJS.ReadableStream {
  async function* lines(): AsyncGenerator<string> {
    for await (const msg of withTerminalError(messages)) yield encodeLine(msg);
  }
  return Readable.from(lines(), { objectMode: false, highWaterMark: 1 << 16 });
}
