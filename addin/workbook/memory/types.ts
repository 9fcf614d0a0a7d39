/**
 * Types shared by the in-memory workbook's modules (workbook.ts, tables.ts, table-view.ts,
 * autocorrect.ts). Types only, importing nothing of those modules back: tables.ts and table-view.ts
 * depend on this file, not on each other's types or on the MemoryWorkbook class, so no import cycle
 * runs through them (test/server/layers.test.ts).
 */
import type { Rect } from '../address.js';
import type { Scalar } from './formula.js';
import type { MemorySheet } from './sheet.js';

/** The subset of Excel.FilterCriteria this model evaluates (table-view.ts). */
export interface FilterCriteria {
  filterOn: 'Values' | 'Custom' | 'TopItems' | 'BottomItems' | string;
  values?: unknown[];
  criterion1?: string;
  criterion2?: string;
  operator?: 'And' | 'Or';
}
/** Excel.SortField: `key` is the column index within the table. */
export interface SortField {
  key: number;
  ascending?: boolean;
}

export interface MemColumn {
  /** Formula of a calculated column as written in the first data row (a table-column property), or null. */
  calc: string | null;
  filter: FilterCriteria | null;
}

export interface MemTable {
  name: string;
  sheet: string;
  row: number;
  col: number;
  /** Data rows (Excel keeps at least one, possibly empty). */
  rows: number;
  cols: number;
  /** Table.showTotals (excel.d.ts): the totals row is the row after the data, inside the table's range. */
  showTotals: boolean;
  columns: MemColumn[];
  /** TableSort.fields as last applied (excel.d.ts TableSort.fields), [] when cleared. */
  sortFields: SortField[];
  /** Totals-row cells kept while the row is off, restored when it is shown again. */
  savedTotals?: { value: unknown; formula?: string; format?: string }[];
}

/** One cell of a write: what Range.values / Range.formulas put there. */
export type WriteKind = 'values' | 'formulas';

/**
 * Excel's AutoCorrect options that change what API writes do to tables (File › Options ›
 * Proofing › AutoCorrect Options › AutoFormat As You Type). Both on by default, as in Excel.
 */
export interface AutoCorrectOptions {
  /**
   * "Include new rows and columns in table": data written directly below or to the right of a
   * table joins it (https://learn.microsoft.com/office/dev/add-ins/excel/performance, "Importing
   * data into tables"; support.microsoft.com "Resize a table by adding or removing rows and columns").
   */
  expandTables: boolean;
  /**
   * "Fill formulas in tables to create calculated columns": a formula entered into an empty table
   * column fills the column, and new rows of a calculated column get its formula
   * (https://github.com/OfficeDev/office-js/issues/2093, https://github.com/OfficeDev/office-js/issues/6745,
   * https://github.com/OfficeDev/office-js/issues/5909).
   */
  fillFormulas: boolean;
}

/**
 * What the table code (tables.ts, table-view.ts, autocorrect.ts) needs from the workbook. MemoryWorkbook
 * (workbook.ts) satisfies it structurally; declaring it here keeps those files from importing workbook.ts,
 * which imports them.
 */
export interface TableHost {
  readonly tables: MemTable[];
  readonly autoCorrect: AutoCorrectOptions;
  findTable(name: string): MemTable | undefined;
  sheet(name: string): MemorySheet;
  /** The sheet, or AccessDenied when it is protected. */
  guard(sheetName: string, what: string): MemorySheet;
  value(sheetName: string, r: number, c: number): Scalar | null;
  tableHeaders(t: MemTable): string[];
  enter(sh: MemorySheet, r: number, c: number, v: unknown): void;
  writeCells(sheetName: string, rect: Rect, grid: readonly (readonly unknown[])[], kind: WriteKind): void;
}
