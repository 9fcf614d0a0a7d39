/**
 * replaceTableData over Office.js: stage and swap (docs/decisions.md#stage-and-swap).
 *  1. Read the table (one request): header, size, totals row, first data row (formats and user
 *     formulas), sort, filter criteria, protection. Plan by column name (refresh-plan.ts).
 *  2. Check the room the table grows into (room.ts); only then add the very hidden staging sheet.
 *  3. Write the new rows to the staging sheet at the table's own coordinates, in chunks.
 *  4. One request swaps them in: filters cleared, totals row off, new columns, resize, old rows
 *     cleared, formats, Range.copyFrom("Values") per run of columns, user formula columns filled
 *     over new rows, totals row back with its formulas, filters and sort re-applied, staging deleted.
 * A failure or Cancel before step 4 leaves every cell, format and the table's size as they were.
 */
import type { CellValue, ColumnSpec } from '../../../common/stream.js';
import { MAX_ROWS, type Rect, rectAddress } from '../address.js';
import { dateColumns, forDateSystem } from '../date-system.js';
import { refreshFormat, toExcelSerial } from '../formats.js';
import { type ReplaceOptions, type ReplaceResult, WorkbookError } from '../gateway.js';
import { planRefresh, withTimestamp } from '../refresh-plan.js';
import { throwIfAborted, writeRows } from '../write-core.js';
import { excelPort } from './port.js';
import { queueRoomReads, roomConflict, type RoomReads } from './room.js';
import { dropSheet, queueStaging } from './staging.js';
import { tableGone } from './table-gone.js';
import type { Batch } from './write-table.js';

const stripSheet = (address: string) => address.slice(address.lastIndexOf('!') + 1);

/** Runs of consecutive numbers, e.g. [3,4,5,8] → [[3,3],[8,1]] as [start, length]. */
function runsOf(sorted: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out.at(-1);
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}

const isActive = (criteria: Excel.FilterCriteria | null | undefined) => !!criteria && !!criteria.filterOn;

export async function replaceIn(
  b: Batch & { require(version: string, what: string): void },
  tableName: string,
  columns: ColumnSpec[],
  rows: CellValue[][],
  opts: ReplaceOptions,
): Promise<ReplaceResult> {
  const { ctx } = b;
  const table = ctx.workbook.tables.getItemOrNullObject(tableName).load('name,showTotals');
  const sheets = ctx.workbook.worksheets.load('items/name');
  await ctx.sync();
  if (table.isNullObject) {
    throw tableGone(tableName);
  }
  const ws = table.worksheet.load('name');
  const protection = ws.protection.load('protected');
  const header = table.getHeaderRowRange().load('values,rowIndex,columnIndex,columnCount');
  const body = table.getDataBodyRange().load('rowCount');
  const first = table.getDataBodyRange().getRow(0).load('values,numberFormat,formulasR1C1');
  const sort = table.sort.load('fields');
  const tableColumns = table.columns.load('items/name');
  const totals = table.showTotals ? table.getTotalRowRange().load('formulas') : null;
  await ctx.sync();
  if (protection.protected) {
    throw new WorkbookError(
      'sheet-protected',
      `The sheet "${ws.name}" is protected, so Excel will not let the add-in refresh ${table.name}. The table was left unchanged.`,
      'Unprotect it (Review > Unprotect Sheet) and refresh again.',
    );
  }
  const t = { row: header.rowIndex, col: header.columnIndex, rows: body.rowCount, cols: header.columnCount };
  const headers = (header.values[0] ?? []).map(String);
  const placeholderRow = t.rows === 1 && (first.values[0] ?? []).every((v) => v === '' || v === null);
  const plan = planRefresh({ headers, tableRows: t.rows, placeholderRow, columns, incomingRows: rows.length, opts });
  const data = plan.columns.length > columns.length ? withTimestamp(rows, columns.length, toExcelSerial(opts.now ?? new Date())) : rows;
  if (plan.tableRows !== t.rows) b.require('1.13', 'Refreshing a table whose row count changes (Table.resize)');
  const totalsRows = totals ? 1 : 0;

  // 2. Room to grow into (the table itself may touch it), filters, staging.
  const grow: Rect[] = [];
  if (plan.tableRows > t.rows) {
    grow.push({ row: t.row + 1 + t.rows + totalsRows, col: t.col, rows: plan.tableRows - t.rows, cols: plan.tableWidth });
  }
  if (plan.tableWidth > t.cols) {
    grow.push({ row: t.row, col: t.col + t.cols, rows: Math.max(plan.tableRows, t.rows) + 1 + totalsRows, cols: plan.tableWidth - t.cols });
  }
  const checks: RoomReads[] = grow.map((r) => queueRoomReads(ws, r, b.supports, table.name, opts.ownPicture));
  const filters = tableColumns.items.map((c) => ({ name: c.name, filter: c.filter.load('criteria') }));
  await ctx.sync();
  for (const [i, check] of checks.entries()) {
    const conflict = roomConflict(ws.name, check);
    if (conflict) {
      throw new WorkbookError(
        'collision',
        `The refreshed table needs ${rectAddress(grow[i])}, but ${conflict.message} The table was left unchanged.`,
        'Move what is below or to the right of the table, or refresh into a new table.',
      );
    }
  }
  throwIfAborted(opts.signal);
  const dates = dateColumns(plan.columns);
  const staging = queueStaging(
    ctx,
    sheets.items.map((s) => s.name),
    dates.length > 0,
  );
  await ctx.sync();
  const incoming = plan.newRows - plan.writeRowOffset;
  const firstRow = t.row + 1 + plan.writeRowOffset;
  try {
    throwIfAborted(opts.signal);
    const formats = plan.columns.map((c, i) => refreshFormat(c, plan.oldRows > 0 ? first.numberFormat[0]?.[plan.tableCols[i]] : undefined));

    // 3. Stage.
    const res = await writeRows({
      port: excelPort(ctx, () => staging.sheet),
      firstRow,
      targetCols: plan.tableCols.map((c) => t.col + c),
      formats,
      rows: incoming > 0 ? forDateSystem(data, dates, staging.date1904()) : [],
      totalRows: incoming,
      maxRows: MAX_ROWS,
      columnNames: plan.columns.map((c) => c.name),
      firstRowNumber: plan.writeRowOffset + 1,
      signal: opts.signal,
      onProgress: opts.onProgress,
      budget: b.budget,
    });
    const stats = res.stats;
    throwIfAborted(opts.signal);

    // 4. Swap, in one request.
    ctx.workbook.application.suspendApiCalculationUntilNextSync();
    const filtered = filters.filter((f) => isActive(f.filter.criteria));
    if (filtered.length) table.clearFilters();
    if (totals) {
      table.showTotals = false;
      ws.getRangeByIndexes(t.row + 1 + t.rows, t.col, 1, t.cols).clear('Contents');
    }
    for (const name of plan.added) table.columns.add(undefined, undefined, name);
    if (plan.tableRows !== t.rows) table.resize(ws.getRangeByIndexes(t.row, t.col, plan.tableRows + 1, plan.tableWidth));
    if (opts.mode === 'replace') {
      for (const c of plan.removedCols) ws.getRangeByIndexes(t.row + 1, t.col + c, plan.tableRows, 1).clear('Contents');
    }
    const oldEnd = t.row + 1 + t.rows + totalsRows;
    const newEnd = t.row + 1 + plan.tableRows;
    if (newEnd < oldEnd) ws.getRangeByIndexes(newEnd, t.col, oldEnd - newEnd, t.cols).clear('All');
    const written = [...plan.tableCols].sort((x, y) => x - y);
    if (plan.newRows === 0) {
      // An emptied table keeps one (blank) data row, as Excel does.
      for (const [c, n] of runsOf(written)) ws.getRangeByIndexes(t.row + 1, t.col + c, 1, n).clear('Contents');
    } else if (incoming > 0) {
      plan.tableCols.forEach((c, i) => (ws.getRangeByIndexes(firstRow, t.col + c, incoming, 1).numberFormat = [[formats[i]]]));
      for (const [c, n] of runsOf(written)) {
        const source = staging.sheet.getRangeByIndexes(firstRow, t.col + c, incoming, n);
        ws.getRangeByIndexes(firstRow, t.col + c, incoming, n).copyFrom(source, 'Values');
      }
    }
    refillFormulaColumns(ws, t, plan.tableRows, plan.tableCols, plan.removedCols, first.formulasR1C1[0] ?? []);
    if (totals) {
      table.showTotals = true;
      const saved = totals.formulas[0] ?? [];
      table.getTotalRowRange().formulas = [Array.from({ length: plan.tableWidth }, (_, i) => saved[i] ?? '')];
    }
    for (const f of filtered) table.columns.getItem(f.name).filter.apply(f.filter.criteria);
    if (sort.fields.length > 0) table.sort.reapply();
    staging.sheet.delete();
    const range = table.getRange().load('address');
    await ctx.sync();
    stats.syncs++;
    return {
      table: {
        name: table.name,
        sheet: ws.name,
        address: stripSheet(range.address),
        headers: [...headers, ...plan.added],
        rowCount: plan.tableRows,
        columnCount: plan.tableWidth,
      },
      rowsWritten: incoming,
      addedColumns: plan.added,
      removedColumns: plan.removed,
      keptColumns: plan.kept,
      sorted: sort.fields.length > 0,
      stats,
    };
  } catch (e) {
    await dropSheet(ctx, staging.name);
    throw e;
  }
}

/**
 * The user's formula columns over rows the table gained. Excel fills a calculated column itself
 * only when the AutoCorrect option "Fill formulas in tables to create calculated columns" is on
 * (https://github.com/OfficeDev/office-js/issues/2093, https://github.com/OfficeDev/office-js/issues/6745),
 * so the first data row's formula is copied down (Range.copyFrom repeats a 1×1 source over the
 * destination and adjusts relative references, as Excel's copy does).
 */
function refillFormulaColumns(
  ws: Excel.Worksheet,
  t: { row: number; col: number; rows: number; cols: number },
  tableRows: number,
  sourceCols: number[],
  removedCols: number[],
  firstFormulas: unknown[],
): void {
  if (tableRows <= t.rows) return;
  for (let c = 0; c < t.cols; c++) {
    if (sourceCols.includes(c) || removedCols.includes(c)) continue;
    const f = firstFormulas[c];
    if (typeof f !== 'string' || !f.startsWith('=')) continue;
    const source = ws.getRangeByIndexes(t.row + 1, t.col + c, 1, 1);
    ws.getRangeByIndexes(t.row + 1 + t.rows, t.col + c, tableRows - t.rows, 1).copyFrom(source, 'Formulas');
  }
}
