import { CANCELLED } from '../../common/errors.js';
import { decodeStream, decodeStreamLines, type LineReader, STREAM_ENDED_EARLY } from '../../common/ndjson.js';
import type { StreamMessage } from '../../common/stream.js';
import { ApiError, toApiError } from './errors.js';

/** The stream stopped before its terminal message (the socket closed, the server or a proxy cut it). */
export const CUT: ApiError['body'] = {
  code: 'stream-cut',
  message: 'The connection to the companion server dropped before all data arrived',
  hint: 'Try again; nothing partial was kept.',
};

/**
 * Decodes a typed result stream (common/stream.ts) as bytes arrive and guarantees a terminal
 * message: a stream that stops without `end`/`error` (server crash, proxy cut) yields an `error`
 * so a consumer never mistakes a partial result for a complete one.
 */
export function readStream(response: Response, signal?: AbortSignal): AsyncGenerator<StreamMessage> {
  return guarded(response, signal, (body) => decodeStream(body));
}

/** readStream with a LineReader offered each line's bytes first (common/ndjson.ts decodeStreamLines). */
export function readStreamLines<T extends { kind: string }>(
  response: Response,
  readLine: LineReader<T>,
  signal?: AbortSignal,
): AsyncGenerator<StreamMessage | T> {
  return guarded(response, signal, (body) => decodeStreamLines(body, readLine));
}

async function* guarded<M extends { kind: string }>(
  response: Response,
  signal: AbortSignal | undefined,
  decode: (body: ReadableStream<Uint8Array>) => AsyncGenerator<M>,
): AsyncGenerator<M | StreamMessage> {
  if (!response.body) {
    yield { kind: 'error', error: CUT };
    return;
  }
  let terminal = false;
  try {
    for await (const message of decode(response.body)) {
      yield message;
      if (message.kind === 'end' || message.kind === 'error') {
        terminal = true;
        return;
      }
    }
  } catch (error) {
    if (signal?.aborted) throw toApiError(error);
    // A TypeError mid-body means the socket closed: say "dropped", not "cannot reach".
    if (error instanceof TypeError || (error instanceof Error && error.message === STREAM_ENDED_EARLY)) {
      yield { kind: 'error', error: CUT };
    } else {
      const message = error instanceof Error ? error.message : 'The result stream is damaged';
      yield { kind: 'error', error: { code: 'stream-damaged', message, hint: 'Try again; nothing partial was kept.' } };
    }
    return;
  }
  if (!terminal) {
    if (signal?.aborted) throw new ApiError(CANCELLED);
    yield { kind: 'error', error: CUT };
  }
}
