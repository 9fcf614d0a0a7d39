/**
 * diff_1m_ms and diff_1m_heap_mb: what a refresh's "what changed" costs the pane on two
 * 1,000,000-row × 10-column results (1 % changed, 0.5 % removed, 0.5 % added; the key guessed:
 * "Row ID"). Time: guessing the key over the new result, reducing the old one to hashes chunk by
 * chunk, looking up every new row. Heap: the peak over a post-GC baseline that already holds the
 * new result (the pane holds it anyway, to write it), sampled after a full collection at every
 * chunk of a second, untimed process: what the diff holds (the old values would be ~as much again).
 * Run in a process of its own (bench/diff-child.ts).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { DiffSummary } from '../common/diff/compare.js';
import { describeDiff } from '../common/diff/words.js';
import type { Figure } from './report.js';

/**
 * Half of what a second copy of the values would take (the new result alone is ~293 MB here): the
 * point is never holding two copies; the index and the highlight's cell hashes stay well under one.
 */
const HEAP_TARGET_MB = 150;

const CHILD = fileURLToPath(new URL('./diff-child.ts', import.meta.url));

interface TimeResult {
  ms: number;
  producingMs: number;
  grownMb: number;
  baselineMb: number;
  summary: DiffSummary;
}

interface HeapResult {
  peakMb: number;
  baselineMb: number;
  summary: DiffSummary;
}

function runChild<T>(rows: number, mode: 'time' | 'heap'): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [String(rows), mode], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: T | undefined;
    child.once('message', (m) => (result = m as T));
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`diff bench process exited (${code}) without a result`))));
  });
}

export async function benchDiff(o: { rows?: number } = {}): Promise<Figure[]> {
  const rows = o.rows ?? 1_000_000;
  const r = await runChild<TimeResult>(rows, 'time');
  const h = await runChild<HeapResult>(rows, 'heap');
  if (!r.summary.compared) throw new Error(`diff bench: not compared: ${describeDiff(r.summary)}`);
  const note = `${rows.toLocaleString('en-US')} × 10 old rows in 5,000-row chunks against ${rows.toLocaleString('en-US')} new ones held whole: ${describeDiff(r.summary)} ${(r.ms / 1000).toFixed(1)} s of diff, not counting ${(r.producingMs / 1000).toFixed(1)} s making the old rows (in the pane: reading the table from Excel). Heap ${r.baselineMb.toFixed(0)} MB with the new result; the diff holds at most +${h.peakMb.toFixed(0)} MB live (cell hashes kept for highlighting; sampled after a full GC at every chunk, in a second, untimed process), and the heap grew by ${r.grownMb.toFixed(0)} MB with uncollected garbage in the timed one.`;
  return [
    { name: 'diff_1m_ms', value: r.ms, target: 5000, goal: 'max', unit: 'ms', note },
    { name: 'diff_1m_heap_mb', value: h.peakMb, target: HEAP_TARGET_MB, goal: 'max', unit: 'MB', note },
  ];
}
