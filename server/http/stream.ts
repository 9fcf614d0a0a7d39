/**
 * Sending a typed result stream (common/stream.ts) over HTTP without ever holding the result:
 * messages flow from the producer to the socket one at a time, with backpressure, and a client
 * that goes away stops the producer (the for-await `break` calls the producer's `return()`, which
 * closes the Tableau download).
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { constants, createGzip } from 'node:zlib';

import type { StreamMessage } from '../../common/stream.js';
import { ApiError } from '../errors.js';
import { drainedOrClosed } from '../pull/drain.js';
import { encodeLine } from '../pull/encoded-rows.js';
import { pullWork } from '../pull/turn-budget.js';
import { toErrorReply } from './errors.js';

/**
 * Aborts when the client's connection closes before the answer was sent in full: Cancel in the pane
 * (the pane aborts its fetch) or a closed pane. Before the first byte a pull may still be waiting for
 * one of the site's export slots; the signal ends that wait at once (tableau/views.ts streamWithSlot).
 */
export function abortedWhenClientLeaves(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (res.writableFinished) return;
    controller.abort(
      new ApiError({ code: 'incomplete', message: 'The pane stopped waiting for this pull: nothing more is read from Tableau.' }),
    );
  });
  return controller.signal;
}

/**
 * Guarantees exactly one terminal message: a producer failure becomes `{kind:'error'}` (same
 * ApiErrorBody as an HTTP error), and a producer that stops without `end` is an error too.
 */
export async function* withTerminal(source: AsyncIterable<StreamMessage>, onError?: (err: unknown) => void): AsyncGenerator<StreamMessage> {
  try {
    for await (const m of source) {
      yield m;
      if (m.kind === 'end' || m.kind === 'error') return;
    }
    yield { kind: 'error', error: { code: 'incomplete', message: 'The data stream ended unexpectedly. Try again.' } };
  } catch (err) {
    onError?.(err);
    yield { kind: 'error', error: toErrorReply(err).body };
  }
}

/**
 * Pull the first message before any byte is sent: a failure there (unknown view, bad credentials)
 * is still a proper HTTP error status rather than a 200 with an error line.
 */
export async function peekFirst<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  return {
    [Symbol.asyncIterator]: () => {
      let sentFirst = false;
      return {
        next: async () => {
          if (!sentFirst) {
            sentFirst = true;
            return first;
          }
          return it.next();
        },
        return: async (value?: unknown) => {
          await it.return?.(value);
          return { done: true, value: undefined as T };
        },
      };
    },
  };
}

/**
 * NDJSON body. With gzip: level 1 (Z_BEST_SPEED; a rows batch is already redundant JSON, the higher
 * levels cost several times the CPU for a few percent), and one sync flush per message — each rows
 * message is a whole batch of thousands of rows, so the flush lets batches and progress arrive at
 * once without flushing per row.
 */
export function ndjsonBody(messages: AsyncIterable<StreamMessage>, gzip: boolean): Readable {
  if (!gzip) {
    return Readable.from(
      (async function* () {
        for await (const m of messages) yield encodedBytes(m);
      })(),
      { objectMode: false },
    );
  }
  const out = createGzip({ level: constants.Z_BEST_SPEED });
  void (async () => {
    try {
      for await (const m of messages) {
        if (out.destroyed) break;
        if (!out.write(encodedBytes(m))) await drainedOrClosed(out);
        if (out.destroyed) break;
        await new Promise<void>((resolve) => out.flush(constants.Z_SYNC_FLUSH, () => resolve()));
      }
      out.end();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}

/**
 * A message's NDJSON line as UTF-8 bytes, counted against the server's shared budget per turn
 * (pull/turn-budget.ts `charge`): encoding a batch of parsed rows is a few ms, and the bytes are
 * made here rather than by the socket's write, outside the budget. It runs right after the slice
 * that made the rows rather than in a later turn, so the rows die young.
 */
function encodedBytes(m: StreamMessage): Buffer {
  return pullWork.charge(() => Buffer.from(encodeLine(m)));
}

/** 127.0.0.1 (any 127/8), ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || v4.startsWith('127.');
}

/**
 * Compress the pull stream? Only when the client accepts gzip and is not on this machine: the
 * companion server normally runs on the analyst's own computer, where the bytes never cross a
 * network and compressing them only costs CPU on both ends (about half the server's and the
 * add-in's time for a 1M-row pull, bench vds_1m_vs_json_parse). `compressLoopback` forces it (tests).
 */
export function shouldCompress(acceptEncoding: string | undefined, remoteAddress: string | undefined, compressLoopback = false): boolean {
  return acceptsGzip(acceptEncoding) && (compressLoopback || !isLoopback(remoteAddress));
}

/** Does the Accept-Encoding header allow gzip (q > 0)? */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    if (name.trim().toLowerCase() !== 'gzip' && name.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
