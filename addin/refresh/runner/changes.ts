/**
 * What changed since the last refresh, worked out just before the new rows are written: the new
 * result is in memory (collect.ts), the old one is still in the table and is read back from it
 * chunk by chunk (WorkbookGateway.readTableRows) straight into the diff's hash index, so the pane
 * never holds both (common/diff/compare.ts).
 *
 * The old columns are those the last refresh wrote (definition.columns), read by name: columns the
 * analyst added beside them are not part of the comparison. What the table holds now is the "old"
 * result, so a value the analyst typed over since counts as changed by the refresh (the refresh
 * does replace it). Not compared: the first refresh (nothing to compare with) and append mode (the
 * old rows stay; every new row is an addition by design).
 */
import { type DiffPositions, notCompared, TableDiff } from '../../../common/diff/compare.js';
import { planDiff } from '../../../common/diff/plan.js';
import { type DiffOutcome, guessKey } from '../../../common/diff/results.js';
import type { ColumnSpec } from '../../../common/stream.js';
import type { WorkbookGateway } from '../../workbook/gateway.js';
import { type RefreshDefinition, tableNameOf } from '../definitions/schema.js';
import type { CollectedResult } from './collect.js';
import { failureBody, plainWords, throwIfAborted } from './failure.js';

const NO_POSITIONS: DiffPositions = { addedRows: [], changedRows: [], changedColumns: [], complete: false };

export async function compareWithTable(
  gateway: WorkbookGateway,
  def: RefreshDefinition,
  result: CollectedResult,
  signal: AbortSignal,
): Promise<DiffOutcome | null> {
  if (def.options.mode !== 'replace' || def.columns.length === 0 || !def.lastResult) return null;
  // The definition keeps names and types; the number format plays no part in a comparison.
  const oldColumns: ColumnSpec[] = def.columns.map((c) => ({ name: c.name, type: c.type, format: 'General' }));
  const chosen = def.options.keyColumns ?? [];
  const guessed = chosen.length === 0;
  const keys = guessed ? [await guessKey(oldColumns, result.columns, [result.rows])].filter((k): k is string => k !== null) : chosen;
  const plan = planDiff(oldColumns, result.columns, keys, guessed);
  if (!plan.ok) return { summary: notCompared(plan), positions: NO_POSITIONS };
  const highlight = def.options.highlightChanges ?? false;
  const diff = new TableDiff(plan, oldColumns, result.columns, { cells: highlight, maxPositions: highlight ? undefined : 0 });
  try {
    await gateway.readTableRows(
      tableNameOf(def),
      oldColumns.map((c) => c.name),
      (rows) => diff.addOld(rows),
      { signal },
    );
  } catch (error) {
    throwIfAborted(signal);
    const note = `Not compared with the last refresh: the table could not be read (${plainWords(failureBody(error))})`;
    return { summary: { compared: false, reason: 'unreadable', keys, keyGuessed: guessed, notes: [note] }, positions: NO_POSITIONS };
  }
  diff.addNew(result.rows);
  return diff.finish();
}
