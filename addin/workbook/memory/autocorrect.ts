/**
 * Excel's table AutoCorrect after cells are written or cleared (Range.values / formulas / clear,
 * copyFrom): auto-expansion, header rules and calculated columns. The options are
 * MemoryWorkbook.autoCorrect (workbook.ts).
 */
import { intersects, type Rect } from '../address.js';
import { shiftFormula } from './formula.js';
import type { MemorySheet } from './sheet.js';
import { dataRect, isEmpty, tableRect, type Tables } from './tables.js';
import type { MemTable, TableHost } from './types.js';

/** What AutoCorrect needs from the workbook (MemoryWorkbook, structurally): the table code's needs and its table operations. */
interface AutoCorrectHost extends TableHost {
  readonly tableOps: Tables;
}

/** Whether a write put something into the cell at offset (i, j) of its rectangle: a value other than "" or a formula. */
export type WrittenAt = (i: number, j: number) => boolean;

/** WrittenAt of a Range.values / Range.formulas grid: its non-empty entries (null leaves a cell as it was). */
export function writtenInGrid(grid: readonly (readonly unknown[])[]): WrittenAt {
  return (i, j) => {
    const v = grid[i][j];
    return v !== null && v !== undefined && v !== '';
  };
}

/** Table behaviour after cells were written or cleared (Range.values/formulas/clear, copyFrom). */
export const afterWrite = {
  /**
   * Excel's table AutoCorrect after a write of `grid` at `rect`:
   * 1. "Include new rows and columns in table" (wb.autoCorrect.expandTables): data written into the
   *    row directly below a table (within its columns) or the column directly to its right (within
   *    its header and data rows) makes the table grow over the written block
   *    (https://learn.microsoft.com/office/dev/add-ins/excel/performance, "Importing data into tables").
   *    Not below a shown totals row: that row already closes the table. Verify in Excel: a block that
   *    only partly overlaps the table's columns still grows it (stricter).
   * 2. Calculated columns (wb.autoCorrect.fillFormulas): a formula written into a table column whose
   *    other data cells are empty, or into a calculated column, fills the whole column with the
   *    bottom-most written formula and makes it (or keeps it) a calculated column — also when
   *    different formulas were written ("Editing the formula in any cell edits the formula in all
   *    cells", https://github.com/OfficeDev/office-js/issues/5909; https://github.com/OfficeDev/office-js/issues/6745).
   *    A value written into a calculated column is an exception: the column stays calculated.
   *    Otherwise a column whose data cells all hold the same formula (relatively) becomes calculated,
   *    and one left with no formula is no longer calculated.
   */
  apply(wb: AutoCorrectHost, sheetName: string, rect: Rect, wrote: WrittenAt): void {
    const sh = wb.sheet(sheetName);
    const ops = wb.tableOps;
    const written = (r: number, c: number) =>
      r >= rect.row && r < rect.row + rect.rows && c >= rect.col && c < rect.col + rect.cols && wrote(r - rect.row, c - rect.col);
    if (wb.autoCorrect.expandTables) {
      for (const t of ops.onSheet(sh.name)) {
        const below = t.row + t.rows + 1;
        if (!t.showTotals && rect.row > t.row && rect.row <= below && below < rect.row + rect.rows) {
          const c0 = Math.max(rect.col, t.col);
          const c1 = Math.min(rect.col + rect.cols, t.col + t.cols);
          let hit = false;
          for (let c = c0; c < c1 && !hit; c++) hit = written(below, c);
          const grow = { row: below, col: t.col, rows: rect.row + rect.rows - below, cols: t.cols };
          if (hit && roomFor(wb, sh, grow, t)) ops.growRows(t, grow.rows, written);
        }
        const right = t.col + t.cols;
        if (rect.col > t.col && rect.col <= right && right < rect.col + rect.cols) {
          const r0 = Math.max(rect.row, t.row);
          const r1 = Math.min(rect.row + rect.rows, t.row + t.rows + 1);
          let hit = false;
          for (let r = r0; r < r1 && !hit; r++) hit = written(r, right);
          const grow = { row: t.row, col: right, rows: tableRect(t).rows, cols: rect.col + rect.cols - right };
          if (hit && roomFor(wb, sh, grow, t)) ops.growCols(t, grow.cols);
        }
      }
    }
    for (const t of ops.onSheet(sh.name)) if (rect.row <= t.row && t.row < rect.row + rect.rows) ops.fixHeaders(t, rect);
    for (const t of ops.onSheet(sh.name)) {
      const d = dataRect(t);
      if (!intersects(d, rect)) continue;
      const r0 = Math.max(rect.row, d.row);
      const r1 = Math.min(rect.row + rect.rows, d.row + d.rows);
      for (let c = Math.max(rect.col, d.col); c < Math.min(rect.col + rect.cols, d.col + d.cols); c++) {
        const k = c - t.col;
        let bottom = -1;
        // A column of values has no formula to look for (sheet.ts counts them from the column's map).
        if (sh.formulaCount(c, r0, r1) > 0) for (let r = r0; r < r1; r++) if (written(r, c) && sh.formula(r, c)) bottom = r;
        if (bottom >= 0 && wb.autoCorrect.fillFormulas && (t.columns[k].calc || otherCellsEmpty(sh, d, c, r0, r1))) {
          const calc = shiftFormula(sh.formula(bottom, c)!, d.row - bottom, 0);
          t.columns[k].calc = calc;
          // A formula without row-relative references (e.g. "=[@Sales]*2") reads the same in every row.
          const same = shiftFormula(calc, 1, 0) === calc;
          for (let r = d.row; r < d.row + d.rows; r++) sh.setContent(r, c, null, same ? calc : shiftFormula(calc, r - d.row, 0));
        } else if (bottom >= 0 || t.columns[k].calc) ops.detectCalc(t, k);
      }
    }
  },
  cleared(wb: AutoCorrectHost, sheetName: string, rect: Rect): void {
    for (const t of wb.tableOps.onSheet(sheetName)) {
      const d = dataRect(t);
      if (!intersects(d, rect)) continue;
      for (let k = 0; k < t.cols; k++)
        if (t.columns[k].calc && t.col + k >= rect.col && t.col + k < rect.col + rect.cols) wb.tableOps.detectCalc(t, k);
    }
  },
};

function otherCellsEmpty(sh: MemorySheet, d: Rect, c: number, r0: number, r1: number): boolean {
  for (let r = d.row; r < d.row + d.rows; r++) if ((r < r0 || r >= r1) && !isEmpty(sh, r, c)) return false;
  return true;
}

function roomFor(wb: AutoCorrectHost, sh: MemorySheet, rect: Rect, self: MemTable): boolean {
  return !wb.tableOps.onSheet(sh.name).some((o) => o !== self && intersects(tableRect(o), rect)) && sh.mergesIn(rect).length === 0;
}
