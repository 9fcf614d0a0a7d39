/**
 * csv_1m_vs_papaparse: a 1,000,000-row formatted view CSV → typed columns (server/pull
 * csvTextToTypedColumns: parse, infer each column's type and locale, convert every cell) against a
 * bare Papa.parse of the same text. Runs alternate; the median of each side is compared, in CPU
 * time of this process (both sides are single-threaded, and CPU time does not grow when a busy
 * machine takes the core away; wall times are in the note).
 */
import Papa from 'papaparse';

import { csvTextToTypedColumns } from '../server/pull/csv-columns.js';
import type { Figure } from './report.js';
import { median } from './report.js';
import { largeViewCsv } from './view-csv.js';

export async function benchCsv(o: { rows?: number; runs?: number } = {}): Promise<Figure[]> {
  const rows = o.rows ?? 1_000_000;
  const runs = o.runs ?? 5;
  const text = largeViewCsv(rows);
  const papaMs: number[] = [];
  const typedMs: number[] = [];
  const papaWall: number[] = [];
  const typedWall: number[] = [];
  /** Runs `work` and keeps only its CPU and wall time: the result is garbage before the other side runs. */
  const measure = <R>(cpuInto: number[], wallInto: number[], work: () => R): R => {
    const t = performance.now();
    const c = process.cpuUsage();
    const r = work();
    const u = process.cpuUsage(c);
    cpuInto.push((u.user + u.system) / 1000);
    wallInto.push(performance.now() - t);
    return r;
  };
  let types = '';
  for (let i = 0; i < runs; i++) {
    // Each side returns only what the checks need, so neither runs beside the other's million rows.
    const papaRows = measure(papaMs, papaWall, () => Papa.parse<string[]>(text).data.length);
    if (papaRows < rows) throw new Error(`csv bench: Papa.parse found ${papaRows} rows`);
    const typed = measure(typedMs, typedWall, () => {
      const t = csvTextToTypedColumns(text);
      return { rowCount: t.rowCount, types: t.columns.map((c) => c.type).join(', ') };
    });
    if (typed.rowCount !== rows) throw new Error(`csv bench: ${typed.rowCount} typed rows, expected ${rows}`);
    types = typed.types;
  }
  const p = median(papaMs);
  const ours = median(typedMs);
  return [
    {
      name: 'csv_1m_vs_papaparse',
      value: ours / p,
      target: 1.5,
      goal: 'max',
      unit: '×',
      note: `${rows.toLocaleString('en-US')} rows, ${(text.length / 1048576).toFixed(0)} MB, median of ${runs}, CPU time: typed ${ours.toFixed(0)} ms, Papa.parse ${p.toFixed(0)} ms (wall ${median(typedWall).toFixed(0)} / ${median(papaWall).toFixed(0)} ms); types ${types}`,
    },
  ];
}
