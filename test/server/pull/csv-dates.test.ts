import { describe, expect, it } from 'vitest';

import { excelSerial } from '../../../common/typed-values.js';
import { csvTextToTypedColumns } from '../../../server/pull/csv-columns.js';
import { typeColumn } from './helpers.js';

describe('dates and date-times', () => {
  it('"1/5/2024" → serial with m/d/yyyy (en-US month first)', () => {
    expect(typeColumn(['1/5/2024', '12/25/2024'])).toEqual({
      spec: { name: 'C', type: 'date', format: 'm/d/yyyy' },
      values: [45296, 45651],
    });
  });

  it('padded dates keep padding in the format', () => {
    expect(typeColumn(['01/05/2024', '12/25/2024']).spec.format).toBe('mm/dd/yyyy');
  });

  it('day-first is decided by the column when a value proves it', () => {
    const t = typeColumn(['1/5/2024', '25/12/2024']);
    expect(t.spec.format).toBe('d/m/yyyy');
    expect(t.values).toEqual([excelSerial(2024, 5, 1), excelSerial(2024, 12, 25)]);
  });

  it('en-GB reads ambiguous dates day first', () => {
    expect(typeColumn(['1/5/2024'], 'en-GB').values).toEqual([excelSerial(2024, 5, 1)]);
  });

  it('a column with impossible dates in both orders stays text', () => {
    expect(typeColumn(['13/13/2024', '1/5/2024']).spec.type).toBe('text');
    expect(typeColumn(['2/30/2024']).spec.type).toBe('text');
  });

  it('ISO dates and date-times', () => {
    expect(typeColumn(['2024-01-05', '2024-12-31'])).toEqual({
      spec: { name: 'C', type: 'date', format: 'yyyy-mm-dd' },
      values: [45296, 45657],
    });
    const t = typeColumn(['2024-01-05 13:45:00', '2024-01-06 00:00:00']);
    expect(t.spec).toEqual({ name: 'C', type: 'datetime', format: 'yyyy-mm-dd hh:mm:ss' });
    expect(t.values[0]).toBeCloseTo(45296 + (13 * 60 + 45) / 1440, 10);
    expect(t.values[1]).toBe(45297);
  });

  it('US date-times with AM/PM', () => {
    const t = typeColumn(['1/5/2024 1:45:00 PM', '1/6/2024 12:00:00 AM']);
    expect(t.spec).toEqual({ name: 'C', type: 'datetime', format: 'm/d/yyyy h:mm:ss AM/PM' });
    expect(t.values[0]).toBeCloseTo(45296 + (13 * 60 + 45) / 1440, 10);
    expect(t.values[1]).toBe(45297);
  });

  it('month names: "January 2024", "January 1, 2024", "Jan 1, 2024", weekday, German', () => {
    expect(typeColumn(['January 2024', 'March 2024'])).toEqual({
      spec: { name: 'C', type: 'date', format: 'mmmm yyyy' },
      values: [excelSerial(2024, 1, 1), excelSerial(2024, 3, 1)],
    });
    expect(typeColumn(['January 1, 2024', 'December 31, 2024'])).toMatchObject({
      spec: { format: 'mmmm d, yyyy' },
      values: [excelSerial(2024, 1, 1), excelSerial(2024, 12, 31)],
    });
    expect(typeColumn(['Jan 5, 2024']).spec.format).toBe('mmm d, yyyy');
    expect(typeColumn(['Friday, January 5, 2024']).spec.format).toBe('dddd, mmmm d, yyyy');
    expect(typeColumn(['5. Januar 2024', '31. Dezember 2024'], 'de-DE')).toMatchObject({
      spec: { format: 'd. mmmm yyyy' },
      values: [excelSerial(2024, 1, 5), excelSerial(2024, 12, 31)],
    });
  });

  it('German date-times', () => {
    const t = typeColumn(['31.12.2024 13:45:00', '01.02.2024 09:05:00'], 'de-DE');
    expect(t.spec.format).toBe('dd.mm.yyyy hh:mm:ss');
  });

  it('dates before 1900 cannot be Excel dates: ISO text in a date column; a column of only such dates stays text', () => {
    const t = typeColumn(['1/5/1899', '1/5/2024']);
    expect(t.spec.type).toBe('date');
    expect(t.values).toEqual(['1899-01-05', excelSerial(2024, 1, 5)]);
    expect(typeColumn(['1/5/1899', '2/5/1899'])).toEqual({
      spec: { name: 'C', type: 'text', format: '@' },
      values: ['1/5/1899', '2/5/1899'],
    });
  });

  it("early 1900 dates use Excel's serials (leap-year bug)", () => {
    expect(typeColumn(['1900-01-01', '1900-03-01']).values).toEqual([1, 61]);
  });

  it('mixed dates and words stay text; quarters and bare month names stay text', () => {
    expect(typeColumn(['1/5/2024', 'Unknown']).spec.type).toBe('text');
    expect(typeColumn(['Q1 2024', 'Q2 2024']).spec.type).toBe('text');
    expect(typeColumn(['January', 'February']).spec.type).toBe('text');
    expect(typeColumn(['May be', 'Mayday']).spec.type).toBe('text');
  });
});

describe('Measure Names / Measure Values', () => {
  it('Measure Values is numeric with format General when every value parses', () => {
    const csv = 'Measure Names,Measure Values\nSales,"311,783.644"\nProfit Ratio,0.144482316\nCount,438\nDiscount,14.4%\nProfit,"$45,047"';
    const t = csvTextToTypedColumns(csv);
    expect(t.columns).toEqual([
      { name: 'Measure Names', type: 'text', format: '@' },
      { name: 'Measure Values', type: 'decimal', format: 'General' },
    ]);
    expect(t.values[1]).toEqual([311783.644, 0.144482316, 438, 0.144, 45047]);
  });

  it('Measure Values with a non-number stays text', () => {
    const t = csvTextToTypedColumns('Measure Names,Measure Values\nA,1\nB,Yes');
    expect(t.columns[1].type).toBe('text');
  });
});
