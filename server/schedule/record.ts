/**
 * One scheduled run: consume the typed result stream of a pull and store it as a snapshot while it
 * arrives (rows go to the store batch by batch, never all in memory). The outcome is a run record:
 * succeeded with the stream's metadata, or failed with the error in plain words.
 */
import type { ApiErrorBody, ColumnSpec, StreamMessage } from '../../common/stream.js';
import type { RunRecord, SnapshotStore, SnapshotWriter } from '../store/snapshots.js';
import { compareWithPrevious } from './changes.js';
import { runFailure, runInterrupted, streamIncomplete } from './errors.js';

export interface RecordOptions {
  snapshots: SnapshotStore;
  run: RunRecord;
  now: () => Date;
  /** Aborting stops reading (server shutdown, schedule deleted) and records the run as interrupted. */
  signal: AbortSignal;
  /** What an aborted run records; default run-interrupted ("the next scheduled time runs it again"). */
  interrupted?: () => ApiErrorBody;
  /** The schedule's history limit, applied with the success (SnapshotResult.history); a failed run is not trimmed here. */
  historyLimit?: number;
}

export interface RecordOutcome {
  /** Undefined only when the run itself was deleted meanwhile (its schedule was removed). */
  run: RunRecord | undefined;
  error?: ApiErrorBody;
  /** The thrown value behind an unexpected error, for the log only. */
  cause?: unknown;
}

class StreamProtocolError extends Error {}

const ABORTED = Symbol('aborted');

/** The next message, or ABORTED as soon as the signal fires (a pending download may take a while). */
function nextOrAbort<T>(it: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T> | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    it.next().then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export async function recordSnapshot(messages: AsyncIterable<StreamMessage>, options: RecordOptions): Promise<RecordOutcome> {
  const { snapshots, run, now, signal, interrupted = () => runInterrupted().toApiError() } = options;
  const fail = async (error: ApiErrorBody, cause?: unknown): Promise<RecordOutcome> => ({
    run: await snapshots.fail(run.id, error, now()),
    error,
    cause,
  });
  let it: AsyncIterator<StreamMessage> | undefined;
  let aborted = false;
  let columns: ColumnSpec[] | undefined;
  let source: string | undefined;
  let writer: SnapshotWriter | undefined;
  // The run before, taken now: once this one succeeds it is the latest.
  // Read while the pull begins (one round trip less before Tableau is asked), used at the end.
  const previous = snapshots.latestSucceeded(run.scheduleId, run.id).catch(() => undefined);
  try {
    it = messages[Symbol.asyncIterator]();
    for (;;) {
      const step = await nextOrAbort(it, signal);
      if (step === ABORTED) {
        aborted = true;
        return await fail(interrupted());
      }
      if (step.done) return await fail(streamIncomplete().toApiError());
      const m = step.value;
      if (m.kind === 'meta') {
        if (writer) throw new StreamProtocolError('a second meta message');
        columns = m.columns;
        source = m.source;
        writer = snapshots.writer(run.id, m.columns.length);
      } else if (m.kind === 'rows') {
        if (!writer) throw new StreamProtocolError('rows before meta');
        await writer.add(m.rows);
      } else if (m.kind === 'end') {
        if (!writer || !columns) throw new StreamProtocolError('end before meta');
        const stored = await writer.finish();
        const changes = await compareWithPrevious(snapshots, await previous, run, columns, stored);
        const done = await snapshots.succeed(run, {
          stored,
          ...(changes ? { changes } : {}),
          columns,
          source,
          rowCount: stored.rows,
          truncated: m.truncated,
          warnings: m.warnings,
          finishedAt: now(),
          ...(options.historyLimit !== undefined ? { history: { scheduleId: run.scheduleId, keep: options.historyLimit } } : {}),
        });
        return { run: done };
      } else if (m.kind === 'error') {
        return await fail(m.error);
      }
      // `progress` (extract refresh status) is for a live pane, not for a stored snapshot.
    }
  } catch (err) {
    if (err instanceof StreamProtocolError) return fail(streamIncomplete().toApiError(), err);
    const { body, unexpected } = runFailure(err);
    return fail(body, unexpected ? err : undefined);
  } finally {
    // Closes the Tableau download when we stopped early. Not awaited after an abort: a generator
    // blocked in a pending read only returns once that read settles.
    const closing = it?.return?.();
    if (closing && !aborted) await closing.catch(() => undefined);
    else closing?.catch(() => undefined);
  }
}
