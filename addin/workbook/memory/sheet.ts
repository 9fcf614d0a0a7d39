/**
 * One worksheet of the in-memory Excel: cells kept by column (column.ts: typed arrays for numbers
 * and booleans, one array of strings, sparse formulas, number formats as runs of rows), plus the
 * sheet-level state Excel keeps — visibility, protection, rows hidden by table filters, merged areas
 * and shapes. Kept by column rather than as one object per cell because a table is written and read
 * column-wise and a million-row insert must not allocate ten million objects (issue #18).
 *
 * A cell "exists" when it has a value, a formula or a number format other than General; `get`
 * returns a snapshot of it (a plain object: changing it changes nothing in the sheet).
 */
import { intersects, MAX_COLUMNS, type Rect } from '../address.js';
import { Column, type ColumnSlice, type MemCell } from './column.js';
import type { Scalar } from './formula.js';

export type { MemCell };

/** A cell's note (Excel.Note, ExcelApi 1.18): the "old-style comment" shown on hover, keyed by its cell. */
export interface MemNote {
  content: string;
  authorName: string;
}

/** A floating shape (Worksheet.shapes, ExcelApi 1.9); geometry in points like Excel.Shape. */
export interface MemShape {
  id: string;
  name: string;
  type: string;
  left: number;
  top: number;
  width: number;
  height: number;
  /** An image shape's picture (ShapeCollection.addImage): base64 PNG or JPEG, as given. */
  image?: string;
}

/**
 * A conditional format of type "custom" (ExcelApi 1.6: Range.conditionalFormats.add("Custom"),
 * CustomConditionalFormat.rule.formula and .format.fill.color,
 * https://learn.microsoft.com/javascript/api/excel/excel.customconditionalformat). Only what the
 * add-in uses is modelled: the rule's formula is kept and evaluated only to draw the fill in the
 * preview grid (MemoryWorkbook.conditionalFill), and the fill shows over the cells' own formats
 * without changing them, as in Excel.
 */
export interface MemConditionalFormat {
  id: string;
  rect: Rect;
  formula: string;
  fill: string | null;
}

/** Row-major order of cells (row, then column), as Excel's own cell order. */
export const cellKey = (r: number, c: number): number => r * MAX_COLUMNS + c;

interface CellAt {
  row: number;
  col: number;
  cell: MemCell;
}

const EMPTY_COLUMN = new Column();

export class MemorySheet {
  /** Columns by index; a column with nothing in it may be absent. */
  private readonly columns = new Map<number, Column>();
  /** Worksheet.visibility (excel.d.ts Worksheet.visibility: "Visible" | "Hidden" | "VeryHidden"). */
  visibility: 'Visible' | 'Hidden' | 'VeryHidden' = 'Visible';
  /** WorksheetProtection.protected (ExcelApi 1.2). */
  protected = false;
  /**
   * Rows hidden by table filters (excel.d.ts TableColumn.filter; Range.rowHidden). The grid can
   * skip them; writes still reach them (Range.values writes every cell).
   */
  readonly hiddenRows = new Set<number>();
  /** Merged areas (Range.merge / getMergedAreasOrNullObject, ExcelApi 1.13). */
  readonly merges: Rect[] = [];
  readonly shapes: MemShape[] = [];
  /** Notes by cell key (cellKey(row, col)); they stay with the cell, whatever its value. */
  readonly notes = new Map<number, MemNote>();
  readonly conditionalFormats: MemConditionalFormat[] = [];

  constructor(public name: string) {}

  /** Hidden sheets keep their data but get no tab. */
  get hidden(): boolean {
    return this.visibility !== 'Visible';
  }
  set hidden(h: boolean) {
    this.visibility = h ? 'Hidden' : 'Visible';
  }

  /** Column `c`, made when absent: for block edits (copy.ts) that work on a column's arrays at once. */
  column(c: number): Column {
    let col = this.columns.get(c);
    if (!col) this.columns.set(c, (col = new Column()));
    return col;
  }

  /** A copy of rows [from, from + n) of column `c` (column.ts ColumnSlice); an absent column gives an empty one. */
  slice(c: number, from: number, n: number): ColumnSlice {
    return (this.columns.get(c) ?? EMPTY_COLUMN).slice(from, n);
  }

  /** The number formats of column `c`, or undefined when it has none (every cell General). */
  formatsOf(c: number): Column['formats'] | undefined {
    return this.columns.get(c)?.formats;
  }

  /** A snapshot of the cell, or undefined when it holds nothing (no value, formula or format). */
  get(r: number, c: number): MemCell | undefined {
    return this.columns.get(c)?.cell(r);
  }
  value(r: number, c: number): Scalar | null {
    return this.columns.get(c)?.value(r) ?? null;
  }
  formula(r: number, c: number): string | undefined {
    return this.columns.get(c)?.formulas.get(r);
  }
  format(r: number, c: number): string | undefined {
    return this.columns.get(c)?.formats.get(r);
  }
  /** How many cells of column `c` in rows [from, to) hold a formula. */
  formulaCount(c: number, from: number, to: number): number {
    let n = 0;
    for (const r of this.columns.get(c)?.formulas.keys() ?? []) if (r >= from && r < to) n++;
    return n;
  }
  /** No value and no formula (a format alone leaves a cell empty, as in Excel). */
  isEmpty(r: number, c: number): boolean {
    const col = this.columns.get(c);
    return !col || (col.value(r) === null && !col.formulas.has(r));
  }

  setValue(r: number, c: number, v: Scalar | null): void {
    this.column(c).setValue(r, v);
  }
  /** A formula, or undefined to remove it (the value is left as it is). */
  setFormula(r: number, c: number, f: string | undefined): void {
    if (f) this.column(c).formulas.set(r, f);
    else this.columns.get(c)?.formulas.delete(r);
  }
  /** A number format for one cell, or undefined for General. */
  setFormat(r: number, c: number, format: string | undefined): void {
    if (format === undefined && !this.columns.has(c)) return;
    this.column(c).formats.set(r, r + 1, format);
  }
  /** One number format (undefined = General) for `rows` rows of column `c` from row `r`: one run, not a cell each. */
  setFormatRows(r: number, rows: number, c: number, format: string | undefined): void {
    if (format === undefined && !this.columns.has(c)) return;
    this.column(c).formats.set(r, r + rows, format);
  }
  /** Value and formula at once (a formula cell keeps no value of its own: it is computed). */
  setContent(r: number, c: number, value: Scalar | null, formula?: string): void {
    const col = this.column(c);
    col.setValue(r, value);
    if (formula) col.formulas.set(r, formula);
    else col.formulas.delete(r);
  }
  /** Replaces everything in the cell (undefined = an empty cell). */
  put(r: number, c: number, cell: MemCell | undefined): void {
    if (!cell) return this.delete(r, c);
    this.setContent(r, c, cell.value, cell.formula);
    this.setFormat(r, c, cell.format);
  }
  delete(r: number, c: number): void {
    const col = this.columns.get(c);
    if (!col) return;
    col.setValue(r, null);
    col.formulas.delete(r);
    col.formats.set(r, r + 1, undefined);
  }

  /** Removes values and formulas inside `rect` (and number formats too with `formats`), column by column. */
  clearRect(rect: Rect, formats: boolean): void {
    for (const [c, col] of this.columns) {
      if (c < rect.col || c >= rect.col + rect.cols) continue;
      col.clearContents(rect.row, rect.row + rect.rows);
      if (formats) col.formats.set(rect.row, rect.row + rect.rows, undefined);
    }
  }

  /**
   * Bounds of the cells holding a value or formula (or, when !valuesOnly, a format too) inside
   * `within`, or null: per column from its typed arrays and its runs, never cell by cell.
   */
  bounds(within: Rect | null, valuesOnly: boolean): Rect | null {
    let r0 = Infinity,
      c0 = Infinity,
      r1 = -1,
      c1 = -1;
    for (const [c, col] of this.columns) {
      if (within && (c < within.col || c >= within.col + within.cols)) continue;
      const b = col.bounds(within?.row ?? 0, within ? within.row + within.rows : Infinity, valuesOnly);
      if (!b) continue;
      r0 = Math.min(r0, b[0]);
      r1 = Math.max(r1, b[1]);
      c0 = Math.min(c0, c);
      c1 = Math.max(c1, c);
    }
    return r1 < 0 ? null : { row: r0, col: c0, rows: r1 - r0 + 1, cols: c1 - c0 + 1 };
  }

  /** Non-empty = has a value or a formula (a format alone does not count, as in Excel's used range "valuesOnly"). */
  *used(valuesOnly = true): Generator<CellAt> {
    yield* this.cellsIn(null, !valuesOnly);
  }

  /** Cells inside `rect` (every sheet cell when null) with a value or formula; with `includeFormatted`, format-only cells too. Column by column. */
  *cellsIn(rect: Rect | null, includeFormatted = false): Generator<CellAt> {
    const cols = [...this.columns.keys()].filter((c) => !rect || (c >= rect.col && c < rect.col + rect.cols)).sort((a, b) => a - b);
    for (const c of cols) {
      const col = this.columns.get(c)!;
      const from = rect?.row ?? 0;
      const to = Math.min(rect ? rect.row + rect.rows : Infinity, col.extent(includeFormatted));
      for (const r of col.rowsWithContent(from, to, includeFormatted)) {
        const cell = col.cell(r);
        if (cell) yield { row: r, col: c, cell };
      }
    }
  }

  mergesIn(rect: Rect): Rect[] {
    return this.merges.filter((m) => intersects(m, rect));
  }
}
