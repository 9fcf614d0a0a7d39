/**
 * Where to highlight what a refresh changed, as areas of the table's data (WorkbookGateway
 * markChanges): each run of added rows across the result's columns, and in each changed row the
 * runs of its changed cells (the whole row when the cells could not be told apart: a 32-bit hash
 * of two different values can collide, the row's 64-bit fingerprint still says it changed).
 * Table columns are found by name, so the analyst's own columns between them are left alone.
 */
import type { DiffPositions } from '../../../common/diff/compare.js';
import type { ColumnSpec } from '../../../common/stream.js';
import type { DataArea } from '../../workbook/gateway.js';

/** More areas than this are not highlighted (one conditional format each slows Excel down). */
export const MAX_HIGHLIGHT_AREAS = 200;

/** Runs of consecutive numbers as [start, length]. */
function runs(sorted: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = out.at(-1);
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}

/** The areas, or null when there are too many to highlight (or the positions are incomplete). */
export function highlightAreas(positions: DiffPositions, columns: readonly ColumnSpec[], headers: readonly string[]): DataArea[] | null {
  if (!positions.complete) return null;
  const tableCol = columns.map((c) => headers.indexOf(c.name));
  const colRuns = (cols: readonly number[]) => runs([...new Set(cols.map((c) => tableCol[c]).filter((c) => c >= 0))].sort((a, b) => a - b));
  const everyColumn = colRuns(columns.map((_, i) => i));
  const areas: DataArea[] = [];
  for (const [row, rows] of runs(positions.addedRows)) for (const [col, cols] of everyColumn) areas.push({ row, rows, col, cols });
  positions.changedRows.forEach((row, i) => {
    const changed = positions.changedColumns[i] ?? [];
    for (const [col, cols] of changed.length ? colRuns(changed) : everyColumn) areas.push({ row, rows: 1, col, cols });
  });
  return areas.length > MAX_HIGHLIGHT_AREAS ? null : areas;
}
