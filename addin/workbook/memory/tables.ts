/**
 * Excel tables of the in-memory workbook: creation rules, totals row, resize, columns and rows,
 * auto-expansion and calculated columns (Excel's table AutoCorrect), delete. Filters and sort are in
 * table-view.ts. Each behaviour cites its source; "Verify in Excel" marks what no document settles
 * (we then model the stricter plausible behaviour).
 */
import { fitsSheet, intersects, MAX_ROWS, type Rect, rectAddress } from '../address.js';
import { ExcelLikeError } from './errors.js';
import { shiftFormula } from './formula.js';
import type { MemorySheet } from './sheet.js';
import type { MemColumn, MemTable, TableHost } from './types.js';

/** The table's whole range: header, data and (when shown) totals — excel.d.ts Table.getRange(). */
export function tableRect(t: MemTable): Rect {
  return { row: t.row, col: t.col, rows: t.rows + 1 + (t.showTotals ? 1 : 0), cols: t.cols };
}
export function dataRect(t: MemTable): Rect {
  return { row: t.row + 1, col: t.col, rows: t.rows, cols: t.cols };
}
export function totalsRow(t: MemTable): number {
  return t.row + t.rows + 1;
}

export const isEmpty = (sh: MemorySheet, r: number, c: number): boolean => sh.isEmpty(r, c);
const newColumn = (): MemColumn => ({ calc: null, filter: null });

export class Tables {
  constructor(private readonly wb: TableHost) {}

  get(name: string): MemTable {
    const t = this.wb.findTable(name);
    if (!t) throw new ExcelLikeError('ItemNotFound', `The table "${name}" does not exist.`);
    return t;
  }
  onSheet(sheet: string): MemTable[] {
    return this.wb.tables.filter((t) => t.sheet.toLowerCase() === sheet.toLowerCase());
  }
  /** Range.getTables(fullyContained) (ExcelApi 1.9): tables overlapping the range, or only those inside it. */
  tablesIn(sheet: string, rect: Rect, fullyContained = false): MemTable[] {
    return this.onSheet(sheet).filter((t) => {
      const r = tableRect(t);
      if (!fullyContained) return intersects(r, rect);
      return r.row >= rect.row && r.col >= rect.col && r.row + r.rows <= rect.row + rect.rows && r.col + r.cols <= rect.col + rect.cols;
    });
  }

  structuredColumn(table: string | null, column: string, sheetName: string, r: number, c: number) {
    const t = table
      ? this.wb.findTable(table)
      : this.onSheet(sheetName).find((x) => intersects(tableRect(x), { row: r, col: c, rows: 1, cols: 1 }));
    if (!t) return null;
    const idx = this.wb.tableHeaders(t).findIndex((h) => h.toLowerCase() === column.toLowerCase());
    return idx < 0 ? null : { sheet: t.sheet, col: t.col + idx, firstRow: t.row + 1, lastRow: t.row + t.rows };
  }

  /**
   * Table and defined names: start with a letter, "_" or "\", then letters, digits, "." or "_"; not a
   * cell reference ("A1", "R1C1"), unique in the workbook, case-insensitively
   * (https://learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-tables; support.microsoft.com "Rename an Excel table").
   */
  checkName(name: string, self?: MemTable): void {
    const bad =
      !/^[A-Za-z_\\][\w.\\]*$/.test(name) || /^[A-Za-z]{1,3}\d+$/.test(name) || /^[Rr](\d*)[Cc](\d*)$/.test(name) || /^[RrCc]$/.test(name);
    if (bad || this.wb.tables.some((o) => o !== self && o.name.toLowerCase() === name.toLowerCase()))
      throw new ExcelLikeError('InvalidArgument', `The table name "${name}" is invalid or already used.`);
  }

  /** `rect` must not overlap another table or a merged area (besides `self`). */
  private checkRoom(sheet: MemorySheet, rect: Rect, self?: MemTable): void {
    if (this.onSheet(sheet.name).some((o) => o !== self && intersects(tableRect(o), rect)))
      throw new ExcelLikeError('InvalidOperation', 'A table cannot overlap another table.');
    // Verify in Excel: "Format as Table" over merged cells unmerges them after a prompt; the API has
    // no prompt, so we refuse (InvalidOperation), the stricter behaviour.
    if (sheet.mergesIn(rect).length)
      throw new ExcelLikeError('InvalidOperation', `A table cannot contain merged cells (${rectAddress(sheet.mergesIn(rect)[0])}).`);
  }

  /**
   * worksheet.tables.add(address, hasHeaders): with headers `rect` includes the header row and a
   * header-only range gets one empty data row. Without, "Excel will automatically generate a header
   * and shift the data down by one row" (excel.d.ts TableCollection.add): the cells of those columns
   * from the range down move one row (Verify in Excel: we refuse, with InvalidOperation, when another
   * table or a merged area would have to move).
   */
  add(sheetName: string, rect: Rect, name: string, hasHeaders = true): MemTable {
    const sh = this.wb.guard(sheetName, 'tables.add');
    this.checkName(name);
    if (!hasHeaders) {
      const moving = { row: rect.row, col: rect.col, rows: MAX_ROWS - rect.row, cols: rect.cols };
      if (this.onSheet(sh.name).some((o) => intersects(tableRect(o), moving)) || sh.mergesIn(moving).length)
        throw new ExcelLikeError('InvalidOperation', 'Inserting the header row would move another table or merged cells.');
      if ([...sh.cellsIn({ ...moving, row: MAX_ROWS - 1, rows: 1 }, true)].length)
        throw new ExcelLikeError('InvalidOperation', 'Inserting the header row would push cells off the sheet.');
      const cells = [...sh.cellsIn(moving, true)].sort((a, b) => b.row - a.row);
      for (const { row, col, cell } of cells) {
        sh.delete(row, col);
        sh.put(row + 1, col, cell);
      }
      for (let c = rect.col; c < rect.col + rect.cols; c++) sh.delete(rect.row, c);
      rect = { ...rect, rows: rect.rows + 1 };
    }
    const t: MemTable = {
      name,
      sheet: sh.name,
      row: rect.row,
      col: rect.col,
      rows: Math.max(1, rect.rows - 1),
      cols: rect.cols,
      showTotals: false,
      columns: Array.from({ length: rect.cols }, newColumn),
      sortFields: [],
    };
    const r = tableRect(t);
    if (!fitsSheet(r)) throw new ExcelLikeError('InvalidArgument', 'The table does not fit on the sheet.');
    this.checkRoom(sh, r);
    // Excel gives empty or duplicate headers a unique name (Column1, Sales2 …) and makes headers text.
    const seen = new Set<string>();
    for (let i = 0; i < t.cols; i++) {
      const raw = String(this.wb.value(sh.name, t.row, t.col + i) ?? '');
      let h = raw || `Column${i + 1}`;
      for (let n = 2; seen.has(h.toLowerCase()); n++) h = `${raw || 'Column'}${n}`;
      seen.add(h.toLowerCase());
      sh.setContent(t.row, t.col + i, h);
    }
    // Verify in Excel: a column whose data cells all hold the same formula (relatively) becomes a
    // calculated column when the range becomes a table.
    for (let k = 0; k < t.cols; k++) this.detectCalc(t, k);
    this.wb.tables.push(t);
    return t;
  }

  rename(t: MemTable, name: string): void {
    this.wb.guard(t.sheet, 'Table.name');
    this.checkName(name, t);
    t.name = name;
  }

  /**
   * Table.resize (ExcelApi 1.13; excel.d.ts: "The new range must overlap with the original table range
   * and the headers (or the top of the table) must be in the same row"). We also keep the left
   * column (stricter). With the totals row shown, the new range includes it: its last row becomes the
   * totals row (Verify in Excel: whatever that row held is replaced by the totals; the old totals
   * row's cells are cleared when they fall outside the table or become a data row).
   */
  resize(t: MemTable, rect: Rect): void {
    const sh = this.wb.guard(t.sheet, 'Table.resize');
    const minRows = 2 + (t.showTotals ? 1 : 0);
    if (rect.row !== t.row || rect.col !== t.col || rect.rows < minRows || rect.cols < 1)
      throw new ExcelLikeError('InvalidArgument', 'The new range must keep the header row and the top-left cell.');
    this.checkRoom(sh, rect, t);
    const newRows = rect.rows - 1 - (t.showTotals ? 1 : 0);
    let saved: { value: unknown; formula?: string; format?: string }[] | undefined;
    if (t.showTotals && newRows !== t.rows) {
      saved = this.takeRow(sh, totalsRow(t), t.col, t.cols);
    }
    if (rect.cols < t.cols) t.columns.length = rect.cols;
    if (rect.cols > t.cols) this.growCols(t, rect.cols - t.cols);
    if (newRows > t.rows) this.growRows(t, newRows - t.rows);
    else t.rows = newRows;
    if (saved) this.putRow(sh, totalsRow(t), t.col, saved.slice(0, t.cols));
  }

  private takeRow(sh: MemorySheet, row: number, col: number, cols: number) {
    const out = [];
    for (let c = col; c < col + cols; c++) {
      const cell = sh.get(row, c);
      out.push({ value: cell?.value ?? null, formula: cell?.formula, format: cell?.format });
      sh.delete(row, c);
    }
    return out;
  }
  private putRow(sh: MemorySheet, row: number, col: number, cells: { value: unknown; formula?: string; format?: string }[]) {
    cells.forEach((x, i) => {
      sh.delete(row, col + i);
      if (x.value === null && !x.formula && !x.format) return;
      sh.put(row, col + i, { value: x.value as never, formula: x.formula, format: x.format });
    });
  }

  /**
   * New data rows at the bottom: calculated columns fill them only when AutoCorrect "Fill formulas in
   * tables" is on (https://github.com/OfficeDev/office-js/issues/2093, #6745), and each new cell takes
   * the number format of the last data row (Excel extends the column's formatting as a table grows).
   * `skip` marks cells the triggering write filled itself.
   */
  growRows(t: MemTable, n: number, skip?: (r: number, c: number) => boolean): void {
    const sh = this.wb.sheet(t.sheet);
    const last = t.row + t.rows;
    const first = t.row + 1;
    for (let k = 0; k < t.cols; k++) {
      const c = t.col + k;
      const fmt = sh.format(last, c);
      const calc = this.wb.autoCorrect.fillFormulas ? t.columns[k].calc : null;
      if (calc) {
        // A formula without row-relative references (e.g. "=[@Sales]*2") reads the same in every row.
        const same = shiftFormula(calc, 1, 0) === calc;
        for (let r = last + 1; r <= last + n; r++)
          if (!skip?.(r, c) && isEmpty(sh, r, c)) sh.setContent(r, c, null, same ? calc : shiftFormula(calc, r - first, 0));
      }
      // Cells without a format of their own take it: the gaps between the column's runs, not a row at a time.
      if (fmt) sh.column(c).formats.fillGaps(last + 1, last + n + 1, fmt);
    }
    t.rows += n;
  }

  /** New columns at the right: an empty header gets Excel's default name "ColumnN", unique in the table. */
  growCols(t: MemTable, n: number): void {
    const sh = this.wb.sheet(t.sheet);
    const names = new Set(this.wb.tableHeaders(t).map((h) => h.toLowerCase()));
    for (let i = t.cols; i < t.cols + n; i++) {
      let h = sh.isEmpty(t.row, t.col + i) ? '' : String(this.wb.value(t.sheet, t.row, t.col + i));
      const base = h || 'Column';
      if (!h) h = `Column${i + 1}`;
      for (let k = 2; names.has(h.toLowerCase()); k++) h = `${base}${k}`;
      names.add(h.toLowerCase());
      sh.setContent(t.row, t.col + i, h);
      t.columns.push(newColumn());
    }
    t.cols += n;
  }

  /**
   * Table.showTotals (excel.d.ts: "can be set to show or remove the total row"). Shown: the row right
   * below the data becomes the totals row with Excel's default — "Total" in the first column and
   * =SUBTOTAL(109,[Last]) in the last (support.microsoft.com "Total the data in an Excel table";
   * Verify in Excel: a text last column gets =SUBTOTAL(103,…), a count). That row must be free: no
   * value, formula, other table or merged cell (Verify in Excel: the UI asks to move cells; the API
   * has no prompt, so we fail with InvalidOperation). Removed: the row's cells are cleared from the
   * sheet and remembered, and showing it again restores them (Verify in Excel).
   */
  setShowTotals(t: MemTable, on: boolean): void {
    const sh = this.wb.guard(t.sheet, 'Table.showTotals');
    if (on === t.showTotals) return;
    const row = totalsRow(t);
    if (!on) {
      t.savedTotals = this.takeRow(sh, row, t.col, t.cols);
      t.showTotals = false;
      return;
    }
    const rect = { row, col: t.col, rows: 1, cols: t.cols };
    if (row >= MAX_ROWS) throw new ExcelLikeError('InvalidOperation', 'There is no room for the totals row.');
    this.checkRoom(sh, rect, t);
    for (let c = t.col; c < t.col + t.cols; c++)
      if (!isEmpty(sh, row, c))
        throw new ExcelLikeError('InvalidOperation', `The totals row needs ${rectAddress(rect)}, which is not empty.`);
    if (t.savedTotals && t.savedTotals.length === t.cols) this.putRow(sh, row, t.col, t.savedTotals);
    else {
      const headers = this.wb.tableHeaders(t);
      if (t.cols > 1) {
        sh.setValue(row, t.col, 'Total');
        const lastCol = t.col + t.cols - 1;
        const numeric = Array.from({ length: t.rows }, (_, i) => this.wb.value(t.sheet, t.row + 1 + i, lastCol)).some(
          (v) => typeof v === 'number',
        );
        sh.setContent(row, lastCol, null, `=SUBTOTAL(${numeric ? 109 : 103},[${headers[t.cols - 1]}])`);
      } else sh.setValue(row, t.col, 'Total');
    }
    t.savedTotals = undefined;
    t.showTotals = true;
  }

  /**
   * TableColumnCollection.add(index?, values?, name?) (excel.d.ts: "Columns with a higher index will be
   * shifted to the side"). The table's cells right of `index` move one column right; the column freed
   * at the right edge must be empty (Verify in Excel: Excel inserts sheet cells there; we refuse to
   * touch data outside the table, the stricter behaviour). `values` covers header, data and totals rows.
   */
  addColumn(t: MemTable, index?: number | null, values?: unknown, name?: string | null): number {
    const sh = this.wb.guard(t.sheet, 'TableColumnCollection.add');
    const at = index === undefined || index === null || index === -1 ? t.cols : index;
    if (at < 0 || at > t.cols) throw new ExcelLikeError('InvalidArgument', `Column index ${at} is out of range.`);
    const whole = tableRect(t);
    const edge = { ...whole, col: t.col + t.cols, cols: 1 };
    this.checkRoom(sh, edge, t);
    for (let r = edge.row; r < edge.row + edge.rows; r++)
      if (!isEmpty(sh, r, edge.col))
        throw new ExcelLikeError('InvalidOperation', `Adding a column needs ${rectAddress(edge)}, which is not empty.`);
    for (let r = whole.row; r < whole.row + whole.rows; r++) {
      for (let c = t.col + t.cols; c > t.col + at; c--) {
        sh.put(r, c, sh.get(r, c - 1));
      }
      sh.delete(r, t.col + at);
    }
    t.columns.splice(at, 0, newColumn());
    t.cols += 1;
    const grid = Array.isArray(values) ? (values as unknown[][]) : values !== undefined && values !== null ? [[values]] : null;
    if (grid) {
      if (grid.length !== whole.rows)
        throw new ExcelLikeError('InvalidArgument', `The column needs ${whole.rows} values (header, data, totals).`);
      grid.forEach((row, i) => this.wb.enter(sh, whole.row + i, t.col + at, row[0]));
    }
    const names = new Set(this.wb.tableHeaders(t).map((h, i) => (i === at ? '' : h.toLowerCase())));
    let h = name ?? (grid ? String(this.wb.value(t.sheet, t.row, t.col + at) ?? '') : '');
    const base = h || 'Column';
    if (!h) h = `Column${at + 1}`;
    for (let k = 2; names.has(h.toLowerCase()); k++) h = `${base}${k}`;
    sh.setContent(t.row, t.col + at, h);
    this.detectCalc(t, at);
    return at;
  }

  /** TableColumn.delete(): the column's cells go and the table's cells to its right move left. */
  deleteColumn(t: MemTable, k: number): void {
    const sh = this.wb.guard(t.sheet, 'TableColumn.delete');
    if (t.cols === 1) throw new ExcelLikeError('InvalidOperation', 'A table needs at least one column.');
    const whole = tableRect(t);
    for (let r = whole.row; r < whole.row + whole.rows; r++) {
      for (let c = t.col + k; c < t.col + t.cols - 1; c++) {
        sh.put(r, c, sh.get(r, c + 1));
      }
      sh.delete(r, t.col + t.cols - 1);
    }
    t.columns.splice(k, 1);
    t.cols -= 1;
  }

  /**
   * TableRowCollection.add(index?, values?) appends rows above the totals row. The rows it needs
   * below the data must be free (Verify in Excel: Excel shifts sheet cells down; we refuse, stricter).
   * Values go in through the normal write path, so a formula column of an emptied table becomes a
   * calculated column of the bottom-most formula (https://github.com/OfficeDev/office-js/issues/6745).
   */
  addRows(t: MemTable, index: number | null | undefined, values: unknown[][]): void {
    const sh = this.wb.guard(t.sheet, 'TableRowCollection.add');
    if (index !== undefined && index !== null && index !== -1 && index !== t.rows)
      throw new ExcelLikeError('InvalidArgument', 'Rows can only be appended in this workbook model.');
    if (values.some((r) => r.length !== t.cols)) throw new ExcelLikeError('InvalidArgument', `Each row needs ${t.cols} values.`);
    const n = values.length;
    const free = { row: t.row + t.rows + 1 + (t.showTotals ? 1 : 0), col: t.col, rows: n, cols: t.cols };
    this.checkRoom(sh, free, t);
    if ([...sh.cellsIn(free)].length)
      throw new ExcelLikeError('InvalidOperation', `Adding rows needs ${rectAddress(free)}, which is not empty.`);
    const saved = t.showTotals ? this.takeRow(sh, totalsRow(t), t.col, t.cols) : undefined;
    const at = t.row + t.rows + 1;
    this.growRows(t, n, (r, c) => values[r - at][c - t.col] !== null && values[r - at][c - t.col] !== undefined);
    if (saved) this.putRow(sh, totalsRow(t), t.col, saved);
    this.wb.writeCells(t.sheet, { row: at, col: t.col, rows: n, cols: t.cols }, values, 'values');
  }

  /**
   * TableRowCollection.deleteRows / TableRow.delete: the rows go and the table's cells below move up
   * (only within the table's columns). Excel keeps one (empty) data row.
   */
  deleteRows(t: MemTable, index: number, count: number): void {
    const sh = this.wb.guard(t.sheet, 'TableRow.delete');
    if (index < 0 || count < 1 || index + count > t.rows) throw new ExcelLikeError('InvalidArgument', 'The rows are not in the table.');
    const bottom = t.row + t.rows + (t.showTotals ? 1 : 0);
    const from0 = t.row + 1 + index;
    for (let r = from0; r <= bottom; r++)
      for (let c = t.col; c < t.col + t.cols; c++) {
        sh.put(r, c, r + count <= bottom ? sh.get(r + count, c) : undefined);
      }
    for (let r = from0; r <= bottom; r++) sh.hiddenRows.delete(r);
    const keep = t.rows - count;
    if (keep === 0 && t.showTotals) {
      const saved = this.takeRow(sh, t.row + 1, t.col, t.cols);
      this.putRow(sh, t.row + 2, t.col, saved);
    }
    t.rows = Math.max(1, keep);
  }

  /**
   * Table.delete(): "Deletes the ListObject object and clears the cell data from the worksheet"
   * (https://learn.microsoft.com/office/vba/api/excel.listobject.delete), unlike Table.convertToRange()
   * ("All data is preserved", excel.d.ts). Verify in Excel that Office.js Table.delete clears the cells.
   */
  remove(t: MemTable, clearCells: boolean): void {
    const sh = this.wb.guard(t.sheet, clearCells ? 'Table.delete' : 'Table.convertToRange');
    const rect = tableRect(t);
    this.wb.tables.splice(this.wb.tables.indexOf(t), 1);
    for (let r = rect.row + 1; r < rect.row + rect.rows; r++) sh.hiddenRows.delete(r);
    if (clearCells) sh.clearRect(rect, true);
  }

  /**
   * Header cells written over: Excel keeps table headers unique, non-empty text — a duplicate gets a
   * number appended ("Sales" → "Sales2"), an emptied header becomes "Column<n>", a number or formula
   * becomes its text (support.microsoft.com "Overview of Excel tables": header names must be unique).
   * Verify in Excel: the exact renaming when written through Range.values.
   */
  fixHeaders(t: MemTable, rect: Rect): void {
    const sh = this.wb.sheet(t.sheet);
    const headers = this.wb.tableHeaders(t);
    const changed = (k: number) => t.col + k >= rect.col && t.col + k < rect.col + rect.cols;
    const taken = new Set(headers.filter((_, k) => !changed(k)).map((h) => h.toLowerCase()));
    for (let k = 0; k < t.cols; k++) {
      if (!changed(k)) continue;
      const base = headers[k];
      let h = base || `Column${k + 1}`;
      for (let n = 2; taken.has(h.toLowerCase()); n++) h = `${base || 'Column'}${n}`;
      taken.add(h.toLowerCase());
      sh.setContent(t.row, t.col + k, h);
    }
  }

  /** A column is calculated when every data cell holds the same formula, relatively; none when no cell holds one. */
  detectCalc(t: MemTable, k: number): void {
    const sh = this.wb.sheet(t.sheet);
    const c = t.col + k;
    const first = t.row + 1;
    let norm: string | null = null;
    // Counted from the column's formulas (sheet.ts) first: a million-row column of values has none.
    const formulas = sh.formulaCount(c, first, t.row + t.rows + 1);
    if (formulas === 0) {
      t.columns[k].calc = null;
      return;
    }
    if (formulas < t.rows) return;
    let any = false;
    let uniform = true;
    for (let r = first; r <= t.row + t.rows; r++) {
      const f = sh.formula(r, c);
      if (!f) {
        uniform = false;
        continue;
      }
      any = true;
      const n = shiftFormula(f, first - r, 0);
      if (norm === null) norm = n;
      else if (n !== norm) uniform = false;
    }
    if (!any) t.columns[k].calc = null;
    else if (uniform) t.columns[k].calc = norm;
  }
}
