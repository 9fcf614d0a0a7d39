/**
 * The diff bench's own process (forked by bench/diff.ts with --expose-gc, so the heap baseline is
 * taken after a full collection and no other bench's garbage is counted). It holds the new result
 * whole, as the pane does after a pull, streams the old one in 5,000-row chunks, as the pane reads
 * the table from Excel, compares them (compareResults, the pane's call, with cell hashes for
 * highlighting). `time` (argv[3]) reports the time; `heap` the live heap's peak over the baseline
 * with the new result, sampled after a full collection at every chunk: separate processes, because
 * V8 frees typed arrays' memory lazily, so a run after another would start on a wrong baseline.
 */
import { compareResults } from '../common/diff/results.js';
import type { CellValue, ColumnSpec } from '../common/stream.js';
import { WRITE_COLUMNS } from './write.js';

const MB = 1024 * 1024;
const CHUNK = 5000;
const REGIONS = ['Central', 'East', 'South', 'West'];

/** Row `id` of a version: the same id gives the same values unless `changed`. */
function row(id: number, changed: boolean): CellValue[] {
  const r = (id * 2654435761) % 2147483648;
  return [
    id,
    `US-${2021 + (r % 4)}-${100000 + (id >> 2)}`,
    44197 + (r % 1461),
    `Customer ${r % 800}`,
    String(r % 100_000).padStart(5, '0'),
    REGIONS[r % 4],
    Math.round(r % 2_000_000) / 100 + (changed ? 1 : 0),
    (r % 14) + 1,
    (r % 8) / 10,
    r % 7 === 0 ? null : Math.round((r % 400_000) - 100_000) / 100,
  ];
}

/** Time spent making old rows: it stands for Excel's read of the table, not the diff's work. */
let producingMs = 0;

/** Old: ids 1..n. New: every 100th changed, every 200th (offset 1) removed, as many added at the end. */
function* oldBatches(n: number): Generator<CellValue[][]> {
  for (let start = 1; start <= n; start += CHUNK) {
    const t0 = performance.now();
    const out: CellValue[][] = [];
    for (let id = start; id < Math.min(n + 1, start + CHUNK); id++) out.push(row(id, false));
    producingMs += performance.now() - t0;
    yield out;
  }
}

function newRows(n: number): CellValue[][] {
  const out: CellValue[][] = [];
  let removed = 0;
  for (let id = 1; id <= n; id++) {
    if (id % 200 === 1) removed++;
    else out.push(row(id, id % 100 === 0));
  }
  for (let i = 1; i <= removed; i++) out.push(row(n + i, false));
  return out;
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const columns: ColumnSpec[] = WRITE_COLUMNS;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const now = newRows(rows);
  // Typed arrays live outside the JS heap (arrayBuffers), so both count.
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const diff = (beforeBatch: () => void) =>
    compareResults(
      { oldColumns: columns, newColumns: columns, oldRows: () => oldBatches(rows), newRows: () => [now], keys: [], beforeBatch },
      { cells: true, expectedRows: rows },
    );

  gc();
  const baseline = used();
  if (process.argv[3] === 'heap') {
    // Live: a full collection before each sample, so only what the diff holds counts.
    let peak = baseline;
    const { summary } = await diff(() => {
      gc();
      peak = Math.max(peak, used());
    });
    process.send!({ peakMb: (peak - baseline) / MB, baselineMb: baseline / MB, summary });
    return;
  }
  // Timed, untouched: the peak includes garbage not collected yet (what the process grows to).
  let peak = baseline;
  const started = performance.now();
  const { summary } = await diff(() => (peak = Math.max(peak, used())));
  const ms = performance.now() - started - producingMs;
  process.send!({ ms, producingMs, grownMb: (Math.max(peak, used()) - baseline) / MB, baselineMb: baseline / MB, summary });
}

main().catch((err: unknown) => {
  process.stderr.write(`diff bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
