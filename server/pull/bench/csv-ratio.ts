/**
 * Measures csvTextToTypedColumns against a bare Papa.parse of the same text (target: ≤ 1.5×).
 * Run: node --expose-gc --import tsx server/pull/bench/csv-ratio.ts [rows]
 */
import Papa from 'papaparse';
import { csvTextToTypedColumns } from '../csv-columns.js';
import { viewCsv } from './view-csv.js';
import { bestOfAlternating } from './measure.js';

export async function csvRatio(rows: number) {
  const text = viewCsv(rows);
  const [papa, typed] = await bestOfAlternating(() => Papa.parse(text), () => csvTextToTypedColumns(text));
  return { papa, typed, wallRatio: typed.wallMs / papa.wallMs, cpuRatio: typed.cpuMs / papa.cpuMs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const r = await csvRatio(rows);
  console.log(`${rows} rows: Papa.parse ${r.papa.wallMs.toFixed(0)} ms (cpu ${r.papa.cpuMs.toFixed(0)}), typed ${r.typed.wallMs.toFixed(0)} ms (cpu ${r.typed.cpuMs.toFixed(0)}); ratio wall ${r.wallRatio.toFixed(2)}, cpu ${r.cpuRatio.toFixed(2)}`);
}
