/**
 * A table's refresh history as a small chart: the runs (the pane's refresh log and the server
 * schedule's run history), where each bar goes, what stands out (a sudden drop in rows, a slow
 * run, a failure) and the one-sentence summary a screen reader hears. Pure functions, tested
 * without React (test/addin/ui/history-chart.test.ts); HistoryChart.tsx only draws what this says.
 */
import type { ScheduleRunInfo } from '../../../../common/schedules.js';
import type { LogEntry } from '../../../refresh/runner/log.js';
import { formatDuration } from '../../../refresh/runner/words.js';

export interface HistoryRun {
  /** When the run finished (ISO). */
  at: string;
  /** Rows it brought; null for a failed run. */
  rows: number | null;
  durationMs: number | null;
  outcome: 'ok' | 'incomplete' | 'failed';
  /** 'pane': a refresh in this pane (the refresh log); 'server': a run of the server schedule. */
  origin: 'pane' | 'server';
}

/** At most this many runs, newest kept: ~9 px a bar at 320 px. */
export const MAX_RUNS = 30;

/**
 * The pane's refreshes of one table. Snapshot loads are left out (the server run that pulled the
 * data is the run; loading it again is not), and so are cancels and runs left to a co-author.
 */
export function runsFromLog(entries: readonly LogEntry[], definitionId: string): HistoryRun[] {
  const out: HistoryRun[] = [];
  for (const e of entries) {
    if (e.definitionId !== definitionId) continue;
    if (e.outcome === 'ok' || e.outcome === 'truncated')
      out.push({
        at: e.at,
        rows: e.rows ?? null,
        durationMs: e.durationMs,
        outcome: e.outcome === 'ok' ? 'ok' : 'incomplete',
        origin: 'pane',
      });
    else if (e.outcome === 'error') out.push({ at: e.at, rows: null, durationMs: e.durationMs, outcome: 'failed', origin: 'pane' });
  }
  return out;
}

/** A server schedule's finished runs (a run still going has nothing to show yet). */
export function runsFromSchedule(runs: readonly ScheduleRunInfo[]): HistoryRun[] {
  const out: HistoryRun[] = [];
  for (const r of runs) {
    if (r.status === 'running') continue;
    const failed = r.status === 'failed';
    out.push({
      at: r.finishedAt ?? r.startedAt,
      rows: failed ? null : (r.rowCount ?? null),
      durationMs: r.durationMs ?? null,
      outcome: failed ? 'failed' : r.truncated ? 'incomplete' : 'ok',
      origin: 'server',
    });
  }
  return out;
}

/** Both histories in time order, oldest first, the newest MAX_RUNS kept. */
export function mergeRuns(...lists: readonly HistoryRun[][]): HistoryRun[] {
  return lists
    .flat()
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .slice(-MAX_RUNS);
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A run brought this share of the previous good run's rows or less: a sudden drop. */
const DROP_SHARE = 0.7;
/** A run took this many times the median or more (and at least SLOW_MIN_EXTRA_MS more): slow. */
const SLOW_FACTOR = 2;
const SLOW_MIN_EXTRA_MS = 500;

interface RunMarks {
  /** Rows fell to DROP_SHARE of the previous run that brought rows, or less. */
  drop: boolean;
  slow: boolean;
  failed: boolean;
  /** The rows of the previous run that brought rows (for "fell from … to …"). */
  previousRows: number | null;
}

/** What stands out in each run, in the order given. */
export function markRuns(runs: readonly HistoryRun[]): RunMarks[] {
  const durations = runs.filter((r) => r.outcome !== 'failed' && r.durationMs !== null).map((r) => r.durationMs!);
  const typical = median(durations);
  let previous: number | null = null;
  return runs.map((r) => {
    const failed = r.outcome === 'failed';
    const drop = !failed && r.rows !== null && previous !== null && previous > 0 && r.rows <= previous * DROP_SHARE;
    const slow =
      !failed &&
      durations.length >= 3 &&
      r.durationMs !== null &&
      r.durationMs >= typical * SLOW_FACTOR &&
      r.durationMs - typical >= SLOW_MIN_EXTRA_MS;
    const marks = { drop, slow, failed, previousRows: previous };
    if (!failed && r.rows !== null) previous = r.rows;
    return marks;
  });
}

interface HistoryBar {
  run: HistoryRun;
  marks: RunMarks;
  x: number;
  width: number;
  /** The rows band: bar top and height (0 for a failed run, drawn as a mark instead). */
  rowsY: number;
  rowsHeight: number;
  /** The duration band, below the rows band. */
  durationY: number;
  durationHeight: number;
}

interface HistoryLayout {
  width: number;
  height: number;
  rowsBand: { top: number; height: number };
  durationBand: { top: number; height: number };
  maxRows: number;
  maxDurationMs: number;
  bars: HistoryBar[];
}

interface LayoutOptions {
  /** viewBox width; the SVG scales to the pane (320 px and up). */
  width?: number;
  bandHeight?: number;
  /** Space between the two bands. */
  gap?: number;
}

/** A value's bar height in a band: at least 1 unit for any value above 0, so it is never lost. */
function barHeight(value: number, max: number, band: number): number {
  if (value <= 0 || max <= 0) return 0;
  return Math.max(1, (value / max) * band);
}

/** Where each run's two bars go: rows on top, duration below, one slot per run, oldest left. */
export function layoutHistory(runs: readonly HistoryRun[], options: LayoutOptions = {}): HistoryLayout {
  const width = options.width ?? 300;
  const bandHeight = options.bandHeight ?? 48;
  const gap = options.gap ?? 10;
  const rowsBand = { top: 0, height: bandHeight };
  const durationBand = { top: bandHeight + gap, height: bandHeight };
  const maxRows = Math.max(0, ...runs.map((r) => r.rows ?? 0));
  const maxDurationMs = Math.max(0, ...runs.map((r) => r.durationMs ?? 0));
  const marks = markRuns(runs);
  const slot = runs.length ? width / runs.length : width;
  // Bars fill 70 % of their slot, at most 24 units wide, so two runs do not look like a wall.
  const barWidth = Math.min(24, slot * 0.7);
  const bars = runs.map((run, i) => {
    const x = i * slot + (slot - barWidth) / 2;
    const rowsHeight = barHeight(run.rows ?? 0, maxRows, rowsBand.height);
    const durationHeight = barHeight(run.durationMs ?? 0, maxDurationMs, durationBand.height);
    return {
      run,
      marks: marks[i],
      x,
      width: barWidth,
      rowsY: rowsBand.top + rowsBand.height - rowsHeight,
      rowsHeight,
      durationY: durationBand.top + durationBand.height - durationHeight,
      durationHeight,
    };
  });
  return { width, height: durationBand.top + durationBand.height, rowsBand, durationBand, maxRows, maxDurationMs, bars };
}

const n = (v: number) => v.toLocaleString('en-US');
const plural = (count: number, one: string) => `${n(count)} ${count === 1 ? one : `${one}s`}`;

/**
 * The chart in one sentence, for its aria-label:
 * "12 runs; rows 4,210 to 4,388; slowest 2.1 s on 7 Dec, 06:28; rows fell from 4,388 to 1,020 on 8 Dec, 06:28; 1 failed".
 */
export function summariseHistory(runs: readonly HistoryRun[], when: (iso: string) => string): string {
  if (!runs.length) return 'No runs yet';
  const parts = [plural(runs.length, 'run')];
  const rows = runs.filter((r) => r.rows !== null).map((r) => r.rows!);
  if (rows.length) {
    const lo = Math.min(...rows);
    const hi = Math.max(...rows);
    parts.push(lo === hi ? `rows ${n(lo)} each` : `rows ${n(lo)} to ${n(hi)}`);
  }
  const timed = runs.filter((r) => r.outcome !== 'failed' && r.durationMs !== null);
  if (timed.length) {
    const slowest = timed.reduce((a, b) => (b.durationMs! > a.durationMs! ? b : a));
    parts.push(`slowest ${formatDuration(slowest.durationMs!)} on ${when(slowest.at)}`);
  }
  const marks = markRuns(runs);
  runs.forEach((r, i) => {
    if (marks[i].drop) parts.push(`rows fell from ${n(marks[i].previousRows!)} to ${n(r.rows!)} on ${when(r.at)}`);
  });
  const failed = runs.filter((r) => r.outcome === 'failed').length;
  if (failed) parts.push(`${n(failed)} failed`);
  return parts.join('; ');
}
