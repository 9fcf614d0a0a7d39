import { describe, expect, it } from 'vitest';

import type { LogEntry } from '../../../addin/refresh/runner/log.js';
import {
  type HistoryRun,
  layoutHistory,
  markRuns,
  MAX_RUNS,
  mergeRuns,
  runsFromLog,
  runsFromSchedule,
  summariseHistory,
} from '../../../addin/ui/tables/chart/history.js';
import type { ScheduleRunInfo } from '../../../common/schedules.js';

const at = (day: number, hh = 6, mm = 28) => new Date(Date.UTC(2026, 11, day, hh, mm)).toISOString();
const run = (day: number, rows: number | null, durationMs: number | null, outcome: HistoryRun['outcome'] = 'ok'): HistoryRun => ({
  at: at(day),
  rows,
  durationMs,
  outcome,
  origin: 'pane',
});
const when = (iso: string) => iso.slice(5, 16);

describe('refresh history: runs', () => {
  it('takes the pane refreshes of one table, leaving out snapshot loads, cancels and skips', () => {
    const base = { table: 'Sales', trigger: 'manual' as const, message: '' };
    const entries: LogEntry[] = [
      { ...base, at: at(5), definitionId: 'd1', outcome: 'ok', rows: 10, durationMs: 100 },
      { ...base, at: at(4), definitionId: 'd1', outcome: 'truncated', rows: 5, durationMs: 90 },
      { ...base, at: at(3), definitionId: 'd1', outcome: 'error', durationMs: 40 },
      { ...base, at: at(2), definitionId: 'd1', outcome: 'snapshot', rows: 7, durationMs: 30 },
      { ...base, at: at(2), definitionId: 'd1', outcome: 'cancelled', durationMs: 30 },
      { ...base, at: at(2), definitionId: 'd1', outcome: 'skipped', durationMs: 0 },
      { ...base, at: at(1), definitionId: 'other', outcome: 'ok', rows: 1, durationMs: 1 },
    ];
    expect(runsFromLog(entries, 'd1').map((r) => `${r.outcome}:${r.rows}`)).toEqual(['ok:10', 'incomplete:5', 'failed:null']);
  });

  it("takes a schedule's finished runs and merges both in time order, newest kept", () => {
    const server: ScheduleRunInfo[] = [
      {
        id: 'r1',
        scheduleId: 's',
        trigger: 'schedule',
        status: 'succeeded',
        startedAt: at(3),
        finishedAt: at(3, 6, 29),
        durationMs: 900,
        rowCount: 40,
      },
      { id: 'r2', scheduleId: 's', trigger: 'manual', status: 'failed', startedAt: at(4), finishedAt: at(4), durationMs: 50 },
      { id: 'r3', scheduleId: 's', trigger: 'manual', status: 'running', startedAt: at(6) },
      {
        id: 'r4',
        scheduleId: 's',
        trigger: 'schedule',
        status: 'succeeded',
        startedAt: at(1),
        durationMs: 700,
        rowCount: 9,
        truncated: true,
      },
    ];
    const merged = mergeRuns(runsFromSchedule(server), [run(2, 12, 300)]);
    expect(merged.map((r) => `${r.origin}:${r.outcome}:${r.rows}`)).toEqual([
      'server:incomplete:9',
      'pane:ok:12',
      'server:ok:40',
      'server:failed:null',
    ]);
    const many = Array.from({ length: MAX_RUNS + 5 }, (_, i) => ({
      ...run(1, i, 1),
      at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    }));
    const kept = mergeRuns(many);
    expect(kept).toHaveLength(MAX_RUNS);
    expect(kept[0].rows).toBe(5);
  });
});

describe('refresh history: what stands out', () => {
  it('marks a sudden drop in rows against the previous run that brought rows, a slow run and a failure', () => {
    const runs = [run(1, 4388, 1000), run(2, 4300, 1100), run(3, null, 200, 'failed'), run(4, 1020, 1000), run(5, 4210, 3100)];
    const marks = markRuns(runs);
    expect(marks.map((m) => [m.drop, m.slow, m.failed])).toEqual([
      [false, false, false],
      [false, false, false],
      [false, false, true],
      [true, false, false],
      [false, true, false],
    ]);
    expect(marks[3].previousRows).toBe(4300);
  });

  it('does not call anything slow with fewer than three timed runs, or when the gap is tiny', () => {
    expect(markRuns([run(1, 1, 10), run(2, 1, 100)]).some((m) => m.slow)).toBe(false);
    expect(markRuns([run(1, 1, 10), run(2, 1, 10), run(3, 1, 100)]).some((m) => m.slow)).toBe(false);
  });
});

describe('refresh history: layout', () => {
  it('puts one slot per run, oldest left, rows above duration, scaled to the largest', () => {
    const l = layoutHistory([run(1, 100, 1000), run(2, 50, 2000), run(3, null, 500, 'failed')], { width: 300, bandHeight: 40, gap: 10 });
    expect(l.height).toBe(90);
    expect(l.maxRows).toBe(100);
    expect(l.maxDurationMs).toBe(2000);
    const [a, b, c] = l.bars;
    expect(a.x).toBeLessThan(b.x);
    expect(b.x).toBeLessThan(c.x);
    expect(a.width).toBeCloseTo(24);
    expect([a.rowsY, a.rowsHeight]).toEqual([0, 40]);
    expect([b.rowsY, b.rowsHeight]).toEqual([20, 20]);
    expect(c.rowsHeight).toBe(0);
    expect([b.durationY, b.durationHeight]).toEqual([50, 40]);
    expect([a.durationY, a.durationHeight]).toEqual([70, 20]);
    // Every bar stays inside the view box.
    for (const bar of l.bars) {
      expect(bar.x).toBeGreaterThanOrEqual(0);
      expect(bar.x + bar.width).toBeLessThanOrEqual(300);
    }
  });

  it('keeps a tiny value visible and narrows bars when there are many runs', () => {
    const runs = Array.from({ length: MAX_RUNS }, (_, i) => run(1, i === 0 ? 1 : 1_000_000, 10));
    const l = layoutHistory(runs, { width: 300 });
    expect(l.bars[0].rowsHeight).toBe(1);
    expect(l.bars[0].width).toBeCloseTo(7);
    expect(layoutHistory([]).bars).toEqual([]);
  });
});

describe('refresh history: summary', () => {
  it('says the count, the range of rows, the slowest run, drops and failures in one sentence', () => {
    const runs = [run(1, 4388, 1000), run(2, 4300, 1100), run(3, null, 200, 'failed'), run(4, 1020, 2100), run(7, 4210, 900)];
    expect(summariseHistory(runs, when)).toBe(
      '5 runs; rows 1,020 to 4,388; slowest 2.1 s on 12-04T06:28; rows fell from 4,300 to 1,020 on 12-04T06:28; 1 failed',
    );
    expect(summariseHistory([run(1, 5, 10)], when)).toBe('1 run; rows 5 each; slowest 10 ms on 12-01T06:28');
    expect(summariseHistory([], when)).toBe('No runs yet');
  });
});
