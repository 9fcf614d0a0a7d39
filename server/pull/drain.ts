import type { Writable } from 'node:stream';

/**
 * Backpressure: resolves on 'drain' or 'close', whichever comes first, and removes both listeners.
 * 'close' because a destroyed stream never drains (a spool disposed, a client gone); both removed
 * because racing two events.once() promises would leave the loser's listener behind on every wait
 * (a MaxListenersExceededWarning after eleven waits on one stream). Used by the pane's NDJSON stream
 * (http/stream.ts) and the CSV text spool (text-spool.ts).
 */
export function drainedOrClosed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
