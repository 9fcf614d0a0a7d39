/**
 * One worksheet of the in-memory Excel: sparse cells plus the sheet-level state Excel keeps —
 * visibility, protection, rows hidden by table filters, merged areas and shapes.
 */
import { intersects, MAX_COLUMNS, type Rect } from '../address.js';
import type { Scalar } from './formula.js';

export interface MemCell {
  value: Scalar | null;
  formula?: string;
  format?: string;
}

/** A floating shape (Worksheet.shapes, ExcelApi 1.9); geometry in points like Excel.Shape. */
/** A cell's note (Excel.Note, ExcelApi 1.18): the "old-style comment" shown on hover, keyed by its cell. */
export interface MemNote {
  content: string;
  authorName: string;
}

export interface MemShape {
  id: string;
  name: string;
  type: string;
  left: number;
  top: number;
  width: number;
  height: number;
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

export const cellKey = (r: number, c: number): number => r * MAX_COLUMNS + c;

export class MemorySheet {
  readonly cells = new Map<number, MemCell>();
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

  get(r: number, c: number): MemCell | undefined {
    return this.cells.get(cellKey(r, c));
  }
  ensure(r: number, c: number): MemCell {
    let cell = this.cells.get(cellKey(r, c));
    if (!cell) this.cells.set(cellKey(r, c), (cell = { value: null }));
    return cell;
  }
  delete(r: number, c: number): void {
    this.cells.delete(cellKey(r, c));
  }

  /** Non-empty = has a value or a formula (a format alone does not count, as in Excel's used range "valuesOnly"). */
  *used(valuesOnly = true): Generator<{ row: number; col: number; cell: MemCell }> {
    for (const [k, cell] of this.cells) {
      if (cell.value === null && !cell.formula && (valuesOnly || !cell.format)) continue;
      yield { row: Math.floor(k / MAX_COLUMNS), col: k % MAX_COLUMNS, cell };
    }
  }

  /** Cells inside `rect` (empty ones too when `includeEmpty`). */
  *cellsIn(rect: Rect, includeEmpty = false): Generator<{ row: number; col: number; cell: MemCell }> {
    const small = rect.rows * rect.cols < this.cells.size;
    if (small) {
      for (let row = rect.row; row < rect.row + rect.rows; row++)
        for (let col = rect.col; col < rect.col + rect.cols; col++) {
          const cell = this.get(row, col);
          if (cell && (includeEmpty || cell.value !== null || cell.formula)) yield { row, col, cell };
        }
      return;
    }
    for (const [k, cell] of this.cells) {
      const row = Math.floor(k / MAX_COLUMNS);
      const col = k % MAX_COLUMNS;
      if (row < rect.row || row >= rect.row + rect.rows || col < rect.col || col >= rect.col + rect.cols) continue;
      if (!includeEmpty && cell.value === null && !cell.formula) continue;
      yield { row, col, cell };
    }
  }

  mergesIn(rect: Rect): Rect[] {
    return this.merges.filter((m) => intersects(m, rect));
  }
}
