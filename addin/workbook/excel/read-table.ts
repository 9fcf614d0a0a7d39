/**
 * Reading a table's data back, column by name, in chunks: what a refresh compares the new result
 * with (common/diff). Each chunk is one request and is handed on before the next is read, so a
 * 1,000,000-row table is never held whole in the pane. Excel on the web answers at most 5 MB per
 * request (https://learn.microsoft.com/office/dev/add-ins/concepts/resource-limits-and-performance-optimization#excel-add-ins);
 * CHUNK_CELLS keeps a chunk of long texts well under it.
 */
import type { CellValue } from '../../../common/stream.js';
import { type ReadRowsOptions, WorkbookError } from '../gateway.js';
import { throwIfAborted } from '../write-core.js';

const CHUNK_CELLS = 50_000;

/** Position of each wanted column in the header (exact name first, then Excel's case-insensitive match); -1 when absent. */
function positions(headers: string[], names: readonly string[]): number[] {
  return names.map((name) => {
    const exact = headers.indexOf(name);
    return exact !== -1 ? exact : headers.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  });
}

export async function readRowsIn(
  ctx: Excel.RequestContext,
  tableName: string,
  names: readonly string[],
  onRows: (rows: CellValue[][]) => void,
  opts: ReadRowsOptions,
): Promise<number> {
  const table = ctx.workbook.tables.getItemOrNullObject(tableName).load('name');
  await ctx.sync();
  if (table.isNullObject) throw new WorkbookError('not-found', `The table "${tableName}" is not in this workbook any more.`);
  const header = table.getHeaderRowRange().load('values,rowIndex,columnIndex');
  const body = table.getDataBodyRange().load('rowCount');
  const ws = table.worksheet;
  await ctx.sync();
  const at = positions((header.values[0] ?? []).map(String), names);
  const found = at.filter((c) => c !== -1);
  if (found.length === 0) return 0;
  const first = Math.min(...found);
  const width = Math.max(...found) - first + 1;
  const step = Math.max(1, Math.floor((opts.chunkCells ?? CHUNK_CELLS) / width));
  let read = 0;
  for (let start = 0; start < body.rowCount; start += step) {
    throwIfAborted(opts.signal);
    const n = Math.min(step, body.rowCount - start);
    const range = ws.getRangeByIndexes(header.rowIndex + 1 + start, header.columnIndex + first, n, width).load('values');
    await ctx.sync();
    const rows = range.values.map((v) => at.map((c) => (c === -1 ? null : ((v[c - first] ?? null) as CellValue))));
    // An emptied table keeps one blank data row (Excel cannot have none; refresh.ts): no rows.
    if (body.rowCount === 1 && rows[0].every((v) => v === null || v === '')) return 0;
    onRows(rows);
    read += rows.length;
  }
  return read;
}
