/**
 * refresh_100k_vs_insert (issue #18): a refresh of a 100,000-row × 10-column table in place, after
 * the user added a calculated column of their own to it ("Margin", `=[@Sales]*2` down the whole
 * column), against inserting the same 100,000 rows as a new table. Both through the real gateway
 * (addin/workbook/excel/gateway.ts replaceTableData / writeTable) over the in-memory Excel, which
 * recalculates the user's column for the new values as Excel does. CPU time of this process
 * (everything here is single-threaded, and CPU time does not grow when a busy machine takes the
 * core away), median of 3 each, alternating; syncs and bytes sent in the note.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { memoryGateway } from '../addin/workbook/memory/gateway.js';
import type { CellValue } from '../common/stream.js';
import type { Figure } from './report.js';
import { median } from './report.js';
import { typedRows, WRITE_COLUMNS } from './write.js';

const SHEET = 'Orders';
const SALES = WRITE_COLUMNS.findIndex((c) => c.name === 'Sales');

interface Measured {
  cpuMs: number;
  wallMs: number;
  syncs: number;
  bytes: number;
}

/**
 * A full collection before each measurement, so one side does not pay for the other's garbage (the
 * refresh's setup writes a whole table first). `npm run bench` runs with --expose-gc (package.json);
 * run any other way `globalThis.gc` is undefined, and the flag set at run time exposes gc in a new context
 * (https://nodejs.org/api/v8.html#v8setflagsfromstringflags).
 */
function collector(): () => void {
  if (globalThis.gc) return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
let gc: (() => void) | undefined;

async function measure(g: ReturnType<typeof memoryGateway>, work: () => Promise<unknown>): Promise<Measured> {
  g.excel.syncs.length = 0;
  g.excel.ops.length = 0;
  (gc ??= collector())();
  const t = performance.now();
  const c = process.cpuUsage();
  await work();
  const u = process.cpuUsage(c);
  return {
    cpuMs: (u.user + u.system) / 1000,
    wallMs: performance.now() - t,
    syncs: g.excel.syncs.length,
    bytes: g.excel.syncs.reduce((a, s) => a + s.bytes, 0),
  };
}

/** A pulled table of `rows` old rows, and the user's calculated column typed in at its right edge. */
async function tableWithUserFormula(rows: number) {
  const g = memoryGateway(undefined, { record: true });
  await g.writeTable({ kind: 'newSheet', sheetName: SHEET }, WRITE_COLUMNS, typedRows(rows, 1), { tableName: SHEET });
  const wb = g.workbook;
  const width = WRITE_COLUMNS.length;
  wb.resizeTable(SHEET, { row: 0, col: 0, rows: rows + 1, cols: width + 1 });
  wb.writeValue(SHEET, 0, width, 'Margin');
  const formulas = Array.from({ length: rows }, () => ['=[@Sales]*2']);
  wb.writeCells(SHEET, { row: 1, col: width, rows, cols: 1 }, formulas, 'formulas');
  return g;
}

async function refresh(rows: CellValue[][]): Promise<Measured> {
  const g = await tableWithUserFormula(rows.length);
  const m = await measure(g, () => g.replaceTableData(SHEET, WRITE_COLUMNS, rows, { mode: 'replace' }));
  // The user's column is still there, and calculated from the new values.
  const last = rows.length;
  const margin = g.workbook.value(SHEET, last, WRITE_COLUMNS.length);
  const sales = rows[last - 1][SALES] as number;
  if (Math.abs((margin as number) - sales * 2) > 1e-9) throw new Error(`refresh bench: Margin is ${String(margin)}, expected ${sales * 2}`);
  return m;
}

async function insert(rows: CellValue[][]): Promise<Measured> {
  const g = memoryGateway(undefined, { record: true });
  return measure(g, () => g.writeTable({ kind: 'newSheet', sheetName: SHEET }, WRITE_COLUMNS, rows, { tableName: SHEET }));
}

export async function benchRefreshInPlace(o: { rows?: number; runs?: number } = {}): Promise<Figure[]> {
  const count = o.rows ?? 100_000;
  const runs = o.runs ?? 3;
  const rows = typedRows(count, 2);
  const refreshed: Measured[] = [];
  const inserted: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    inserted.push(await insert(rows));
    refreshed.push(await refresh(rows));
  }
  const r = median(refreshed.map((m) => m.cpuMs));
  const ins = median(inserted.map((m) => m.cpuMs));
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  const ms = (v: number) => `${Math.round(v)} ms`;
  return [
    {
      name: 'refresh_100k_vs_insert',
      value: r / ins,
      target: 1.5,
      goal: 'max',
      unit: '×',
      note:
        `${count.toLocaleString('en-US')} × ${WRITE_COLUMNS.length} with a user formula column, CPU time (median of ${runs}): refresh in place ${ms(r)}, ` +
        `${refreshed[0].syncs} syncs, ${mb(refreshed[0].bytes)} MB; insert ${ms(ins)}, ${inserted[0].syncs} syncs, ${mb(inserted[0].bytes)} MB ` +
        `(wall ${ms(median(refreshed.map((m) => m.wallMs)))} / ${ms(median(inserted.map((m) => m.wallMs)))})`,
    },
  ];
}
