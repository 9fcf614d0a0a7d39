/**
 * `npm run bench`: every comparison side by side in one run on the simulator; prints a markdown
 * table and writes the figures to BENCH_OUT (default bench-results.json) as
 * `{"<name>": {"value", "target", "unit", "ok"}}`. Not part of `npm test`: timings belong here,
 * never in unit tests. BENCH_ONLY=list,vds,vds-sse,csv,write,diff,refresh,refresh-in-place,pane,start,e2e,team,load runs a subset; BENCH_CPU_PROF=<dir> profiles the
 * child processes (bench/children.ts).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

import { benchCsv } from './csv.js';
import { benchDiff } from './diff.js';
import { benchE2e } from './e2e.js';
import { benchList } from './list.js';
import { benchLoad } from './load.js';
import { benchPane } from './pane.js';
import { benchRefreshInPlace } from './refresh-in-place.js';
import { benchRefreshStrategies } from './refresh-strategies.js';
import { type Figure, markdownTable, toJson } from './report.js';
import { benchStart } from './start.js';
import { benchTeam } from './team.js';
import { benchVds } from './vds.js';
import { benchVdsSse } from './vds-sse.js';
import { benchWrite } from './write.js';

/** Every bench with the figure names it produces (a failed bench still reports each name, not ok). */
const BENCHES: Array<{ key: string; names: string[]; run: () => Promise<Figure[]> }> = [
  { key: 'list', names: ['list_10k_vs_sequential', 'list_10k_vs_floor'], run: () => benchList() },
  { key: 'vds', names: ['vds_1m_vs_json_parse', 'vds_1m_server_heap_mb', 'vds_1m_first_rows_ms'], run: () => benchVds() },
  { key: 'vds-sse', names: ['vds_sse_first_rows_vs_json'], run: () => benchVdsSse() },
  { key: 'csv', names: ['csv_1m_vs_udsv'], run: () => benchCsv() },
  { key: 'write', names: ['write_1m_cells_per_s', 'write_1m_syncs', 'write_1m_largest_sync_mb'], run: () => benchWrite() },
  { key: 'diff', names: ['diff_1m_ms', 'diff_1m_heap_mb'], run: () => benchDiff() },
  { key: 'refresh', names: ['refresh_stage_vs_restore'], run: () => benchRefreshStrategies() },
  { key: 'refresh-in-place', names: ['refresh_100k_vs_insert'], run: () => benchRefreshInPlace() },
  { key: 'pane', names: ['pane_initial_js_gzip_kb', 'pane_cold_ms', 'pane_warm_ms'], run: () => benchPane() },
  { key: 'start', names: ['start_idle_rss_mb'], run: () => benchStart() },
  {
    key: 'e2e',
    names: ['e2e_1m_vs_slowest_stage', 'e2e_1m_longest_task_ms', 'e2e_1m_heap_vs_values', 'e2e_cancel_ms'],
    run: () => benchE2e(),
  },
  {
    key: 'team',
    names: ['team_duplicate_runs', 'team_missed_runs', 'team_start_lag_p99_s', 'team_max_concurrent_exports', 'team_throughput_vs_floor'],
    run: () => benchTeam(),
  },
  { key: 'load', names: ['load_errors', 'load_rss_growth', 'load_p99_vs_p50_max'], run: () => benchLoad() },
];

const TARGETS: Record<string, Pick<Figure, 'target' | 'goal' | 'unit'>> = {
  list_10k_vs_sequential: { target: 20, goal: 'min', unit: '×' },
  list_10k_vs_floor: { target: 1.15, goal: 'max', unit: '×' },
  vds_1m_vs_json_parse: { target: 2, goal: 'max', unit: '×' },
  vds_1m_server_heap_mb: { target: 256, goal: 'below', unit: 'MB' },
  vds_1m_first_rows_ms: { target: 1000, goal: 'below', unit: 'ms' },
  vds_sse_first_rows_vs_json: { target: 0.1, goal: 'max', unit: '×' },
  csv_1m_vs_udsv: { target: 1.2, goal: 'max', unit: '×' },
  write_1m_cells_per_s: { target: 100_000, goal: 'min', unit: 'cells/s' },
  write_1m_syncs: { target: 25, goal: 'max', unit: 'syncs' },
  diff_1m_ms: { target: 5000, goal: 'max', unit: 'ms' },
  diff_1m_heap_mb: { target: 150, goal: 'max', unit: 'MB' },
  refresh_stage_vs_restore: { target: 1.5, goal: 'max', unit: '×' },
  refresh_100k_vs_insert: { target: 1.5, goal: 'max', unit: '×' },
  write_1m_largest_sync_mb: { target: 2, goal: 'max', unit: 'MB' },
  pane_initial_js_gzip_kb: { target: 300, goal: 'max', unit: 'KB' },
  pane_cold_ms: { target: 1000, goal: 'max', unit: 'ms' },
  pane_warm_ms: { target: 300, goal: 'max', unit: 'ms' },
  start_idle_rss_mb: { target: 150, goal: 'max', unit: 'MB' },
  team_duplicate_runs: { target: 0, goal: 'max', unit: 'runs' },
  team_missed_runs: { target: 0, goal: 'max', unit: 'runs' },
  team_start_lag_p99_s: { target: 5, goal: 'max', unit: 's' },
  team_max_concurrent_exports: { target: 20, goal: 'max', unit: 'calls' },
  team_throughput_vs_floor: { target: 1.5, goal: 'max', unit: '×' },
  e2e_1m_vs_slowest_stage: { target: 1.3, goal: 'max', unit: '×' },
  e2e_1m_longest_task_ms: { target: 100, goal: 'max', unit: 'ms' },
  e2e_1m_heap_vs_values: { target: 3, goal: 'max', unit: '×' },
  e2e_cancel_ms: { target: 200, goal: 'max', unit: 'ms' },
  load_errors: { target: 0, goal: 'max', unit: 'errors' },
  load_rss_growth: { target: 0.2, goal: 'max', unit: '' },
  load_p99_vs_p50_max: { target: 4, goal: 'max', unit: '×' },
};

function conditions(): string {
  const [one, five] = loadavg();
  return `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${one.toFixed(1)} (1 min) / ${five.toFixed(1)} (5 min), Node ${process.version}`;
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out = process.env.BENCH_OUT || 'bench-results.json';
  const before = conditions();
  const figures: Figure[] = [];
  for (const b of BENCHES) {
    if (only && !only.includes(b.key)) continue;
    const started = performance.now();
    process.stderr.write(`bench ${b.key}…\n`);
    try {
      figures.push(...(await b.run()));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`bench ${b.key} failed: ${err instanceof Error ? (err.stack ?? message) : message}\n`);
      for (const name of b.names) figures.push({ name, value: Number.NaN, ...TARGETS[name], note: `failed: ${message}` });
    }
    process.stderr.write(`bench ${b.key} done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
  writeFileSync(out, `${JSON.stringify(toJson(figures), null, 2)}\n`);
  process.stdout.write(
    `${markdownTable(figures)}\n\nMachine: ${before} at the start, ${conditions()} at the end.\nFigures written to ${out}.\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
