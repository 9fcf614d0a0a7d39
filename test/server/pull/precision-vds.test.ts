/**
 * VDS results with numbers Excel cannot hold (more than 15 significant digits) and dates before
 * 1900-01-01: exact text instead of changed digits, and one end warning each (server/pull/precision.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { StreamMessage } from '../../../common/stream.js';
import type { VdsColumn } from '../../../server/pull/vds-columns.js';
import { dateMemo, transcodeArrays } from '../../../server/pull/vds-transcode.js';
import { vdsToTyped } from '../../../server/pull/vds-typed.js';
import { convertVdsValue, V_FLOAT, V_NUMBER, V_TEXT } from '../../../server/pull/vds-values.js';
import { chunks, collect, rowsOf } from './helpers.js';

const COLUMNS: VdsColumn[] = [
  { key: 'Order Id', caption: 'Order Id', dataType: 'INTEGER' },
  { key: 'AVG(Discount)', caption: 'Discount', dataType: 'REAL', function: 'AVG' },
  { key: 'Ship Date', caption: 'Ship Date', dataType: 'DATE' },
  { key: 'Note', caption: 'Note', dataType: 'STRING' },
];

/** Rows as Tableau's JSON text: numbers written as the given tokens, never through a double. */
function arraysBody(rows: string[][]): string {
  return `{"data":[${rows.map((r) => `[${r.join(',')}]`).join(',')}]}`;
}
function objectsBody(rows: string[][]): string {
  const keys = COLUMNS.map((c) => JSON.stringify(c.key));
  return `{"data":[${rows.map((r) => `{${r.map((v, j) => `${keys[j]}:${v}`).join(',')}}`).join(',')}]}`;
}

const ROWS = [
  ['1234567890123456789', '0.30000000000000004', '"1900-01-01"', '"a"'],
  ['12345678901234567', '3.3333333333333335', '"1900-02-28"', '1234567890123456789'],
  ['1234567890123456', '0.1234567890123456789', '"1900-03-01"', '"b"'],
  ['123456789012345', '-1.5e-7', '"1899-12-31"', '"c"'],
  ['-1234567890123456789', '2', '"1492-10-12"', 'null'],
  ['null', 'null', 'null', '"d"'],
];
const EXPECTED = [
  ['1234567890123456789', 0.30000000000000004, 1, 'a'],
  ['12345678901234567', 3.3333333333333335, 59, '1234567890123456789'],
  ['1234567890123456', '0.1234567890123456789', 61, 'b'],
  [123456789012345, -1.5e-7, '1899-12-31', 'c'],
  ['-1234567890123456789', 2, '1492-10-12', null],
  [null, null, null, 'd'],
];

function endOf(messages: StreamMessage[]) {
  const end = messages.at(-1)!;
  if (end.kind !== 'end') throw new Error(`expected end, got ${JSON.stringify(end)}`);
  return end;
}

describe('VDS values beyond 15 significant digits and before 1900', () => {
  it.each([
    ['ARRAYS', arraysBody(ROWS), 1 << 20],
    ['ARRAYS', arraysBody(ROWS), 7],
    ['OBJECTS', objectsBody(ROWS), 1 << 20],
    ['OBJECTS', objectsBody(ROWS), 5],
  ] as const)('%s (chunks of %#): exact digits as text, Excel serials for early 1900, ISO text before', async (format, body, size) => {
    const out = await collect(vdsToTyped(chunks(body, size), { columns: COLUMNS, returnFormat: format }));
    expect(rowsOf(out)).toEqual(EXPECTED);
    expect(endOf(out).warnings).toEqual([
      '5 values in "Order Id" (4) and "Discount" (1) have more than 15 significant digits, which Excel cannot hold as numbers; they were written as text so no digit changes.',
      '2 dates in "Ship Date" are before 1900-01-01, which Excel cannot hold as dates; they were written as text (yyyy-mm-dd).',
    ]);
  });

  it('a row limit counts only the rows it keeps', async () => {
    const out = await collect(vdsToTyped(chunks(arraysBody(ROWS), 1 << 20), { columns: COLUMNS, returnFormat: 'ARRAYS', limit: 1 }));
    expect(rowsOf(out)).toEqual([EXPECTED[0]]);
    expect(endOf(out).warnings).toEqual([
      '1 value in "Order Id" has more than 15 significant digits, which Excel cannot hold as a number; it was written as text so no digit changes.',
    ]);
  });

  it('no warning when every value fits', async () => {
    const out = await collect(
      vdsToTyped(chunks(arraysBody([['123456789012345', '0.1', '"2024-01-05"', '"x"']]), 64), { columns: COLUMNS, returnFormat: 'ARRAYS' }),
    );
    expect(rowsOf(out)).toEqual([[123456789012345, 0.1, 45296, 'x']]);
    expect(endOf(out).warnings).toBeUndefined();
  });

  it('the fast path writes long tokens as strings and counts them per column', () => {
    const out = transcodeArrays('[[1234567890123456789,"a"],[-0.00001234567890123456,"b"],[5,"c"]]', [V_NUMBER, V_TEXT], dateMemo())!;
    expect(JSON.parse(out.json)).toEqual([
      ['1234567890123456789', 'a'],
      ['-0.00001234567890123456', 'b'],
      [5, 'c'],
    ]);
    expect([...out.long!]).toEqual([2, 0]);
  });

  it('any integer token: a number whose text is the same digits, or a string equal to the token', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), (big) => {
        const token = String(big);
        const misfits = { count: 0 };
        // The general path sees a long token as a string (quoteLongNumbers), a short one as a number.
        const v = convertVdsValue(V_NUMBER, token.replace('-', '').length > 15 ? token : Number(token), misfits);
        if (typeof v === 'number') expect(String(v)).toBe(token);
        else expect(v).toBe(token);
        const fast = transcodeArrays(`[[${token}]]`, [V_NUMBER], dateMemo())!;
        expect(JSON.parse(fast.json)).toEqual([[v]]);
      }),
    );
  });

  it('any decimal token in an integer-typed column keeps its digits, as a number or as the same text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?(0|[1-9]\d{0,20})\.\d{1,20}$/), (token) => {
        const fast = transcodeArrays(`[[${token}]]`, [V_NUMBER], dateMemo())!;
        const [[v]] = JSON.parse(fast.json) as unknown[][];
        if (typeof v === 'number') expect(v).toBe(Number(token));
        else expect(v).toBe(token);
        if (typeof v === 'number') expect(significant(String(v))).toBe(significant(token));
      }),
    );
  });

  it('a floating-point column keeps any double as it came, and text when a double would change it', () => {
    expect(convertVdsValue(V_FLOAT, '0.12345678901234566', { count: 0 })).toBe(0.12345678901234566);
    const misfits = { count: 0 };
    expect(convertVdsValue(V_FLOAT, '0.123456789012345678', misfits)).toBe('0.123456789012345678');
    expect(misfits).toEqual({ count: 0, long: 1 });
    // 1e17 prints as 18 digits, all but one of them zeros: still the double's own text, a number.
    expect(JSON.parse(transcodeArrays('[[100000000000000000]]', [V_FLOAT], dateMemo())!.json)).toEqual([[1e17]]);
    expect(convertVdsValue(V_FLOAT, '100000000000000000', { count: 0 })).toBe(1e17);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const fast = transcodeArrays(`[[${JSON.stringify(d)}]]`, [V_FLOAT], dateMemo())!;
        expect(JSON.parse(fast.json)).toEqual([[Object.is(d, -0) ? 0 : d]]);
      }),
    );
  });
});

/** The digits of a numeral without sign, point, leading zeros or a fraction's trailing zeros. */
function significant(text: string): string {
  const [int, frac = ''] = text.replace('-', '').split(/e/i)[0].split('.');
  return (int + frac.replace(/0+$/, '')).replace(/^0+/, '');
}
