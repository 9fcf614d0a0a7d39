/**
 * What a scheduled run changed against the run before: the same comparison the pane makes on a
 * refresh (common/diff), so a schedule's history shows the same counts. Both results are read
 * from the store batch by batch (the previous snapshot into the hash index, then the new one), so
 * the server never holds either whole. The key is guessed from the new result's unique columns:
 * a schedule does not carry the key columns an analyst may have chosen in the pane (noted in
 * docs/diff.md); a guess that repeats in the previous result gives a note, never wrong counts.
 * A failure here never fails the run: its data is stored; the history then says it was not compared.
 */
import type { DiffSummary } from '../../common/diff/compare.js';
import { compareResults } from '../../common/diff/results.js';
import type { ColumnSpec } from '../../common/stream.js';
import type { RunRecord, SnapshotStore, StoredSnapshot } from '../store/snapshots.js';

export async function compareWithPrevious(
  snapshots: SnapshotStore,
  previous: RunRecord | undefined,
  run: RunRecord,
  columns: ColumnSpec[],
  /** What the new run's writer stored (it is not recorded as succeeded yet); its final batch is still in memory. */
  stored: Pick<StoredSnapshot, 'batches' | 'last'>,
): Promise<DiffSummary | undefined> {
  if (!previous?.columns) return undefined;
  const { last } = stored;
  async function* newRows() {
    yield* snapshots.readRows(run, last ? last.seq : stored.batches);
    if (last) yield last.rows;
  }
  try {
    const { summary } = await compareResults(
      {
        oldColumns: previous.columns,
        oldRows: () => snapshots.readRows(previous),
        newColumns: columns,
        newRows,
        keys: [],
      },
      { expectedRows: previous.rowCount, maxPositions: 0 },
    );
    return summary;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      compared: false,
      reason: 'unreadable',
      keys: [],
      keyGuessed: true,
      notes: [`Not compared with the run before: its snapshot could not be read (${why}).`],
    };
  }
}
