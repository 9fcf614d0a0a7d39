/**
 * refresh_stage_vs_restore: the two ways to make a refresh atomic (docs/decisions.md#stage-and-swap),
 * measured on the same in-memory Excel: a 100,000-row × 10-column table refreshed with 100,000 new
 * rows by
 *  - stage and swap (what the gateway does: write to a very hidden sheet, copy in with one request);
 *  - keep and restore (copy the old table to a very hidden sheet, write in place, drop the copy; a
 *    failure would copy it back), written here only to be measured.
 * The figure is the time of the first over the second (median of 3 each) on the in-memory Excel,
 * so it measures the add-in's and the model's work; real Excel's time follows the syncs and bytes
 * in the note. Both send the same values once plus one server-side copy (stage and swap two more
 * small requests: the room check and the staging sheet), so the ratio should stay near 1; the
 * target (≤ 1.5) allows for a loaded machine.
 */
import { type ExcelRun } from '../addin/workbook/excel/gateway.js';
import { excelPort } from '../addin/workbook/excel/port.js';
import { columnFormat } from '../addin/workbook/formats.js';
import { memoryGateway } from '../addin/workbook/memory/gateway.js';
import { writeRows } from '../addin/workbook/write-core.js';
import type { CellValue } from '../common/stream.js';
import type { Figure } from './report.js';
import { typedRows, WRITE_COLUMNS } from './write.js';

const ROWS = 100_000;

async function table() {
  const g = memoryGateway(undefined, { record: true });
  await g.writeTable({ kind: 'newSheet', sheetName: 'Orders' }, WRITE_COLUMNS, typedRows(ROWS, 1), { tableName: 'Orders' });
  g.excel.syncs.length = 0;
  g.excel.ops.length = 0;
  return g;
}

async function stageAndSwap(rows: CellValue[][]) {
  const g = await table();
  const t0 = performance.now();
  await g.replaceTableData('Orders', WRITE_COLUMNS, rows, { mode: 'replace' });
  return { ms: performance.now() - t0, syncs: g.excel.syncs.length, bytes: g.excel.syncs.reduce((a, s) => a + s.bytes, 0) };
}

async function keepAndRestore(rows: CellValue[][]) {
  const g = await table();
  const run = g.excel.run as unknown as ExcelRun;
  const t0 = performance.now();
  await run({ delayForCellEdit: true }, async (ctx) => {
    const t = ctx.workbook.tables.getItem('Orders');
    const range = t.getRange().load('rowIndex,columnIndex,rowCount,columnCount');
    const ws = t.worksheet;
    await ctx.sync();
    const backup = ctx.workbook.worksheets.add('Backup');
    backup.visibility = 'VeryHidden';
    backup.getRangeByIndexes(range.rowIndex, range.columnIndex, range.rowCount, range.columnCount).copyFrom(range, 'All');
    await ctx.sync();
    await writeRows({
      port: excelPort(ctx, () => ws),
      firstRow: range.rowIndex + 1,
      targetCols: WRITE_COLUMNS.map((_, i) => range.columnIndex + i),
      formats: WRITE_COLUMNS.map(columnFormat),
      rows,
      totalRows: rows.length,
      maxRows: rows.length,
    });
    backup.delete();
    await ctx.sync();
  });
  return { ms: performance.now() - t0, syncs: g.excel.syncs.length, bytes: g.excel.syncs.reduce((a, s) => a + s.bytes, 0) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchRefreshStrategies(): Promise<Figure[]> {
  const rows = typedRows(ROWS, 2);
  const stage = [];
  const restore = [];
  for (let i = 0; i < 3; i++) {
    stage.push(await stageAndSwap(rows));
    restore.push(await keepAndRestore(rows));
  }
  const s = median(stage.map((r) => r.ms));
  const r = median(restore.map((x) => x.ms));
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  return [
    {
      name: 'refresh_stage_vs_restore',
      value: s / r,
      target: 1.5,
      goal: 'max',
      unit: '×',
      note: `100,000 × 10 refreshed: stage and swap ${Math.round(s)} ms, ${stage[0].syncs} syncs, ${mb(stage[0].bytes)} MB; keep and restore ${Math.round(r)} ms, ${restore[0].syncs} syncs, ${mb(restore[0].bytes)} MB (medians of 3)`,
    },
  ];
}
