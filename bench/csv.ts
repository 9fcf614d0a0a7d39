/**
 * csv_1m_vs_udsv: a 1,000,000-row formatted view CSV typed by the product's own path against a bare
 * uDSV parse of the same text into string rows (`stringArrs`, what uDSV's own benchmark measures).
 *
 * The product's path is what a pane or scheduled pull of a view runs (server/pull/pull-messages.ts →
 * csvToTyped): the export's bytes as the HTTP body brings them, in 64 KB chunks, to the typed
 * `meta`/`rows`/`end` messages, drained. An 81 MB export is longer than csv-typed.ts types whole in
 * memory (32 M characters), so it takes the streaming path (spool, two passes). The one-pass
 * in-memory path (csvTextToTypedColumns, exports up to ~380,000 rows) and Papa.parse are measured
 * beside them, in the note.
 *
 * Fairness: every side reads the same text, from a file, in a process of its own (bench/csv-side.ts:
 * no side runs in a heap another one grew), warmed up by one untimed round, each round from a
 * collected heap; the sides' processes alternate their order (two passes, forward then back, of
 * ⌈rounds/2⌉ rounds each), and the figure compares the medians, in CPU time (every side is
 * single-threaded apart from V8's collector threads, and CPU time does not grow when a busy machine
 * takes the core away; wall times are in the note).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CSV_SIDES, type CsvSide } from './csv-side.js';
import type { Figure } from './report.js';
import { median } from './report.js';
import { writeLargeViewCsv } from './view-csv.js';

const SIDE_SCRIPT = fileURLToPath(new URL('./csv-side.ts', import.meta.url));

function runSide(side: CsvSide, file: string, rows: number, rounds: number): { cpu: number[]; wall: number[]; types: string } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', SIDE_SCRIPT, side, file, String(rows), String(rounds)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { cpu: number[]; wall: number[]; types: string };
}

export async function benchCsv(o: { rows?: number; rounds?: number } = {}): Promise<Figure[]> {
  const rows = o.rows ?? 1_000_000;
  const perPass = Math.ceil((o.rounds ?? 6) / 2);
  const dir = mkdtempSync(join(tmpdir(), 'bench-csv-'));
  try {
    const file = join(dir, 'view.csv');
    writeLargeViewCsv(rows, file);
    const cpu = Object.fromEntries(CSV_SIDES.map((s) => [s, [] as number[]])) as Record<CsvSide, number[]>;
    const wall = Object.fromEntries(CSV_SIDES.map((s) => [s, [] as number[]])) as Record<CsvSide, number[]>;
    let types = '';
    for (const order of [CSV_SIDES, [...CSV_SIDES].reverse()]) {
      for (const side of order) {
        const r = runSide(side, file, rows, perPass);
        cpu[side].push(...r.cpu);
        wall[side].push(...r.wall);
        if (side === 'pull') types = r.types;
      }
    }
    const u = median(cpu.udsv);
    const ms = (side: CsvSide) => `${median(cpu[side]).toFixed(0)} ms`;
    const spread = (side: CsvSide) =>
      `${(median(cpu[side]) / u).toFixed(2)} × (rounds ${Math.min(...cpu[side]).toFixed(0)}–${Math.max(...cpu[side]).toFixed(0)} ms)`;
    const wallMs = CSV_SIDES.map((s) => `${median(wall[s]).toFixed(0)}`).join(' / ');
    return [
      {
        name: 'csv_1m_vs_udsv',
        value: median(cpu.pull) / u,
        target: 1.2,
        goal: 'max',
        unit: '×',
        note:
          `${rows.toLocaleString('en-US')} rows, ${(statSync(file).size / 1048576).toFixed(0)} MB; CPU time, medians of ${cpu.udsv.length} rounds, ` +
          `each side in processes of its own: the pull's path (csvToTyped, 64 KB chunks) ${ms('pull')}, ${spread('pull')}; ` +
          `bare uDSV ${ms('udsv')} (rounds ${Math.min(...cpu.udsv).toFixed(0)}–${Math.max(...cpu.udsv).toFixed(0)} ms); ` +
          `in-memory typed columns (csvTextToTypedColumns) ${ms('columns')}, ${spread('columns')}; Papa.parse ${ms('papa')}, ${spread('papa')}; ` +
          `wall ms ${wallMs} (${CSV_SIDES.join(' / ')}); types ${types}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
