/**
 * WorkbookGateway: the ONLY way the add-in touches a workbook.
 *
 * One implementation, excel/gateway.ts, over Office.js (with excel/port.ts the only code that
 * references `Excel.` / `Office.`). The browser preview and the tests run that same gateway over an
 * in-memory Excel (memory/excel-api.ts over memory/workbook.ts) that models what real Excel does
 * (docs/excel.md). The pure planning logic lives beside it (chunks.ts, formats.ts, names.ts,
 * refresh-plan.ts, target.ts, write-core.ts).
 *
 * Rows are positional arrays in `columns` order, values Excel-ready (common/stream.ts): dates are
 * serial numbers written with the column's number format, text is written under format "@".
 */
import type { CellValue, ColumnSpec } from '../../common/stream.js';

/** Where a new table goes. `address` is the top-left cell of the header row, e.g. "B3". */
export type WriteTarget = { kind: 'newSheet'; sheetName?: string } | { kind: 'cell'; sheet: string; address: string };

/** Zero-based row/column of the top-left cell of the selection. */
export interface SelectionInfo {
  sheet: string;
  address: string;
  row: number;
  column: number;
}

export interface TableInfo {
  name: string;
  sheet: string;
  /** Whole table incl. header row, e.g. "B3:F120" (no sheet prefix). */
  address: string;
  headers: string[];
  /** Data rows (without the header). */
  rowCount: number;
  columnCount: number;
}

/** Shape of what will be written: data rows (header excluded) × columns. */
export interface TableShape {
  rows: number;
  columns: number;
}

export type TargetCheck =
  | { ok: true; sheet?: string; address: string }
  | {
      ok: false;
      /** First non-empty cell (or table) in the way, e.g. "Sheet1!D7". */
      conflict: string;
      message: string;
      /** A place that is free for the same shape (next empty columns to the right, or a new sheet). */
      suggestion: WriteTarget;
    };

/** Rows as one array (total known) or as batches arriving from the stream. */
export type RowSource = CellValue[][] | AsyncIterable<CellValue[][]> | Iterable<CellValue[][]>;

export interface WriteProgress {
  rowsWritten: number;
  totalRows?: number;
}

export interface WriteOptions {
  /** Wanted table name; sanitized and made unique (see names.ts). */
  tableName: string;
  /** Data row count when known up front (lets formats be set once per column, enables % progress). */
  totalRows?: number;
  signal?: AbortSignal;
  onProgress?(p: WriteProgress): void;
}

export interface WrittenTable {
  /** The name actually used (may differ from the one asked for: sanitized, _2, _3 …). */
  name: string;
  sheet: string;
  address: string;
  rowCount: number;
  columnCount: number;
  /** Write statistics (syncs = context.sync() calls, bytes = estimated request payload). */
  stats: WriteStats;
}

export interface WriteStats {
  syncs: number;
  bytes: number;
  /** Text cells cut to Excel's 32,767-character cell limit. */
  truncatedCells: number;
  /** The first of those cells by name, e.g. "Comment, row 17" (column header, 1-based data row); at most 20. */
  truncatedSample: string[];
}

export interface ReplaceOptions {
  /** replace: the table's data becomes `rows`; append: `rows` are added below the existing data. */
  mode: 'replace' | 'append';
  /** Append mode: name of a date-time column filled with `now` for every appended row (created if missing). */
  timestampColumn?: string;
  /** Source columns written by the previous refresh; those missing now are reported and cleared. */
  previousColumns?: string[];
  /**
   * The table's own picture (replacePicture moves it out of the way right after): the table may grow
   * under it, where any other shape stops the refresh.
   */
  ownPicture?: string;
  now?: Date;
  signal?: AbortSignal;
  onProgress?(p: WriteProgress): void;
}

/** An area of a table's data: zero-based rows and columns from its first data cell, and its size. */
export interface DataArea {
  row: number;
  col: number;
  rows: number;
  cols: number;
}

export interface ReadRowsOptions {
  signal?: AbortSignal;
  /** Cells per request (default 50,000). */
  chunkCells?: number;
}

export interface ReplaceResult {
  table: TableInfo;
  rowsWritten: number;
  /** Source columns that are new in this refresh (added as table columns after the last source column). */
  addedColumns: string[];
  /** Source columns of the previous refresh that the source no longer has (their cells are cleared). */
  removedColumns: string[];
  /** Table columns the refresh did not write (user columns: formulas keep filling down). */
  keptColumns: string[];
  /** The table has a sort that was re-applied: its rows are no longer in the result's order. */
  sorted: boolean;
  stats: WriteStats;
}

/** Where writeResultColumn put its texts. */
export interface ResultColumn {
  table: string;
  /** The column's header as it stands in the table. */
  column: string;
  /** The whole table afterwards, e.g. "A1:E12" (no sheet prefix). */
  address: string;
  /** True when the column was new (added at the table's right edge). */
  added: boolean;
}

/** A picture (an image shape) on a sheet; geometry in points, like Excel.Shape. */
export interface PictureInfo {
  name: string;
  sheet: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Beside a table (picture-placement.ts rule), or at a cell for a picture without a table. */
export type PicturePlacement = { kind: 'beside'; table: string } | { kind: 'at'; address: string };

export interface PictureRequest {
  sheet: string;
  /** The shape's name; the refresh definition keeps it to find the picture again. */
  name: string;
  /** PNG bytes as base64 (what ShapeCollection.addImage takes). */
  base64: string;
  where: PicturePlacement;
}

type WorkbookErrorCode =
  | 'cancelled'
  | 'collision'
  | 'sheet-protected'
  | 'not-found'
  | 'invalid-input'
  | 'too-large'
  | 'unsupported'
  | 'payload-too-large'
  | 'excel-error';

/** Every gateway failure is a WorkbookError with a stable code and plain words. */
export class WorkbookError extends Error {
  constructor(
    readonly code: WorkbookErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'WorkbookError';
  }
}

export interface WorkbookGateway {
  readonly kind: 'excel' | 'memory';
  getSelection(): Promise<SelectionInfo>;
  listSheets(): Promise<string[]>;
  listTables(): Promise<TableInfo[]>;
  getTable(name: string): Promise<TableInfo | null>;
  /** Would writing `shape` (plus a header row) at `target` overwrite anything? Never changes the workbook. */
  checkTarget(target: WriteTarget, shape: TableShape): Promise<TargetCheck>;
  /** Writes header + rows in chunks, then creates the table. Throws 'collision' before writing anything. */
  writeTable(target: WriteTarget, columns: ColumnSpec[], rows: RowSource, opts: WriteOptions): Promise<WrittenTable>;
  /** Refresh: validates everything first (table unchanged on failure), then rewrites the data in place. */
  replaceTableData(tableName: string, columns: ColumnSpec[], rows: CellValue[][], opts: ReplaceOptions): Promise<ReplaceResult>;
  /**
   * The table's data rows, only the named columns in that order (a column it lacks reads as null),
   * handed to `onRows` chunk by chunk; resolves with the rows read. Never changes the workbook.
   */
  readTableRows(
    tableName: string,
    columns: readonly string[],
    onRows: (rows: CellValue[][]) => void,
    opts?: ReadRowsOptions,
  ): Promise<number>;
  /**
   * One text per data row (in the table's row order) into the table's column named `header`: the
   * existing one, or a new table column at the right edge (excel/result-column.ts). 'invalid-input'
   * when the table's row count is not `texts.length`; 'collision' when the new column's cells are not empty.
   */
  writeResultColumn(tableName: string, header: string, texts: readonly string[]): Promise<ResultColumn>;
  /**
   * Marks areas of the table's data (rows and columns counted from its first data cell) with a
   * light fill until the next call, which removes them first; [] only removes them. The cells'
   * own formats are never changed (excel/mark-changes.ts).
   */
  markChanges(tableName: string, areas: readonly DataArea[]): Promise<void>;
  /** Selects the table and activates its sheet. */
  activateTable(name: string): Promise<void>;
  /** Deletes the table; with clearData also its cells (values and formats). */
  deleteTable(name: string, opts?: { clearData?: boolean }): Promise<void>;
  /** Whether this Excel can put notes on cells (Excel.NoteCollection, ExcelApi 1.18). */
  supportsNotes(): boolean;
  /**
   * Notes on the table's header cells, by column name (a name the header lacks is skipped): added,
   * or their text replaced where the cell has a note. Resolves with how many cells got one;
   * 'unsupported' below ExcelApi 1.18 (excel/notes.ts).
   */
  setHeaderNotes(tableName: string, notes: ReadonlyArray<{ column: string; text: string }>): Promise<number>;
  /** Shows or hides a sheet (Worksheet.visibility, settable from ExcelApi 1.2); 'not-found' when absent. */
  setSheetVisible(sheet: string, visible: boolean): Promise<void>;
  /** Pictures need the shapes API (ExcelApi 1.9); false where this Excel lacks it. */
  supportsPictures(): boolean;
  /**
   * Inserts a PNG as a picture, never over cells with values, tables or other shapes
   * (picture-placement.ts). Throws 'unsupported' without ExcelApi 1.9, 'sheet-protected', 'collision'.
   */
  insertPicture(req: PictureRequest): Promise<PictureInfo>;
  /**
   * Replaces the named picture's image in place (same size, position and z-order; moved right only
   * when `table` now reaches under it). Null when there is no such picture any more.
   */
  replacePicture(req: { sheet: string; name: string; base64: string; table?: string }): Promise<PictureInfo | null>;
  /** Custom XML part store (ExcelApi 1.5), one part per namespace; null when absent. */
  readDocument(namespace: string): Promise<string | null>;
  /** Replaces the part for `namespace`; `xml`'s root element must declare xmlns="<namespace>". */
  writeDocument(namespace: string, xml: string): Promise<void>;
}
