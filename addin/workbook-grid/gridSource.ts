import { cellAddress } from '../workbook/address.js';
import { formatCell } from '../workbook/cell-display.js';
import { COLUMN_WIDTH_PT, ROW_HEIGHT_PT } from '../workbook/memory/api/range.js';
import { cellKey } from '../workbook/memory/sheet.js';
import type { MemoryWorkbook } from '../workbook/memory/workbook.js';

interface GridCell {
  text: string;
  numeric: boolean;
  formula?: string;
  /** A conditional format's fill over the cell (e.g. the last refresh's change highlight). */
  fill?: string;
  /** The cell's note (Excel shows it on hover, with a red corner). */
  note?: string;
}

/** A picture floating over the grid, in cells (fractions allowed) so the grid draws it where Excel would. */
interface GridPicture {
  name: string;
  row: number;
  col: number;
  rows: number;
  cols: number;
  /** A data: URL of the image. */
  src: string;
}

/**
 * What the workbook grid needs from a workbook. Reads only the cells on screen, so a 100k-row
 * table costs as much to show as a 40-row one.
 */
export interface GridSource {
  sheetNames(): string[];
  activeSheet(): string;
  /** Rows and columns holding data (0 when empty). */
  extent(sheet: string): { rows: number; cols: number };
  cell(sheet: string, row: number, col: number): GridCell | null;
  /** The sheet's image shapes (Worksheet.shapes addImage), bottom to top. */
  pictures(sheet: string): GridPicture[];
  selected(): { sheet: string; row: number; col: number };
  select(sheet: string, row: number, col: number): void;
  subscribe(listener: () => void): () => void;
}

/** The cells a grid draws: a sheet and a window of rows and columns. */
export interface Viewport {
  sheet: string;
  firstRow: number;
  lastRow: number;
  firstCol: number;
  lastCol: number;
}

/**
 * Everything the grid draws in a viewport, as one string: equal strings, nothing to repaint. Read
 * per animation frame at most, a few hundred cells: far cheaper than rendering them again.
 */
export function visibleSignature(source: GridSource, v: Viewport): string {
  const sel = source.selected();
  const parts: string[] = [v.sheet, source.sheetNames().join('\t'), `${sel.sheet}!${sel.row},${sel.col}`];
  for (const p of source.pictures(v.sheet)) parts.push(`${p.name}@${p.row},${p.col},${p.rows},${p.cols}:${p.src.length}`);
  for (let r = v.firstRow; r <= v.lastRow; r++) {
    for (let c = v.firstCol; c <= v.lastCol; c++) {
      const cell = source.cell(v.sheet, r, c);
      if (cell) parts.push(`${r},${c}\t${cell.text}\t${cell.formula ?? ''}\t${cell.fill ?? ''}\t${cell.note ?? ''}`);
    }
  }
  return parts.join('\n');
}

export function memoryGridSource(wb: MemoryWorkbook): GridSource {
  return {
    // Hidden sheets (e.g. the provenance sheet) get no tab, as in Excel.
    sheetNames: () => wb.sheets.filter((s) => !s.hidden).map((s) => s.name),
    activeSheet: () => wb.selection.sheet,
    extent(sheet) {
      const used = wb.findSheet(sheet) ? wb.usedRect(sheet) : null;
      const cells = used ? { rows: used.row + used.rows, cols: used.col + used.cols } : { rows: 0, cols: 0 };
      // Pictures float beyond the data: the grid scrolls far enough to show them.
      for (const p of this.pictures(sheet)) {
        cells.rows = Math.max(cells.rows, Math.ceil(p.row + p.rows));
        cells.cols = Math.max(cells.cols, Math.ceil(p.col + p.cols));
      }
      return cells;
    },
    // Shape geometry is in points; the in-memory Excel's grid is uniform (memory/api/range.ts), so points map to cells exactly.
    pictures: (sheet) =>
      (wb.findSheet(sheet)?.shapes ?? [])
        .filter((s) => s.image)
        .map((s) => ({
          name: s.name,
          row: s.top / ROW_HEIGHT_PT,
          col: s.left / COLUMN_WIDTH_PT,
          rows: s.height / ROW_HEIGHT_PT,
          cols: s.width / COLUMN_WIDTH_PT,
          src: `data:${s.image!.startsWith('/9j/') ? 'image/jpeg' : 'image/png'};base64,${s.image}`,
        })),
    cell(sheet, row, col) {
      const sh = wb.findSheet(sheet);
      const raw = sh?.get(row, col);
      const fill = wb.conditionalFill(sheet, row, col);
      const note = sh?.notes.get(cellKey(row, col))?.content;
      const value = raw ? wb.value(sheet, row, col) : null;
      if (value === null && !raw?.formula && !fill && note === undefined) return null;
      return {
        text: formatCell(value, raw?.format ?? 'General'),
        numeric: typeof value === 'number',
        ...(raw?.formula ? { formula: raw.formula } : {}),
        ...(fill ? { fill } : {}),
        ...(note !== undefined ? { note } : {}),
      };
    },
    selected: () => ({ sheet: wb.selection.sheet, row: wb.selection.rect.row, col: wb.selection.rect.col }),
    select(sheet, row, col) {
      wb.selection = { sheet, rect: { row, col, rows: 1, cols: 1 } };
      wb.notify();
    },
    subscribe: (listener) => wb.subscribe(listener),
  };
}

export { cellAddress };
