/**
 * diff_1m_ms and diff_1m_heap_mb: what a refresh's "what changed" costs the pane on two
 * 1,000,000-row × 10-column results (1 % changed, 0.5 % removed, 0.5 % added; the key guessed:
 * "Row ID"). Time: guessing the key over the new result, reducing the old one to hashes chunk by
 * chunk, looking up every new row. Heap: the peak over a post-GC baseline that already holds the
 * new result (the pane holds it anyway, to write it), sampled after a full collection at every
 * chunk of a second, untimed run: what the diff holds (the old values would be ~as much again).
 * Run in a process of its own (bench/diff-child.ts).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { DiffSummary } from '../common/diff/compare.js';
import { describeDiff } from '../common/diff/words.js';
import type { Figure } from './report.js';

const CHILD = fileURLToPath(new URL('./diff-child.ts', import.meta.url));

interface ChildResult {
  ms: number;
  producingMs: number;
  peakMb: number;
  grownMb: number;
  baselineMb: number;
  summary: DiffSummary;
}

function runChild(rows: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [String(rows)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ChildResult | undefined;
    child.once('message', (m) => (result = m as ChildResult));
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`diff bench process exited (${code}) without a result`))));
  });
}

export async function benchDiff(o: { rows?: number } = {}): Promise<Figure[]> {
  const rows = o.rows ?? 1_000_000;
  const r = await runChild(rows);
  if (!r.summary.compared) throw new Error(`diff bench: not compared: ${describeDiff(r.summary)}`);
  const note = `${rows.toLocaleString('en-US')} × 10 old rows in 5,000-row chunks against ${rows.toLocaleString('en-US')} new ones held whole: ${describeDiff(r.summary)} ${(r.ms / 1000).toFixed(1)} s of diff, not counting ${(r.producingMs / 1000).toFixed(1)} s making the old rows (in the pane: reading the table from Excel). Heap ${r.baselineMb.toFixed(0)} MB with the new result; the diff holds at most +${r.peakMb.toFixed(0)} MB live (cell hashes kept for highlighting; sampled after a full GC at every chunk, in a second, untimed run), and the heap grew by ${r.grownMb.toFixed(0)} MB with uncollected garbage in the timed run.`;
  return [
    { name: 'diff_1m_ms', value: r.ms, target: 5000, goal: 'max', unit: 'ms', note },
    { name: 'diff_1m_heap_mb', value: r.peakMb, target: 100, goal: 'max', unit: 'MB', note },
  ];
}
