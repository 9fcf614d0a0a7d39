import { describe, expect, it } from 'vitest';

import { initialScripts } from '../../bench/pane.js';
import { type Figure, formatValue, markdownTable, median, meets, toJson } from '../../bench/report.js';

const fig = (over: Partial<Figure>): Figure => ({ name: 'x', value: 1, target: 2, goal: 'max', unit: '×', ...over });

describe('bench report', () => {
  it('judges each kind of goal, and never passes a value that is not a number', () => {
    expect(meets(fig({ value: 2, goal: 'max' }))).toBe(true);
    expect(meets(fig({ value: 2.01, goal: 'max' }))).toBe(false);
    expect(meets(fig({ value: 2, goal: 'below' }))).toBe(false);
    expect(meets(fig({ value: 1.99, goal: 'below' }))).toBe(true);
    expect(meets(fig({ value: 2, goal: 'min' }))).toBe(true);
    expect(meets(fig({ value: 1.99, goal: 'min' }))).toBe(false);
    expect(meets(fig({ value: 123456, goal: 'none', target: null }))).toBe(true);
    expect(meets(fig({ value: Number.NaN, goal: 'none', target: null }))).toBe(false);
  });

  it('writes exactly one JSON entry per figure with value, target, unit and ok', () => {
    const json = toJson([fig({ name: 'a', value: 3 }), fig({ name: 'b', value: 5, target: null, goal: 'none', unit: 'ms' })]);
    expect(json).toEqual({ a: { value: 3, target: 2, unit: '×', ok: false }, b: { value: 5, target: null, unit: 'ms', ok: true } });
    expect(() => toJson([fig({ name: 'a' }), fig({ name: 'a' })])).toThrow(/Duplicate/);
  });

  it('prints a markdown table with targets and notes', () => {
    const table = markdownTable([
      fig({ name: 'ratio', value: 1.234, note: 'median of 3' }),
      fig({ name: 't', value: 1500.4, target: null, goal: 'none', unit: 'ms' }),
    ]);
    expect(table.split('\n')).toEqual([
      '| benchmark | value | target | ok |',
      '|---|---:|---:|:---:|',
      '| `ratio` | 1.23 × | ≤ 2.00 × | ✅ |',
      '| `t` | 1,500 ms | — | ✅ |',
      '',
      '- `ratio`: median of 3',
    ]);
    expect(formatValue(42.06)).toBe('42.1');
  });

  it('takes the median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe('pane initial scripts', () => {
  it('lists scripts and modulepreloads of the built HTML in order, but not stylesheets or lazy chunks', () => {
    const html = `<script src="/office-js/office.js"></script>
      <script type="module" crossorigin src="/assets/taskpane-1.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/tokens-2.js">
      <link rel="stylesheet" href="/assets/x.css">`;
    expect(initialScripts(html)).toEqual(['/office-js/office.js', '/assets/taskpane-1.js', '/assets/tokens-2.js']);
  });
});
