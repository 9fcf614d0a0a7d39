/**
 * Before any row is compared: which columns identify a row (the key), which are compared, and what
 * about the columns makes a comparison impossible or needs saying.
 *
 * Decisions (docs/diff.md):
 *  - a key column the new result no longer has, or whose type changed (the text "1001" never
 *    equals the number 1001, so every row would look removed and added): no counts at all, a note
 *    saying why; a wrong count is worse than none;
 *  - a non-key column added or removed: the rows are compared on the columns both results have,
 *    and the note names the column (its appearance is not a change of every row);
 *  - a non-key column whose type changed: still compared; rows whose values differ (e.g. 5 became
 *    "5") count as changed, and the note names the column and both types.
 */
import type { ColumnSpec, ColumnType } from '../stream.js';

/** unreadable: the old rows could not be read (the pane: the table; the server: the stored snapshot). */
type NotComparedReason = 'no-key' | 'key-missing' | 'key-type-changed' | 'key-not-unique' | 'unreadable';

export interface DiffPlan {
  ok: true;
  keys: string[];
  keyGuessed: boolean;
  /** Key positions in the old and the new columns. */
  oldKey: number[];
  newKey: number[];
  /** Compared (non-key) columns both results have: positions in the old and the new columns. */
  oldCompared: number[];
  newCompared: number[];
  notes: string[];
}

export interface DiffBlocked {
  ok: false;
  reason: NotComparedReason;
  keys: string[];
  keyGuessed: boolean;
  note: string;
}

const list = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

export function planDiff(oldColumns: ColumnSpec[], newColumns: ColumnSpec[], keys: string[], keyGuessed: boolean): DiffPlan | DiffBlocked {
  const oldAt = new Map(oldColumns.map((c, i) => [c.name, i]));
  const newAt = new Map(newColumns.map((c, i) => [c.name, i]));
  const blocked = (reason: NotComparedReason, note: string): DiffBlocked => ({ ok: false, reason, keys, keyGuessed, note });
  if (keys.length === 0)
    return blocked('no-key', 'Not compared with the last refresh: no column identifies a row. Choose key columns in Properties.');
  const missing = keys.filter((k) => !newAt.has(k) || !oldAt.has(k));
  if (missing.length)
    return blocked(
      'key-missing',
      `Not compared with the last refresh: the key column ${list(missing)} is not in ${newAt.has(missing[0]) ? 'the previous' : 'the new'} result. Choose other key columns in Properties.`,
    );
  const retyped = keys.filter((k) => oldColumns[oldAt.get(k)!].type !== newColumns[newAt.get(k)!].type);
  if (retyped.length) {
    const k = retyped[0];
    return blocked(
      'key-type-changed',
      `Not compared with the last refresh: the key column "${k}" changed type (${oldColumns[oldAt.get(k)!].type} → ${newColumns[newAt.get(k)!].type}), so its values cannot be matched.`,
    );
  }
  const keySet = new Set(keys);
  const shared = newColumns.filter((c) => !keySet.has(c.name) && oldAt.has(c.name));
  const added = newColumns.filter((c) => !oldAt.has(c.name)).map((c) => c.name);
  const removed = oldColumns.filter((c) => !newAt.has(c.name)).map((c) => c.name);
  const notes: string[] = [];
  if (added.length) notes.push(`New column ${list(added)}: not counted as a change.`);
  if (removed.length) notes.push(`Column ${list(removed)} is gone: rows are compared without it.`);
  for (const c of shared) {
    const was: ColumnType = oldColumns[oldAt.get(c.name)!].type;
    if (was !== c.type) notes.push(`Column "${c.name}" changed type (${was} → ${c.type}): rows whose values differ count as changed.`);
  }
  return {
    ok: true,
    keys,
    keyGuessed,
    oldKey: keys.map((k) => oldAt.get(k)!),
    newKey: keys.map((k) => newAt.get(k)!),
    oldCompared: shared.map((c) => oldAt.get(c.name)!),
    newCompared: shared.map((c) => newAt.get(c.name)!),
    notes,
  };
}
