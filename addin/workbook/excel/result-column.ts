/**
 * One text per data row into a named column of a table: the column of that name when the table has
 * it (a second run overwrites the first run's results), or else a new table column at its right edge.
 *
 * The column is added deliberately (TableColumnCollection.add(index, values, name): index left out, "If null or -1,
 * the addition happens at the end", name from ExcelApi 1.4,
 * https://learn.microsoft.com/javascript/api/excel/excel.tablecolumncollection#excel-excel-tablecolumncollection-add-member(1)),
 * not by writing into the column right of the table: Excel grows a table over such a write only with
 * the AutoCorrect option "Include new rows and columns in table" on
 * (https://learn.microsoft.com/office/dev/add-ins/excel/performance#importing-data-into-tables; modelled
 * in ../memory/autocorrect.ts), which the user may have turned off. Excel inserts sheet cells for a new table column, shifting what is to
 * its right; we refuse instead when that column is not empty, so nothing of the user's moves.
 * Texts go in under number format "@" set first, so a Tableau message starting with "=" stays text
 * (../text.ts, docs/excel.md#number-formats-and-values).
 */
import { rectAddress } from '../address.js';
import { type ResultColumn, WorkbookError } from '../gateway.js';
import { toExcelCell } from '../text.js';
import { tableGone } from './table-gone.js';

const stripSheet = (address: string) => address.slice(address.lastIndexOf('!') + 1);

export async function writeResultColumnIn(
  b: { ctx: Excel.RequestContext; supports(version: string): boolean },
  tableName: string,
  header: string,
  texts: readonly string[],
): Promise<ResultColumn> {
  const { ctx } = b;
  const table = ctx.workbook.tables.getItemOrNullObject(tableName).load('name,showTotals');
  await ctx.sync();
  if (table.isNullObject) {
    throw tableGone(tableName);
  }
  const ws = table.worksheet.load('name');
  const protection = ws.protection.load('protected');
  const head = table.getHeaderRowRange().load('values,rowIndex,columnIndex,columnCount');
  const body = table.getDataBodyRange().load('rowCount');
  await ctx.sync();
  if (protection.protected) {
    throw new WorkbookError(
      'sheet-protected',
      `The sheet "${ws.name}" is protected, so Excel will not let the add-in write the results next to ${table.name}.`,
      'Unprotect it (Review > Unprotect Sheet) and write the results again.',
    );
  }
  if (body.rowCount !== texts.length) {
    throw new WorkbookError(
      'invalid-input',
      `${table.name} has ${body.rowCount} rows now, but the results are for ${texts.length}: the table changed while Tableau was being updated.`,
      'Run the dry run again: rows already done show as unchanged.',
    );
  }
  const headers = (head.values[0] ?? []).map(String);
  let at = headers.findIndex((h) => h.toLowerCase() === header.toLowerCase());
  const added = at === -1;
  if (added) {
    const edge = {
      row: head.rowIndex,
      col: head.columnIndex + head.columnCount,
      rows: 1 + body.rowCount + (table.showTotals ? 1 : 0),
      cols: 1,
    };
    const range = ws.getRangeByIndexes(edge.row, edge.col, edge.rows, edge.cols);
    const used = range.getUsedRangeOrNullObject(true).load('address');
    // Another table in that column (Range.getTables, ExcelApi 1.9): a table may not overlap another.
    const tables = b.supports('1.9') ? range.getTables(false).load('items/name') : null;
    await ctx.sync();
    const blocker = !used.isNullObject
      ? `cells in ${stripSheet(used.address)} are not empty`
      : tables?.items[0]
        ? `the table ${tables.items[0].name} is there`
        : null;
    if (blocker) {
      throw new WorkbookError(
        'collision',
        `The results need a new column ${rectAddress(edge)} right of ${table.name}, but ${blocker}. Nothing was written.`,
        `Clear that column or add a column named "${header}" to the table yourself, then write the results again.`,
      );
    }
    table.columns.add(undefined, undefined, header);
    at = headers.length;
  }
  if (texts.length > 0) {
    const cells = ws.getRangeByIndexes(head.rowIndex + 1, head.columnIndex + at, texts.length, 1);
    cells.numberFormat = [['@']];
    cells.values = texts.map((t) => [toExcelCell(t, true).value]);
  }
  const whole = table.getRange().load('address');
  await ctx.sync();
  return { table: table.name, column: added ? header : headers[at], address: stripSheet(whole.address), added };
}
