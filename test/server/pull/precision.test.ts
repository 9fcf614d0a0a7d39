/**
 * Numbers past Excel's 15 significant digits and dates before 1900-01-01 in view CSV and inventory
 * lists, and the helpers of server/pull/precision.ts they share with VDS (precision-vds.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { StreamMessage } from '../../../common/stream.js';
import { excelSerial } from '../../../common/typed-values.js';
import { csvToTyped } from '../../../server/pull/csv-typed.js';
import { inventoryToTyped } from '../../../server/pull/inventory-typed.js';
import { earlyDatesWarning, longDigitsWarning, quoteLongNumbers, significantDigits } from '../../../server/pull/precision.js';
import { chunks, collect, rowsOf, typeColumn } from './helpers.js';

function endOf(messages: StreamMessage[]) {
  const end = messages.at(-1)!;
  if (end.kind !== 'end') throw new Error(`expected end, got ${JSON.stringify(end)}`);
  return end;
}

describe('significantDigits', () => {
  it.each([
    ['123456789012345', 15],
    ['1234567890123456', 16],
    ['12345678901234567', 17],
    ['1234567890123456789', 19],
    ['-1234567890123456789', 19],
    ['0.1234567890123456', 16],
    ['0.000001234567890123456', 16],
    ['1.2345678901234560000', 16],
    ['1000000000000000000', 19],
    ['1200.00', 4],
    ['0', 0],
    ['0.000', 0],
    ['-1.5e-7', 2],
    ['1.2345678901234567e5', 17],
    ['1,234,567,890,123,456.5', 17],
  ])('%s has %i', (text, digits) => {
    expect(significantDigits(text)).toBe(digits);
  });

  it('quoteLongNumbers turns only long number tokens into strings (never inside strings)', () => {
    const json = '[[1234567890123456789,"1234567890123456789",123456789012345,-0.12345678901234567e3,{"k\\"12345678901234567":1}]]';
    expect(JSON.parse(quoteLongNumbers(json))).toEqual([
      ['1234567890123456789', '1234567890123456789', 123456789012345, '-0.12345678901234567e3', { 'k"12345678901234567': 1 }],
    ]);
    expect(quoteLongNumbers('[[1,2.5,"x"]]')).toBe('[[1,2.5,"x"]]');
  });

  it('any JSON text parses to the same value after quoteLongNumbers, except long numbers, which stay their text', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        // fc.json writes numbers as JSON.stringify does, so a token's text is String() of its value.
        const expected = JSON.parse(json, (_k, v: unknown) =>
          typeof v === 'number' && significantDigits(String(v)) > 15 ? String(v) : v,
        ) as unknown;
        expect(JSON.parse(quoteLongNumbers(json))).toEqual(expected);
      }),
    );
  });

  it('words the warnings for one value, many values and several columns', () => {
    expect(longDigitsWarning([{ name: 'Order Id', count: 2310 }])).toBe(
      '2,310 values in "Order Id" have more than 15 significant digits, which Excel cannot hold as numbers; they were written as text so no digit changes.',
    );
    expect(longDigitsWarning([{ name: 'A', count: 1 }])).toBe(
      '1 value in "A" has more than 15 significant digits, which Excel cannot hold as a number; it was written as text so no digit changes.',
    );
    expect(
      longDigitsWarning([
        { name: 'A', count: 1 },
        { name: 'B', count: 0 },
        { name: 'C', count: 2 },
        { name: 'D', count: 1000 },
      ]),
    ).toMatch(/^1,003 values in "A" \(1\), "C" \(2\) and "D" \(1,000\) have more/);
    expect(longDigitsWarning([{ name: 'A', count: 0 }])).toBeUndefined();
    expect(earlyDatesWarning([{ name: 'Born', count: 1 }])).toBe(
      '1 date in "Born" is before 1900-01-01, which Excel cannot hold as a date; it was written as text (yyyy-mm-dd).',
    );
  });
});

const LONG_IDS = ['Order Id,Sales', '1234567890123456789,10', '12345678901234567,20', '1234567890123456,30', '42,40', ''].join('\n');

// Both CSV readers: the whole text typed in one pass, and the two-pass stream.
describe.each([
  ['whole text', {}],
  ['streamed', { inMemoryChars: 0 }],
] as const)('view CSV (%s)', (_reader, mode) => {
  it('a column of 16-19-digit IDs is text with every digit, and the end warns once with the count', async () => {
    const out = await collect(csvToTyped(chunks(LONG_IDS, 7), mode));
    expect(out[0]).toMatchObject({
      columns: [
        { name: 'Order Id', type: 'text', format: '@' },
        { name: 'Sales', type: 'integer' },
      ],
    });
    expect(rowsOf(out)).toEqual([
      ['1234567890123456789', 10],
      ['12345678901234567', 20],
      ['1234567890123456', 30],
      ['42', 40],
    ]);
    expect(endOf(out).warnings).toEqual([
      '3 values in "Order Id" have more than 15 significant digits, which Excel cannot hold as numbers; they were written as text so no digit changes.',
    ]);
  });

  it('dates of early 1900 get Excel serials; dates before 1900 are ISO text, counted', async () => {
    const csv = [
      'Day,When',
      '1/1/1900,1900-01-01 06:00:00',
      '2/28/1900,1900-02-28 12:00:00',
      '3/1/1900,1900-03-01 00:00:00',
      '12/31/1899,1899-12-31 18:30:00',
      '',
    ].join('\n');
    const out = await collect(csvToTyped(chunks(csv, 5), mode));
    expect(out[0]).toMatchObject({ columns: [{ type: 'date' }, { type: 'datetime' }] });
    expect(rowsOf(out)).toEqual([
      [1, 1.25],
      [59, 59.5],
      [61, 61],
      ['1899-12-31', '1899-12-31 18:30:00'],
    ]);
    expect(endOf(out).warnings).toEqual([
      '2 dates in "Day" (1) and "When" (1) are before 1900-01-01, which Excel cannot hold as dates; they were written as text (yyyy-mm-dd).',
    ]);
  });

  it('no warnings when nothing had to change', async () => {
    const out = await collect(csvToTyped(chunks('Id,Day\n123456789012345,2024-01-05\n', 64), mode));
    expect(rowsOf(out)).toEqual([[123456789012345, excelSerial(2024, 1, 5)]]);
    expect(endOf(out)).toEqual({ kind: 'end', rowCount: 1, truncated: false });
  });

  it('a text column that holds long digits among words does not warn (it was text anyway)', async () => {
    const out = await collect(csvToTyped(chunks('Note\n1234567890123456789\nsee above\n', 64), mode));
    expect(rowsOf(out)).toEqual([['1234567890123456789'], ['see above']]);
    expect(endOf(out).warnings).toBeUndefined();
  });
});

describe('view CSV column typing', () => {
  it.each([
    ['16 digits', ['1234567890123456', '1']],
    ['17 digits', ['12345678901234567', '1']],
    ['19 digits', ['1234567890123456789', '1']],
    ['negative 19 digits', ['-1234567890123456789', '1']],
    ['grouped 16 digits', ['1,234,567,890,123,456', '1']],
    ['leading zeros', ['0001234567890123456789', '1']],
  ])('%s: a text column with the digits as written', (_what, values) => {
    expect(typeColumn(values)).toEqual({ spec: { name: 'C', type: 'text', format: '@' }, values });
  });

  it.each([
    ['a long decimal', ['0.1234567890123456', '0.5'], ['0.1234567890123456', 0.5], '#,##0.0'],
    ['15 digits and decimals', ['123456789012345.67', '1.5'], ['123456789012345.67', 1.5], '#,##0.0'],
    ['a long negative currency value', ['-$1,234,567.1234567891', '$2.50'], ['-$1,234,567.1234567891', 2.5], '$#,##0.00'],
  ])('%s: the column stays a measure, that cell is its text', (_what, values, expected, format) => {
    const t = typeColumn(values);
    expect(t.spec.format).toBe(format); // decimals from the values that are numbers
    expect(t.values).toEqual(expected);
  });

  it('a long decimal in a measure column warns with its count', async () => {
    const out = await collect(csvToTyped(chunks('Ratio\n0.5\n0.12345678901234567\n0.25\n', 64)));
    expect(rowsOf(out)).toEqual([[0.5], ['0.12345678901234567'], [0.25]]);
    expect(endOf(out).warnings).toEqual([
      '1 value in "Ratio" has more than 15 significant digits, which Excel cannot hold as a number; it was written as text so no digit changes.',
    ]);
  });

  it.each([
    ['15 digits', ['123456789012345', '-999999999999999'], [123456789012345, -999999999999999]],
    ['15 significant digits after leading zeros', ['0.000123456789012345', '1'], [0.000123456789012345, 1]],
    ['trailing zeros of a fraction do not count', ['1.23456789012345000', '2'], [1.23456789012345, 2]],
  ])('%s stay numbers', (_what, values, expected) => {
    expect(typeColumn(values).values).toEqual(expected);
  });

  it('any digit string: a number whose text is the same digits, or the text itself', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?[1-9]\d{0,24}(\.\d{1,20})?$/), (text) => {
        const [v] = typeColumn([text]).values;
        if (typeof v === 'number') {
          expect(v).toBe(Number(text));
          expect(significant(String(v))).toBe(significant(text));
        } else expect(v).toBe(text);
      }),
    );
  });
});

describe('inventory lists', () => {
  it('long numeric IDs make a text column, long decimals are not rounded, early dates are ISO text', async () => {
    const items = [
      { id: 'a', jobId: '1234567890123456789', ratio: '0.5', createdAt: '1899-12-31T10:00:00Z', size: '1' },
      { id: 'b', jobId: '42', ratio: '0.12345678901234567', createdAt: '1900-01-01T00:00:00Z', size: '2' },
      { id: 'c', jobId: '12345678901234567', ratio: '1', createdAt: '1900-03-01T12:00:00Z', size: '3' },
    ];
    const out = await collect(inventoryToTyped(items, { resource: 'jobs' }));
    expect(out[0]).toMatchObject({
      columns: [
        { name: 'id', type: 'text' },
        { name: 'jobId', type: 'text', format: '@' },
        { name: 'ratio', type: 'decimal', format: 'General' },
        { name: 'createdAt', type: 'datetime' },
        { name: 'size', type: 'integer' },
      ],
    });
    expect(rowsOf(out)).toEqual([
      ['a', '1234567890123456789', 0.5, '1899-12-31T10:00:00Z', 1],
      ['b', '42', '0.12345678901234567', 1, 2],
      ['c', '12345678901234567', 1, 61.5, 3],
    ]);
    expect(endOf(out).warnings).toEqual([
      '3 values in "jobId" (2) and "ratio" (1) have more than 15 significant digits, which Excel cannot hold as numbers; they were written as text so no digit changes.',
      '1 date in "createdAt" is before 1900-01-01, which Excel cannot hold as a date; it was written as text (yyyy-mm-dd).',
    ]);
  });
});

/** The digits of a numeral without sign, point, exponent, leading zeros or a fraction's trailing zeros. */
function significant(text: string): string {
  const [int, frac = ''] = text.replace('-', '').split(/e/i)[0].split('.');
  return (int + frac.replace(/0+$/, '')).replace(/^0+/, '');
}
