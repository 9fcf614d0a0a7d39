/**
 * csv_1m_vs_udsv: a 1,000,000-row formatted view CSV → typed columns (server/pull
 * csvTextToTypedColumns: parse with uDSV, infer each column's type and locale, convert every cell)
 * against a bare uDSV parse of the same text into string rows (`stringArrs`, what uDSV's own
 * benchmark measures). Papa.parse is measured beside them for reference (the retired
 * csv_1m_vs_papaparse), in the note. Runs alternate; medians compared, in CPU time of this process
 * (every side is single-threaded, and CPU time does not grow when a busy machine takes the core
 * away; wall times are in the note).
 */
import Papa from 'papaparse';
import { initParser, type Schema } from 'udsv';

import { csvTextToTypedColumns } from '../server/pull/csv-columns.js';
import type { Figure } from './report.js';
import { median } from './report.js';
import { largeViewCsv } from './view-csv.js';

/** uDSV with the header skipped and every column text: its fastest path, no typing. */
function bareUdsv(text: string): number {
  const header = text.substring(0, text.indexOf('\n')).split(',');
  const schema: Schema & { skip: number } = {
    col: ',',
    row: '\n',
    encl: '"',
    esc: '"',
    trim: false,
    skip: 1,
    cols: header.map((name) => ({ name, type: 's', repl: { empty: undefined, null: undefined, NaN: undefined } })),
  };
  return initParser(schema).stringArrs(text).length;
}

export async function benchCsv(o: { rows?: number; runs?: number } = {}): Promise<Figure[]> {
  const rows = o.rows ?? 1_000_000;
  const runs = o.runs ?? 5;
  const text = largeViewCsv(rows);
  const cpu = { udsv: [] as number[], typed: [] as number[], papa: [] as number[] };
  const wall = { udsv: [] as number[], typed: [] as number[], papa: [] as number[] };
  /** Runs `work` and keeps only its CPU and wall time: the result is garbage before the next side runs. */
  const measure = <R>(side: keyof typeof cpu, work: () => R): R => {
    globalThis.gc?.();
    const t = performance.now();
    const c = process.cpuUsage();
    const r = work();
    const u = process.cpuUsage(c);
    cpu[side].push((u.user + u.system) / 1000);
    wall[side].push(performance.now() - t);
    return r;
  };
  let types = '';
  for (let i = 0; i < runs; i++) {
    // Each side returns only what the checks need, so none runs beside another's million rows.
    const udsvRows = measure('udsv', () => bareUdsv(text));
    if (udsvRows !== rows) throw new Error(`csv bench: uDSV found ${udsvRows} rows`);
    const typed = measure('typed', () => {
      const t = csvTextToTypedColumns(text);
      return { rowCount: t.rowCount, types: t.columns.map((c) => c.type).join(', ') };
    });
    if (typed.rowCount !== rows) throw new Error(`csv bench: ${typed.rowCount} typed rows, expected ${rows}`);
    types = typed.types;
    const papaRows = measure('papa', () => Papa.parse<string[]>(text).data.length);
    if (papaRows < rows) throw new Error(`csv bench: Papa.parse found ${papaRows} rows`);
  }
  const [u, ours, p] = [median(cpu.udsv), median(cpu.typed), median(cpu.papa)];
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  return [
    {
      name: 'csv_1m_vs_udsv',
      value: ours / u,
      target: 1.2,
      goal: 'max',
      unit: '×',
      note:
        `${rows.toLocaleString('en-US')} rows, ${(text.length / 1048576).toFixed(0)} MB, median of ${runs}, CPU time: typed ${ms(ours)}, ` +
        `bare uDSV ${ms(u)}, Papa.parse ${ms(p)} (typed ${(ours / p).toFixed(2)} × Papa.parse); wall ${ms(median(wall.typed))} / ` +
        `${ms(median(wall.udsv))} / ${ms(median(wall.papa))}; types ${types}`,
    },
  ];
}
