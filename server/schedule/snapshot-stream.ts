/**
 * A stored snapshot as a typed result stream (common/stream.ts), ready for the same NDJSON body
 * and the same add-in decoder as a live pull. It has no `progress` messages, and `meta.source`
 * says how old the data is.
 */
import type { StreamMessage } from '../../common/stream.js';
import type { RunRecord, SnapshotStore } from '../store/snapshots.js';

/**
 * When the data was pulled: the run's start. With "refresh the extract first" the rows may be a
 * little newer, never older, so "as of" never claims fresher data than the snapshot holds.
 */
export const dataAsOf = (run: RunRecord): string => run.startedAt;

function snapshotSource(run: RunRecord, fallbackName: string): string {
  return `${run.source ?? fallbackName} (data as of ${dataAsOf(run)})`;
}

export async function* snapshotMessages(snapshots: SnapshotStore, run: RunRecord, fallbackName: string): AsyncGenerator<StreamMessage> {
  yield { kind: 'meta', columns: run.columns ?? [], source: snapshotSource(run, fallbackName) };
  for await (const rows of snapshots.readRows(run)) yield { kind: 'rows', rows };
  yield {
    kind: 'end',
    rowCount: run.rowCount ?? 0,
    truncated: run.truncated ?? false,
    ...(run.warnings?.length ? { warnings: run.warnings } : {}),
  };
}
