/**
 * The WritePort over Office.js: queue number formats and values on ranges by index, one
 * context.sync() per request. Formula calculation is suspended for each request
 * (application.suspendApiCalculationUntilNextSync, ExcelApi 1.6, as Emurasoft's CSV import does per
 * chunk), and per-chunk range proxies are untracked right away (docs: matters with thousands of them).
 */
import type { WritePort } from '../write-core.js';

export function excelPort(ctx: Excel.RequestContext, sheet: () => Excel.Worksheet): WritePort {
  let suspended = false;
  const suspendOnce = () => {
    if (!suspended) ctx.workbook.application.suspendApiCalculationUntilNextSync();
    suspended = true;
  };
  return {
    setFormat(rect, format) {
      suspendOnce();
      const range = sheet().getRangeByIndexes(rect.row, rect.col, rect.rows, rect.cols);
      // A 1×1 array is applied to every cell of the range (office-js-docs-reference#578, office-js-docs-pr#5400).
      range.numberFormat = [[format]];
      range.untrack();
    },
    setValues(row, col, values) {
      suspendOnce();
      const range = sheet().getRangeByIndexes(row, col, values.length, values[0]?.length ?? 0);
      range.values = values;
      range.untrack();
    },
    async sync() {
      suspended = false;
      await ctx.sync();
    },
  };
}
