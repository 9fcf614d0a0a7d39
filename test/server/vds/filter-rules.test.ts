/** server/vds/filter-rules.ts: functions and calculations in SET, MATCH and DATE filters by version. */
import { describe, expect, it } from 'vitest';

import { filterFieldProblem, filterFieldsRelaxed, queryFilterProblems } from '../../../server/vds/index.js';

const set = (field: object) => ({ field, filterType: 'SET', values: ['x'] });

describe('filter field rules', () => {
  it('relaxes from schema 20261.0 (Tableau 2026.1) on', () => {
    expect(filterFieldsRelaxed('20253.0')).toBe(false);
    expect(filterFieldsRelaxed('20251.0')).toBe(false);
    expect(filterFieldsRelaxed('20261.0')).toBe(true);
  });

  it.each([
    ['SET', { fieldCaption: 'Order Date', function: 'YEAR' }, 'refused', 'ok'],
    ['SET', { calculation: 'UPPER([Region])' }, 'refused', 'ok'],
    ['DATE', { fieldCaption: 'Order Date', function: 'TRUNC_MONTH' }, 'refused', 'ok'],
    ['DATE', { calculation: '[Order Date]' }, 'refused', 'ok'],
    ['MATCH', { calculation: 'LOWER([Region])' }, 'refused', 'ok'],
    ['MATCH', { fieldCaption: 'Region', function: 'MIN' }, 'refused', 'refused'],
    ['QUANTITATIVE_NUMERICAL', { fieldCaption: 'Sales', function: 'SUM' }, 'ok', 'ok'],
    ['SET', { fieldCaption: 'Region' }, 'ok', 'ok'],
  ])('%s on %j: %s before 2026.1, %s from 2026.1', (filterType, field, before, from2026) => {
    const verdict = (relaxed: boolean) => (filterFieldProblem({ field, filterType }, relaxed) === undefined ? 'ok' : 'refused');
    expect(verdict(false)).toBe(before);
    expect(verdict(true)).toBe(from2026);
  });

  it('names every offending filter of a query, and ignores what the schema check is for', () => {
    const body = { query: { fields: [], filters: [set({ calculation: 'UPPER([Region])' }), set({ fieldCaption: 'Region' }), null, 'x'] } };
    expect(queryFilterProblems(body, '20253.0')).toEqual([
      "Set filters, match filters, and relative date filters can't have functions or calculations (UPPER([Region])).",
    ]);
    expect(queryFilterProblems(body, '20261.0')).toEqual([]);
    expect(queryFilterProblems({ query: {} }, '20253.0')).toEqual([]);
    expect(queryFilterProblems(null, '20253.0')).toEqual([]);
  });
});
