/** The rows behind a summary view as a VDS query: columns ↔ fields, the grain, the filters (server/services/rows-behind-query.ts). */
import { describe, expect, it } from 'vitest';

import type { FieldInfo } from '../../../common/api.js';
import {
  headerParts,
  matchColumns,
  pickRowIdentifier,
  planRowsBehind,
  typedFilterValue,
} from '../../../server/services/rows-behind-query.js';

const dim = (fieldCaption: string, dataType: FieldInfo['dataType'] = 'STRING'): FieldInfo => ({
  fieldName: fieldCaption,
  fieldCaption,
  dataType,
  role: 'DIMENSION',
});
const measure = (fieldCaption: string, defaultAggregation = 'SUM'): FieldInfo => ({
  fieldName: fieldCaption,
  fieldCaption,
  dataType: 'REAL',
  role: 'MEASURE',
  defaultAggregation,
});

// Superstore, as read-metadata of 2026.1 describes it.
const SUPERSTORE: FieldInfo[] = [
  dim('Row ID', 'INTEGER'),
  dim('Order ID'),
  dim('Order Date', 'DATE'),
  dim('Customer ID'),
  dim('Customer Code'),
  dim('Customer Name'),
  dim('Region'),
  dim('Category'),
  measure('Sales'),
  measure('Profit'),
  measure('Discount'),
  { ...measure('Quantity'), dataType: 'INTEGER' },
  measure('Profit Ratio', 'AGG'),
  dim('Returned', 'BOOLEAN'),
];

describe('headerParts', () => {
  it.each([
    ['Month of Order Date', 'Order Date', 'DATEPART'],
    ['Distinct count of Customer Name', 'Customer Name', 'COUNTD'],
    ['Sum of Sales', 'Sales', 'SUM'],
    ['Avg. Discount', 'Discount', 'AVG'],
    ['SUM(Profit)', 'Profit', 'SUM'],
    ['Count of Orders', 'Orders', 'COUNT'],
  ])('%s → %s (%s)', (header, field, aggregation) => {
    expect(headerParts(header)).toEqual({ field, aggregation });
  });

  it('leaves plain headers alone', () => {
    expect(headerParts('Region')).toBeNull();
    expect(headerParts('Profit Ratio')).toBeNull();
  });
});

describe('matchColumns', () => {
  it('matches by caption, by the sheet field the Metadata API names, then by the header after its aggregation', () => {
    const matches = matchColumns(
      ['Region', 'Customer ID', 'Month of Order Date', 'Distinct count of Customer Name', 'sales', 'Latitude (generated)'],
      SUPERSTORE,
      [{ name: 'Customer ID', upstreamField: 'Customer Code' }],
    );
    expect(matches).toEqual([
      { column: 'Region', field: 'Region', via: 'caption' },
      // The data source has a "Customer ID" too: the caption wins, as Tableau names the sheet's field after it.
      { column: 'Customer ID', field: 'Customer ID', via: 'caption' },
      { column: 'Month of Order Date', field: 'Order Date', aggregation: 'DATEPART', via: 'header' },
      { column: 'Distinct count of Customer Name', field: 'Customer Name', aggregation: 'COUNTD', via: 'header' },
      { column: 'sales', field: 'Sales', via: 'caption' },
      { column: 'Latitude (generated)' },
    ]);
  });

  it('follows a renamed sheet field to its data source field', () => {
    const fields = SUPERSTORE.filter((f) => f.fieldCaption !== 'Customer ID');
    expect(matchColumns(['Customer ID'], fields, [{ name: 'Customer ID', upstreamField: 'Customer Code' }])).toEqual([
      { column: 'Customer ID', field: 'Customer Code', via: 'sheet-field' },
    ]);
    expect(matchColumns(['Customer ID'], fields)).toEqual([{ column: 'Customer ID' }]);
  });
});

describe('pickRowIdentifier', () => {
  it('prefers a row id, then a record key', () => {
    expect(pickRowIdentifier(SUPERSTORE)).toEqual({ field: 'Row ID', grain: 'row' });
    expect(pickRowIdentifier(SUPERSTORE.filter((f) => f.fieldCaption !== 'Row ID'))).toEqual({ field: 'Order ID', grain: 'key' });
    expect(pickRowIdentifier([dim('Region'), measure('Sales')])).toBeNull();
  });

  it('takes no measure or date as an identifier', () => {
    expect(pickRowIdentifier([{ ...measure('Order ID'), dataType: 'INTEGER' }, dim('Region')])).toBeNull();
    expect(pickRowIdentifier([dim('Row ID', 'DATE')])).toBeNull();
  });
});

describe('typedFilterValue', () => {
  it('types the URL text by the field', () => {
    expect(typedFilterValue(dim('Region'), 'West')).toBe('West');
    expect(typedFilterValue(dim('Row ID', 'INTEGER'), '42')).toBe(42);
    expect(typedFilterValue(dim('Row ID', 'INTEGER'), 'forty')).toBeNull();
    expect(typedFilterValue(dim('Returned', 'BOOLEAN'), 'TRUE')).toBe(true);
    expect(typedFilterValue(dim('Returned', 'BOOLEAN'), 'yes')).toBeNull();
  });
});

describe('planRowsBehind', () => {
  it("gives the view's fields at row level, the row id first, and its filters as exact-match SET filters", () => {
    const plan = planRowsBehind({
      columns: ['Region', 'Category', 'Sales', 'Profit', 'Profit Ratio', 'Quantity'],
      fields: SUPERSTORE,
      filters: { Region: 'West', Returned: 'false' },
    });
    expect(plan.grain).toBe('row');
    expect(plan.identifier).toBe('Row ID');
    expect(plan.query).toEqual({
      fields: [
        { fieldCaption: 'Row ID', sortDirection: 'ASC', sortPriority: 1 },
        { fieldCaption: 'Region' },
        { fieldCaption: 'Category' },
        { fieldCaption: 'Sales', function: 'SUM', fieldAlias: 'Sales' },
        { fieldCaption: 'Profit', function: 'SUM', fieldAlias: 'Profit' },
        // An aggregate calculation aggregates itself: no function on top.
        { fieldCaption: 'Profit Ratio' },
        { fieldCaption: 'Quantity', function: 'SUM', fieldAlias: 'Quantity' },
        // A filtered field the view does not show is added, so the filter shows in every row.
        { fieldCaption: 'Returned' },
      ],
      filters: [
        { field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['West'], exclude: false },
        { field: { fieldCaption: 'Returned' }, filterType: 'SET', values: [false], exclude: false },
      ],
    });
    expect(plan.notes[0]).toMatch(/One row per row of the data source \(Row ID/);
  });

  it("keeps the view's aggregation for a measure and turns counts and date parts into the field itself", () => {
    const plan = planRowsBehind({
      columns: ['Avg. Discount', 'Distinct count of Customer Name', 'Month of Order Date'],
      fields: SUPERSTORE,
    });
    expect(plan.query.fields.slice(1)).toEqual([
      { fieldCaption: 'Discount', function: 'AVG', fieldAlias: 'Discount' },
      { fieldCaption: 'Customer Name' },
      { fieldCaption: 'Order Date' },
    ]);
  });

  it('says plainly where the grain stays coarser', () => {
    const noRowId = SUPERSTORE.filter((f) => f.fieldCaption !== 'Row ID');
    const byOrder = planRowsBehind({ columns: ['Region', 'Sales'], fields: noRowId });
    expect(byOrder.grain).toBe('key');
    expect(byOrder.notes[0]).toMatch(/one row per Order ID .* added up \(Sales\)/);
    const none = planRowsBehind({ columns: ['Region', 'Sales'], fields: [dim('Region'), measure('Sales')] });
    expect(none.grain).toBe('view');
    expect(none.query.fields).toEqual([{ fieldCaption: 'Region' }, { fieldCaption: 'Sales', function: 'SUM', fieldAlias: 'Sales' }]);
    expect(none.notes[0]).toMatch(/no row identifier.*same values in every field shown are one row \(Sales added up\)/);
  });

  it('filters by a column header the view renamed, and names what it cannot carry over', () => {
    const fields = SUPERSTORE.filter((f) => f.fieldCaption !== 'Customer ID');
    const plan = planRowsBehind({
      columns: ['Customer ID', 'Sales', 'Measure Names'],
      fields,
      sheetFields: [{ name: 'Customer ID', upstreamField: 'Customer Code' }],
      filters: { 'Customer ID': '00042', Colour: 'Red', 'Row ID': 'x' },
      viewParameters: { 'Top Customers': '10', Nope: '1' },
      parameters: [{ parameterCaption: 'Top Customers', parameterType: 'QUANTITATIVE_RANGE', dataType: 'INTEGER', value: 100 }],
    });
    expect(plan.query.filters).toEqual([
      { field: { fieldCaption: 'Customer Code' }, filterType: 'SET', values: ['00042'], exclude: false },
    ]);
    expect(plan.query.parameters).toEqual([{ parameterCaption: 'Top Customers', value: 10 }]);
    const notes = plan.notes.join('\n');
    expect(notes).toMatch(/Colour = Red names no field/);
    expect(notes).toMatch(/Row ID = x is not an integer value/);
    expect(notes).toMatch(/parameter Nope is not a parameter/);
    expect(notes).toMatch(/No field of the data source matches "Measure Names"/);
  });

  it("adds the sheet's other fields the Metadata API names, and says so", () => {
    const plan = planRowsBehind({
      columns: ['Region', 'Sales'],
      fields: SUPERSTORE,
      sheetFields: [{ name: 'Region' }, { name: 'Sales' }, { name: 'Customer Code' }, { name: 'Profit' }, { name: 'Not A Field' }],
    });
    expect(plan.query.fields.map((f) => f.fieldCaption)).toEqual(['Row ID', 'Region', 'Sales', 'Customer Code', 'Profit']);
    expect(plan.query.fields[4]).toEqual({ fieldCaption: 'Profit', function: 'SUM', fieldAlias: 'Profit' });
    expect(plan.notes.join('\n')).toMatch(/not among the view's columns: Customer Code, Profit\./);
  });
});
