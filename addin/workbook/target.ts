/** Collision handling shared by both gateways: where a table of a given shape would go, and where else it could. */
import { cellAddress, fitsSheet, MAX_COLUMNS, MAX_ROWS, type Rect } from './address.js';
import { type TableShape, WorkbookError, type WriteTarget } from './gateway.js';

/** The rectangle a table occupies: header + data rows (at least one, as Excel keeps one). */
export function tableArea(row: number, col: number, shape: TableShape): Rect {
  return { row, col, rows: Math.max(1, shape.rows) + 1, cols: shape.columns };
}

export function validateShape(shape: TableShape): void {
  if (!Number.isInteger(shape.rows) || !Number.isInteger(shape.columns) || shape.rows < 0 || shape.columns < 1) {
    throw new WorkbookError('invalid-input', 'A table needs at least one column and a whole number of rows.');
  }
  if (shape.rows + 1 > MAX_ROWS || shape.columns > MAX_COLUMNS) {
    throw new WorkbookError(
      'too-large',
      `${shape.rows.toLocaleString('en-US')} rows × ${shape.columns} columns do not fit on one Excel sheet (1,048,576 × 16,384).`,
      'Add a filter or a row limit.',
    );
  }
}

/**
 * Where to put the table instead: the first free columns to the right of everything on the sheet
 * (one blank column as a gap), at the same row; a new sheet when that does not fit.
 */
export function suggestPlacement(sheet: string, used: Rect | null, want: Rect): WriteTarget {
  const col = used ? used.col + used.cols + 1 : want.col;
  const candidate = { ...want, col };
  return fitsSheet(candidate) ? { kind: 'cell', sheet, address: cellAddress(want.row, col) } : { kind: 'newSheet' };
}

export function quoteSheet(name: string): string {
  return /^[A-Za-z_][\w.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}
