import { describe, expect, it } from 'vitest';

import { datasetFromCsv, inferDataType } from '../../../../server/sim/data/datasets/csv-file.js';
import { parseIsoDay } from '../../../../server/sim/data/datasets/types.js';
import { runQuery } from '../../../../server/sim/data/vds/engine.js';
import { relativeRange } from '../../../../server/sim/data/vds/filters.js';

const csv = `Name,Code,Amount,Qty,Day,Flag
Ann,007,10.5,1,2024-01-05,true
Bob,010,20,2,2024-02-10,false
Cy,011,,3,2024-03-15,true
Ann,007,5,4,2023-12-31,false
`;
const ds = datasetFromCsv('t', 't', csv);
const all = (fields: object[], filters: object[] = [], extra = {}) => {
  const r = runQuery(ds, { fields: fields as never, filters: filters as never }, { now: Date.UTC(2024, 2, 20), ...extra });
  return Array.from({ length: r.rowCount }, (_, k) => r.row(k));
};

describe('query engine', () => {
  it('infers CSV types and keeps leading zeros as text', () => {
    expect(ds.columns.map((c) => c.dataType)).toEqual(['STRING', 'STRING', 'REAL', 'INTEGER', 'DATE', 'BOOLEAN']);
    expect(inferDataType(['1/5/2024', '12/31/2024'])).toBe('DATE');
    expect(inferDataType(['2024-01-05T10:00:00'])).toBe('DATETIME');
  });

  it('computes every aggregate', () => {
    const fns = ['SUM', 'AVG', 'MEDIAN', 'COUNT', 'COUNTD', 'MIN', 'MAX', 'STDEV', 'VAR'];
    const [row] = all(fns.map((f) => ({ fieldCaption: 'Amount', function: f })));
    expect(row).toEqual([35.5, 35.5 / 3, 10.5, 3, 3, 5, 20, expect.closeTo(7.5884, 3), expect.closeTo(57.5833, 3)]);
  });

  it('applies date functions', () => {
    const fns = ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'TRUNC_MONTH', 'TRUNC_QUARTER'];
    const rows = all([
      { fieldCaption: 'Day', function: 'TRUNC_DAY', sortPriority: 1 },
      ...fns.map((f) => ({ fieldCaption: 'Day', function: f })),
    ]);
    expect(rows[3].slice(1)).toEqual([2024, 1, 3, 11, 15, parseIsoDay('2024-03-01'), parseIsoDay('2024-01-01')]);
  });

  it('evaluates calculations with aggregates and row-level logic', () => {
    const rows = all([
      { fieldCaption: 'Name', sortPriority: 1 },
      { fieldCaption: 'Avg', calculation: 'SUM([Amount]) / SUM([Qty])' },
      { fieldCaption: 'Big', calculation: "IIF([Qty] > 2, 'big', 'small')" },
    ]);
    expect(rows[0]).toEqual(['Ann', 10.5, 'small']);
    expect(rows.find((r) => r[0] === 'Ann' && r[2] === 'big')?.[1]).toBe(1.25);
  });

  it('filters SET, MATCH, numeric, date range, relative date, TOP and CONDITION', () => {
    const names = (filters: object[]) => all([{ fieldCaption: 'Name', sortPriority: 1 }], filters).map((r) => r[0]);
    expect(names([{ field: { fieldCaption: 'Name' }, filterType: 'SET', values: ['Ann'], exclude: true }])).toEqual(['Bob', 'Cy']);
    expect(names([{ field: { fieldCaption: 'Name' }, filterType: 'MATCH', startsWith: 'b' }])).toEqual(['Bob']);
    expect(
      names([
        { field: { fieldCaption: 'Amount' }, filterType: 'QUANTITATIVE_NUMERICAL', quantitativeFilterType: 'RANGE', min: 6, max: 20 },
      ]),
    ).toEqual(['Ann', 'Bob']);
    expect(
      names([
        {
          field: { fieldCaption: 'Amount' },
          filterType: 'QUANTITATIVE_NUMERICAL',
          quantitativeFilterType: 'MIN',
          min: 15,
          includeNulls: true,
        },
      ]),
    ).toEqual(['Bob', 'Cy']);
    expect(
      names([{ field: { fieldCaption: 'Amount' }, filterType: 'QUANTITATIVE_NUMERICAL', quantitativeFilterType: 'ONLY_NULL' }]),
    ).toEqual(['Cy']);
    expect(
      names([{ field: { fieldCaption: 'Day' }, filterType: 'QUANTITATIVE_DATE', quantitativeFilterType: 'MAX', maxDate: '2024-01-05' }]),
    ).toEqual(['Ann']);
    expect(
      names([{ field: { fieldCaption: 'Day' }, filterType: 'DATE', periodType: 'MONTHS', dateRangeType: 'LASTN', rangeN: 2 }]),
    ).toEqual(['Bob', 'Cy']);
    expect(
      names([{ field: { fieldCaption: 'Name' }, filterType: 'TOP', howMany: 1, fieldToMeasure: { fieldCaption: 'Qty', function: 'SUM' } }]),
    ).toEqual(['Ann']);
    expect(
      names([
        {
          field: { fieldCaption: 'Name' },
          filterType: 'TOP',
          howMany: 1,
          direction: 'BOTTOM',
          fieldToMeasure: { fieldCaption: 'Qty', function: 'SUM' },
        },
      ]),
    ).toEqual(['Bob']);
    expect(
      names([
        {
          field: { fieldCaption: 'Name' },
          filterType: 'CONDITION',
          condition: { fieldCaption: 'Qty', function: 'SUM', comparison: '>=', value: 3 },
        },
      ]),
    ).toEqual(['Ann', 'Cy']);
    expect(
      names([
        { field: { fieldCaption: 'Qty', function: 'SUM' }, filterType: 'QUANTITATIVE_NUMERICAL', quantitativeFilterType: 'MAX', max: 3 },
      ]),
    ).toEqual(['Bob', 'Cy']);
  });

  it('evaluates TOP after context filters only', () => {
    const ctx = { field: { fieldCaption: 'Flag' }, filterType: 'SET', values: [false], context: true };
    const top = {
      field: { fieldCaption: 'Name' },
      filterType: 'TOP',
      howMany: 1,
      fieldToMeasure: { fieldCaption: 'Amount', function: 'SUM' },
    };
    expect(all([{ fieldCaption: 'Name' }], [ctx, top]).map((r) => r[0])).toEqual(['Bob']);
  });

  it('computes relative date ranges', () => {
    const now = Date.UTC(2024, 4, 15);
    const r = relativeRange({ field: {}, filterType: 'DATE', periodType: 'QUARTERS', dateRangeType: 'TODATE' }, now);
    expect([r.start, r.end]).toEqual([parseIsoDay('2024-04-01'), parseIsoDay('2024-05-16')]);
    const last = relativeRange(
      { field: {}, filterType: 'DATE', periodType: 'YEARS', dateRangeType: 'LAST', anchorDate: '2024-06-30' },
      now,
    );
    expect([last.start, last.end]).toEqual([parseIsoDay('2023-01-01'), parseIsoDay('2024-01-01')]);
  });

  it('rejects unknown fields, bad calculations and two filters on one field', () => {
    expect(() => all([{ fieldCaption: 'Nope' }])).toThrow('Unknown Field: Nope.');
    expect(() => all([{ fieldCaption: 'X', calculation: 'SUM([Amount]) + [Qty]' }])).toThrow(/cannot mix aggregate/);
    const f = { field: { fieldCaption: 'Name' }, filterType: 'SET', values: ['Ann'] };
    expect(() => all([{ fieldCaption: 'Name' }], [f, f])).toThrow(/one filter per field/);
  });
});
