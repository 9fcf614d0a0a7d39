/**
 * Bench results: one figure per name, with its target and whether it was met; printed as a markdown
 * table and written as JSON (`{"<name>": {value, target, unit, ok}}`) for whoever tracks the numbers.
 * Pure functions only (tested in test/bench/report.test.ts).
 */

/** `max`: value must be ≤ target; `below`: value must be < target; `min`: ≥ target; `none`: recorded only. */
type Goal = 'max' | 'below' | 'min' | 'none';

export interface Figure {
  name: string;
  value: number;
  /** null when the figure is recorded without a target. */
  target: number | null;
  goal: Goal;
  unit: string;
  /** What was compared, the inputs, the runs: shown under the table. */
  note?: string;
}

export interface JsonFigure {
  value: number;
  target: number | null;
  unit: string;
  ok: boolean;
}

export function meets(f: Pick<Figure, 'value' | 'target' | 'goal'>): boolean {
  if (!Number.isFinite(f.value)) return false;
  if (f.goal === 'none' || f.target === null) return true;
  if (f.goal === 'max') return f.value <= f.target;
  if (f.goal === 'below') return f.value < f.target;
  return f.value >= f.target;
}

const GOAL_SIGN: Record<Goal, string> = { max: '≤', below: '<', min: '≥', none: '' };

/** Rounds for display: 3 significant digits below 10, whole numbers above 100. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 100) return Math.round(v).toLocaleString('en-US');
  if (abs >= 10) return v.toFixed(1);
  return v.toPrecision(3);
}

export function toJson(figures: readonly Figure[]): Record<string, JsonFigure> {
  const out: Record<string, JsonFigure> = {};
  for (const f of figures) {
    if (out[f.name]) throw new Error(`Duplicate bench figure "${f.name}"`);
    out[f.name] = { value: f.value, target: f.target, unit: f.unit, ok: meets(f) };
  }
  return out;
}

export function markdownTable(figures: readonly Figure[]): string {
  const lines = ['| benchmark | value | target | ok |', '|---|---:|---:|:---:|'];
  for (const f of figures) {
    const target = f.goal === 'none' || f.target === null ? '—' : `${GOAL_SIGN[f.goal]} ${formatValue(f.target)} ${f.unit}`;
    lines.push(`| \`${f.name}\` | ${formatValue(f.value)} ${f.unit} | ${target} | ${meets(f) ? '✅' : '❌'} |`);
  }
  const notes = figures.filter((f) => f.note).map((f) => `- \`${f.name}\`: ${f.note}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
