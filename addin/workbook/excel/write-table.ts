/**
 * writeTable over Office.js. A new sheet is the add-in's own: rows go straight into it and a failure
 * deletes it. A place on an existing sheet is checked (room.ts), the rows are staged on a very hidden
 * sheet (staging.ts), the place is checked again for the real row count, and one last request sets
 * the number formats, copies the values in (Range.copyFrom "Values": the user's fonts, fills and
 * borders stay) and creates the table. Until that request nothing at the target changes; if it
 * fails, only the contents the add-in put there are cleared (never the user's formats).
 */
import type { ColumnSpec } from '../../../common/stream.js';
import { MAX_ROWS, parseAddress, type Rect, rectAddress } from '../address.js';
import type { ChunkBudget } from '../chunks.js';
import { dateColumns, forDateSystem } from '../date-system.js';
import { columnFormat, TEXT_FORMAT } from '../formats.js';
import { type RowSource, WorkbookError, type WriteOptions, type WriteTarget, type WrittenTable } from '../gateway.js';
import { uniqueSheetName, uniqueTableName } from '../names.js';
import { headerNames } from '../refresh-plan.js';
import { tableArea } from '../target.js';
import { throwIfAborted, writeRows } from '../write-core.js';
import { excelPort } from './port.js';
import { queueRoomReads, roomConflict } from './room.js';
import { dropSheet, queueDateProbe, queueStaging } from './staging.js';

export interface Batch {
  ctx: Excel.RequestContext;
  supports(version: string): boolean;
  budget?: Partial<ChunkBudget>;
}

const collision = (message: string) => new WorkbookError('collision', message, 'Choose another place or a new sheet.');

/** Number formats per run of columns with the same format, as 1×1 arrays that broadcast. */
function queueFormats(sheet: Excel.Worksheet, row: number, col: number, rows: number, formats: string[]): void {
  let start = 0;
  for (let i = 1; i <= formats.length; i++) {
    if (i < formats.length && formats[i] === formats[start]) continue;
    const range = sheet.getRangeByIndexes(row, col + start, rows, i - start);
    // A 1×1 array is applied to every cell of the range (office-js-docs-reference#578).
    range.numberFormat = [[formats[start]]];
    start = i;
  }
}

export async function writeTableIn(
  b: Batch,
  target: WriteTarget,
  columns: ColumnSpec[],
  rows: RowSource,
  opts: WriteOptions,
  totalRows: number | undefined,
): Promise<WrittenTable> {
  const { ctx } = b;
  const wb = ctx.workbook;
  const sheets = wb.worksheets.load('items/name');
  const tables = wb.tables.load('items/name');
  const names = wb.names.load('items/name');
  const headers = headerNames(columns);
  const formats = columns.map(columnFormat);
  const dates = dateColumns(columns);
  const shape = { rows: totalRows ?? 0, columns: columns.length };
  const tableName = () => uniqueTableName(opts.tableName, [...tables.items.map((t) => t.name), ...names.items.map((n) => n.name)]);

  if (target.kind === 'newSheet') {
    await ctx.sync();
    const sheetName = uniqueSheetName(
      target.sheetName ?? opts.tableName,
      sheets.items.map((s) => s.name),
    );
    const sheet = wb.worksheets.add(sheetName);
    const date1904 = dates.length ? queueDateProbe(sheet) : () => false;
    await ctx.sync();
    const port = excelPort(ctx, () => sheet);
    try {
      const res = await writeRows({
        port,
        firstRow: 1,
        targetCols: columns.map((_, i) => i),
        formats,
        rows: forDateSystem(rows, dates, date1904()),
        totalRows,
        maxRows: MAX_ROWS - 1,
        columnNames: headers,
        signal: opts.signal,
        onProgress: opts.onProgress,
        budget: b.budget,
        prelude: () => {
          port.setFormat({ row: 0, col: 0, rows: 1, cols: columns.length }, TEXT_FORMAT);
          port.setValues(0, 0, [headers]);
        },
      });
      throwIfAborted(opts.signal);
      const address = rectAddress(tableArea(0, 0, { rows: res.rowsWritten, columns: columns.length }));
      const name = tableName();
      sheet.tables.add(address, true).name = name;
      await ctx.sync();
      res.stats.syncs++;
      return { name, sheet: sheetName, address, rowCount: res.rowsWritten, columnCount: columns.length, stats: res.stats };
    } catch (e) {
      await dropSheet(ctx, sheetName); // the sheet is the add-in's own: delete it whole
      throw e;
    }
  }

  const at = parseAddress(target.address);
  const found = wb.worksheets.getItemOrNullObject(target.sheet).load('name');
  await ctx.sync();
  if (found.isNullObject) throw new WorkbookError('not-found', `The sheet "${target.sheet}" does not exist.`);
  const sheetName = found.name;
  const first = queueRoomReads(found, tableArea(at.row, at.col, shape), b.supports);
  const below = found
    .getRangeByIndexes(at.row + 1, at.col, MAX_ROWS - at.row - 1, columns.length)
    .getUsedRangeOrNullObject(true)
    .load('rowIndex');
  await ctx.sync();
  const early = roomConflict(sheetName, first);
  if (early) throw collision(early.message);
  const maxRows = below.isNullObject ? MAX_ROWS - at.row - 1 : below.rowIndex - (at.row + 1);

  const staging = queueStaging(
    ctx,
    sheets.items.map((s) => s.name),
    dates.length > 0,
  );
  await ctx.sync();
  let swapping = false;
  let area: Rect | null = null;
  const port = excelPort(ctx, () => staging.sheet);
  try {
    const res = await writeRows({
      port,
      firstRow: at.row + 1,
      targetCols: columns.map((_, i) => at.col + i),
      formats,
      rows: forDateSystem(rows, dates, staging.date1904()),
      totalRows,
      maxRows,
      columnNames: headers,
      signal: opts.signal,
      onProgress: opts.onProgress,
      budget: b.budget,
      prelude: () => {
        port.setFormat({ row: at.row, col: at.col, rows: 1, cols: columns.length }, TEXT_FORMAT);
        port.setValues(at.row, at.col, [headers]);
      },
    });
    throwIfAborted(opts.signal);
    area = tableArea(at.row, at.col, { rows: res.rowsWritten, columns: columns.length });
    // Checked again for the real size: the rows may be more than announced, and the user kept working.
    const last = queueRoomReads(found, area, b.supports);
    await ctx.sync();
    const late = roomConflict(sheetName, last);
    if (late) throw collision(late.message);
    swapping = true;
    const rect = area;
    wb.application.suspendApiCalculationUntilNextSync();
    queueFormats(
      found,
      rect.row,
      rect.col,
      1,
      columns.map(() => TEXT_FORMAT),
    );
    if (res.rowsWritten > 0) queueFormats(found, rect.row + 1, rect.col, res.rowsWritten, formats);
    const source = staging.sheet.getRangeByIndexes(rect.row, rect.col, res.rowsWritten + 1, rect.cols);
    found.getRangeByIndexes(rect.row, rect.col, res.rowsWritten + 1, rect.cols).copyFrom(source, 'Values');
    const name = tableName();
    found.tables.add(rectAddress(rect), true).name = name;
    staging.sheet.delete();
    await ctx.sync();
    res.stats.syncs += 2;
    return { name, sheet: sheetName, address: rectAddress(rect), rowCount: res.rowsWritten, columnCount: columns.length, stats: res.stats };
  } catch (e) {
    if (swapping && area) await undoSwap(b, found, area);
    await dropSheet(ctx, staging.name);
    throw e;
  }
}

/**
 * After a failed final request (a request is not a transaction: what ran before the failure stays):
 * remove a table it made inside the area and the values it copied in. The area held no values and no
 * table before, so both are the add-in's; the user's formats stay.
 */
async function undoSwap(b: Batch, sheet: Excel.Worksheet, area: Rect): Promise<void> {
  try {
    const range = sheet.getRangeByIndexes(area.row, area.col, area.rows, area.cols);
    if (b.supports('1.9')) {
      const made = range.getTables(true).load('items/name');
      await b.ctx.sync();
      for (const t of made.items) t.delete();
    }
    range.clear('Contents');
    await b.ctx.sync();
  } catch {
    // The original error matters more.
  }
}
