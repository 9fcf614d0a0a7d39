/**
 * Room checks: may a table occupy `want` without overwriting or disturbing anything? Everything is
 * queued in one request and judged after ctx.sync():
 *  - values and formulas in the area (Range.getUsedRangeOrNullObject(true), ExcelApi 1.4);
 *  - tables in the area or touching it: values written directly below or to the right of a table
 *    make Excel grow that table over them ("Importing data into tables",
 *    https://learn.microsoft.com/office/dev/add-ins/excel/performance), after which tables.add fails
 *    on the overlap. So a new or grown table keeps one empty row and column from every other table
 *    (Range.getTables, ExcelApi 1.9; skipped with a note where the host lacks it);
 *  - merged cells: empty merged cells are not in the values-only used range
 *    (Range.getMergedAreasOrNullObject, ExcelApi 1.13);
 *  - shapes and charts over the area (Worksheet.shapes, ExcelApi 1.9), which a table would slide under;
 *  - sheet protection (WorksheetProtection.protected, ExcelApi 1.2): every write would fail.
 */
import { MAX_COLUMNS, MAX_ROWS, type Rect, rectAddress } from '../address.js';
import { type TargetCheck, WorkbookError, type WriteTarget } from '../gateway.js';
import { quoteSheet, suggestPlacement } from '../target.js';

const stripSheet = (address: string) => address.slice(address.lastIndexOf('!') + 1);

export interface RoomReads {
  sheet: Excel.Worksheet;
  want: Rect;
  used: Excel.Range;
  sheetUsed: Excel.Range;
  protection: Excel.WorksheetProtection;
  tables: Excel.TableScopedCollection | null;
  merged: Excel.RangeAreas | null;
  shapes: Excel.ShapeCollection | null;
  area: Excel.Range | null;
  /** Tables that may touch the area (the one being grown). */
  ignoreTable?: string;
  /** A shape that may be over the area: the grown table's own picture, moved after the refresh (excel/pictures.ts). */
  ignoreShape?: string;
}

/** The area plus one row and column on every side, cut to the sheet. */
function ring(r: Rect): Rect {
  const row = Math.max(0, r.row - 1);
  const col = Math.max(0, r.col - 1);
  return {
    row,
    col,
    rows: Math.min(MAX_ROWS, r.row + r.rows + 1) - row,
    cols: Math.min(MAX_COLUMNS, r.col + r.cols + 1) - col,
  };
}

export function queueRoomReads(
  sheet: Excel.Worksheet,
  want: Rect,
  supports: (version: string) => boolean,
  ignoreTable?: string,
  ignoreShape?: string,
): RoomReads {
  const range = sheet.getRangeByIndexes(want.row, want.col, want.rows, want.cols);
  const around = ring(want);
  const geometry = supports('1.9');
  return {
    sheet,
    want,
    used: range.getUsedRangeOrNullObject(true).load('address'),
    sheetUsed: sheet.getUsedRangeOrNullObject(true).load('rowIndex,columnIndex,rowCount,columnCount'),
    protection: sheet.protection.load('protected'),
    tables: geometry ? sheet.getRangeByIndexes(around.row, around.col, around.rows, around.cols).getTables(false).load('items/name') : null,
    merged: supports('1.13') ? range.getMergedAreasOrNullObject().load('address') : null,
    shapes: geometry ? sheet.shapes.load('items/name,left,top,width,height') : null,
    area: geometry ? range.load('left,top,width,height') : null,
    ignoreTable,
    ignoreShape,
  };
}

interface Conflict {
  where: string;
  message: string;
}

function overlaps(a: { left: number; top: number; width: number; height: number }, b: typeof a): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

/** The first thing in the way, in plain words; null when the area is free. Throws when the sheet is protected. */
export function roomConflict(sheetName: string, r: RoomReads): Conflict | null {
  if (r.protection.protected) {
    throw new WorkbookError(
      'sheet-protected',
      `The sheet "${sheetName}" is protected, so Excel will not let the add-in write to it.`,
      'Unprotect it (Review > Unprotect Sheet) or choose another place.',
    );
  }
  const at = (address: string) => `${quoteSheet(sheetName)}!${stripSheet(address)}`;
  const wanted = rectAddress(r.want);
  if (r.want.row + r.want.rows > MAX_ROWS || r.want.col + r.want.cols > MAX_COLUMNS) {
    return { where: 'the end of the sheet', message: 'The table would run past the edge of the sheet.' };
  }
  if (!r.used.isNullObject) return { where: at(r.used.address), message: `Cells in ${wanted} are not empty (${at(r.used.address)}).` };
  const table = r.tables?.items.find((t) => t.name.toLowerCase() !== r.ignoreTable?.toLowerCase());
  if (table) {
    return {
      where: `table ${table.name}`,
      message: `The table ${table.name} is in or right next to ${wanted}; Excel would grow it over the new data.`,
    };
  }
  if (r.merged && !r.merged.isNullObject) {
    return { where: at(r.merged.address), message: `${wanted} has merged cells (${at(r.merged.address)}).` };
  }
  const shape = r.area ? r.shapes?.items.find((s) => s.name !== r.ignoreShape && overlaps(s, r.area!)) : undefined;
  if (shape) return { where: `shape "${shape.name}"`, message: `The shape "${shape.name}" covers part of ${wanted}.` };
  return null;
}

/** checkTarget's answer from the reads: ok, or what is in the way and a free place instead. */
export function targetCheck(sheetName: string, r: RoomReads): TargetCheck {
  const conflict = roomConflict(sheetName, r);
  if (!conflict) return { ok: true, sheet: sheetName, address: rectAddress(r.want) };
  const box = r.sheetUsed.isNullObject
    ? null
    : { row: r.sheetUsed.rowIndex, col: r.sheetUsed.columnIndex, rows: r.sheetUsed.rowCount, cols: r.sheetUsed.columnCount };
  const suggestion: WriteTarget = suggestPlacement(sheetName, box, r.want);
  return { ok: false, conflict: conflict.where, message: conflict.message, suggestion };
}
