/**
 * ColumnBuilder (server/pull/column-builder.ts): numbers kept apart from anything else, unboxed,
 * must give back exactly the values pushed, in order — -0 stays -0, null stays null — whichever
 * kind of value comes first and however the kinds alternate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CellValue } from '../../../common/stream.js';
import { ColumnBuilder } from '../../../server/pull/column-builder.js';

const value: fc.Arbitrary<CellValue> = fc.oneof(
  { weight: 6, arbitrary: fc.double({ noNaN: true }) },
  { weight: 3, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(-0, 0, 0.1, -1234.56) },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.boolean() },
);

/** A run of one kind of value (a column keeps a kind for long stretches), repeated. */
const column = fc
  .array(fc.tuple(value, fc.integer({ min: 1, max: 700 })), { maxLength: 8 })
  .map((runs) => runs.flatMap(([v, n]) => Array.from({ length: n }, () => v)));

/** Numbers through `pushNumber` (csv-columns.ts's path for cells of a column's fast path) when `viaPushNumber`. */
function built(values: readonly CellValue[], viaPushNumber = false): CellValue[] {
  const builder = new ColumnBuilder();
  for (const v of values) {
    if (viaPushNumber && typeof v === 'number') builder.pushNumber(v);
    else builder.push(v);
  }
  expect(builder.length).toBe(values.length);
  return builder.toArray();
}

describe('ColumnBuilder', () => {
  it('gives back every pushed value in order, whatever the mix', () => {
    fc.assert(
      fc.property(fc.oneof(column, fc.array(value, { maxLength: 50 })), fc.boolean(), (values, viaPushNumber) => {
        const out = built(values, viaPushNumber);
        const firstWrong = values.findIndex((v, r) => !Object.is(out[r], v));
        expect({ length: out.length, firstWrong }).toEqual({ length: values.length, firstWrong: -1 });
      }),
      { numRuns: 200 },
    );
  });

  it('numbers only, past a thousand rows; nulls or text arriving late', () => {
    const numbers = Array.from({ length: 2500 }, (_, r) => (r % 7 === 0 ? -r / 8 : r));
    expect(built(numbers)).toEqual(numbers);
    expect(built([...numbers, null])).toEqual([...numbers, null]);
    expect(built([null, ...numbers, 'N/A', 3])).toEqual([null, ...numbers, 'N/A', 3]);
    expect(built([])).toEqual([]);
    expect(built([null, null, 'a', null, 2])).toEqual([null, null, 'a', null, 2]);
    expect(built([null, null])).toEqual([null, null]);
    expect(built([null, ...numbers, 'N/A', 3], true)).toEqual([null, ...numbers, 'N/A', 3]);
    expect(built(['a', 1, null, -0], true)).toEqual(['a', 1, null, -0]);
  });
});
