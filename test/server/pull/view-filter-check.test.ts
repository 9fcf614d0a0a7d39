import type { ColumnSpec, StreamMessage } from '../../../common/stream.js';
import { checkViewFilters } from '../../../server/pull/view-filter-check.js';
import { collect } from './helpers.js';

const columns: ColumnSpec[] = [
  { name: 'Region', type: 'text', format: '@' },
  { name: 'Sales', type: 'currency', format: '$#,##0' },
  { name: 'Ratio', type: 'percentage', format: '0.0%' },
  { name: 'Order Date', type: 'date', format: 'yyyy-mm-dd' },
];

async function* stream(rows: unknown[][], warnings?: string[]): AsyncGenerator<StreamMessage> {
  yield { kind: 'meta', columns };
  if (rows.length) yield { kind: 'rows', rows: rows as never };
  yield { kind: 'end', rowCount: rows.length, truncated: false, ...(warnings ? { warnings } : {}) };
}

async function warningsOf(rows: unknown[][], filters?: Record<string, string>, earlier?: string[]) {
  const out = await collect(checkViewFilters(stream(rows, earlier), filters));
  const end = out.at(-1) as Extract<StreamMessage, { kind: 'end' }>;
  expect(out.slice(0, -1)).toEqual((await collect(stream(rows))).slice(0, -1));
  return end.warnings;
}

describe('checkViewFilters', () => {
  it('says nothing when every row has the filtered value, or there are no filters', async () => {
    expect(await warningsOf([['West', 10, 0.1, 45000]], { Region: 'West', Sales: '$10', Ratio: '10%' })).toBeUndefined();
    expect(await warningsOf([['West', 10, 0.1, 45000]])).toBeUndefined();
  });

  it('names a filter Tableau did not apply, with a few of the other values', async () => {
    const rows = [['West'], ['East'], ['East'], ['South'], ['Central'], [null]].map((r) => [...r, 1, 0.1, 1]);
    expect(await warningsOf(rows, { Region: 'West' })).toEqual([
      'Tableau did not apply vf_Region=West: 5 of 6 rows have other values of Region ("East", "South", "Central").',
    ]);
  });

  it('takes a comma list as any of its values', async () => {
    expect(
      await warningsOf(
        [
          ['West', 1, 0, 1],
          ['East', 1, 0, 1],
        ],
        { Region: 'East,West' },
      ),
    ).toBeUndefined();
  });

  it('says that no row came back and why, keeping earlier warnings first', async () => {
    expect(await warningsOf([], { Region: 'east' }, ['earlier'])).toEqual([
      'earlier',
      'No rows came back with vf_Region=east. Tableau matches a vf_ filter value exactly, case included: a value spelled differently from the data keeps no row.',
    ]);
  });

  it('names the column a filter field probably meant, and cannot check one the view does not show', async () => {
    const [meant, unseen] = (await warningsOf([['West', 1, 0, 1]], { region: 'West', Segment: 'Consumer' }))!;
    expect(meant).toMatch(
      /^The view has no column "region" \(filter vf_region=West\), so the filter could not be checked\. Did you mean "Region"\?/,
    );
    expect(unseen).toMatch(
      /^The view has no column "Segment" \(filter vf_Segment=Consumer\), so the filter could not be checked\. Tableau ignores/,
    );
  });

  it('does not judge dates (serials) or numbers it cannot read', async () => {
    expect(await warningsOf([['West', 1, 0, 45000]], { 'Order Date': '2024-01-01', Sales: 'lots' })).toBeUndefined();
  });
});
