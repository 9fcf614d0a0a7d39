/**
 * The whole comparison of two results: the key (the analyst's, or guessed from the new result),
 * the plan (plan.ts), then the old rows streamed into the index and the new rows looked up
 * (compare.ts). Both sides arrive as batches, so a caller can read the old result from Excel or
 * from a stored snapshot chunk by chunk and never hold it whole.
 */
import type { CellValue, ColumnSpec } from '../stream.js';
import { type DiffOptions, type DiffPositions, type DiffSummary, notCompared, TableDiff } from './compare.js';
import { KeyGuesser } from './guess.js';
import { planDiff } from './plan.js';

export type RowBatches = Iterable<CellValue[][]> | AsyncIterable<CellValue[][]>;

export interface DiffInput {
  oldColumns: ColumnSpec[];
  /** Read only when a comparison is possible (a blocked plan never reads the old table). */
  oldRows: () => RowBatches;
  newColumns: ColumnSpec[];
  newRows: () => RowBatches;
  /** The analyst's key columns; empty → guessed. */
  keys: readonly string[];
  /** Called before each batch: the caller throws there to stop (its cancel). */
  beforeBatch?: () => void;
}

export interface DiffOutcome {
  summary: DiffSummary;
  positions: DiffPositions;
}

const NO_POSITIONS: DiffPositions = { addedRows: [], changedRows: [], changedColumns: [], complete: false };

/**
 * The key guessed from the new result: a column the old result has too, with the same type (a key
 * the old rows cannot be matched by is no key).
 */
export async function guessKey(oldColumns: ColumnSpec[], newColumns: ColumnSpec[], newRows: RowBatches): Promise<string | null> {
  const before = new Map(oldColumns.map((c) => [c.name, c.type]));
  const guesser = new KeyGuesser(newColumns, (c) => before.get(c.name) === c.type);
  for await (const batch of newRows) guesser.add(batch);
  return guesser.result();
}

export async function compareResults(input: DiffInput, options: DiffOptions = {}): Promise<DiffOutcome> {
  const chosen = [...input.keys];
  const guessed = chosen.length === 0;
  const keys = guessed
    ? [await guessKey(input.oldColumns, input.newColumns, input.newRows())].filter((k): k is string => k !== null)
    : chosen;
  const plan = planDiff(input.oldColumns, input.newColumns, keys, guessed);
  if (!plan.ok) return { summary: notCompared(plan), positions: NO_POSITIONS };
  const diff = new TableDiff(plan, input.oldColumns, input.newColumns, options);
  for await (const batch of input.oldRows()) {
    input.beforeBatch?.();
    diff.addOld(batch);
  }
  for await (const batch of input.newRows()) {
    input.beforeBatch?.();
    diff.addNew(batch);
  }
  return diff.finish();
}
