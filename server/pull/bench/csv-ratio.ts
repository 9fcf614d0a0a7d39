/**
 * Measures csvTextToTypedColumns against a bare Papa.parse of the same text (target: ≤ 1.5×).
 * Run: npx tsx server/pull/bench/csv-ratio.ts [rows]
 */
import Papa from 'papaparse';
import { csvTextToTypedColumns } from '../csv-columns.js';
import { viewCsv } from './view-csv.js';

function best(fn: () => void, runs = 3): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

export function csvRatio(rows: number): { papaMs: number; typedMs: number; ratio: number } {
  const text = viewCsv(rows);
  const papaMs = best(() => Papa.parse(text));
  const typedMs = best(() => csvTextToTypedColumns(text));
  return { papaMs, typedMs, ratio: typedMs / papaMs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const r = csvRatio(rows);
  console.log(`${rows} rows: Papa.parse ${r.papaMs.toFixed(0)} ms, typed ${r.typedMs.toFixed(0)} ms, ratio ${r.ratio.toFixed(2)}`);
}
