/**
 * Marking what a refresh changed: a light fill over the added rows and the changed cells until
 * the next refresh. Each area gets a conditional format of type "Custom" whose rule is always true
 * (ExcelApi 1.6, https://learn.microsoft.com/javascript/api/excel/excel.customconditionalformat),
 * not a fill of the cells: a conditional format shows over the cells' own formats and changes
 * none of them, so removing it later gives back exactly the fills the analyst had, and a fill
 * the analyst adds meanwhile is never cleared by us. Ours are told from the analyst's own
 * conditional formats by their rule (CHANGE_MARK), which no one types by accident.
 */
import { type DataArea, WorkbookError } from '../gateway.js';

/** Always true (N of a text is 0), and recognisable as ours. */
export const CHANGE_MARK = '=N("tableau-excel: changed by the last refresh")=0';
/** Excel's light yellow ("Gold, Lighter 80%"), readable under black text. */
const FILL = '#FFF2CC';

export async function markChangesIn(ctx: Excel.RequestContext, tableName: string, areas: readonly DataArea[]): Promise<void> {
  const table = ctx.workbook.tables.getItemOrNullObject(tableName);
  await ctx.sync();
  if (table.isNullObject) throw new WorkbookError('not-found', `The table "${tableName}" is not in this workbook any more.`);
  const body = table.getDataBodyRange().load('rowIndex,columnIndex');
  const ws = table.worksheet;
  const existing = table.getRange().conditionalFormats.load('items/type');
  await ctx.sync();
  const custom = existing.items.filter((f) => f.type === 'Custom');
  for (const f of custom) f.custom.rule.load('formula');
  await ctx.sync();
  for (const f of custom) if (f.custom.rule.formula === CHANGE_MARK) f.delete();
  for (const a of areas) {
    const format = ws.getRangeByIndexes(body.rowIndex + a.row, body.columnIndex + a.col, a.rows, a.cols).conditionalFormats.add('Custom');
    format.custom.rule.formula = CHANGE_MARK;
    format.custom.format.fill.color = FILL;
  }
  await ctx.sync();
}
