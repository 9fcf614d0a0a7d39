import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { columnLetters, fromR1C1, toR1C1 } from '../../../addin/workbook/memory/r1c1.js';

// Formula in C3 = 0-based (2, 2).
const at = (f: string) => toR1C1(f, 2, 2);

describe('toR1C1 / fromR1C1 (Range.formulasR1C1)', () => {
  it('relative, absolute and mixed references', () => {
    expect(at('=B2')).toBe('=R[-1]C[-1]');
    expect(at('=C3')).toBe('=RC');
    expect(at('=$B$2')).toBe('=R2C2');
    expect(at('=B$2+$B2')).toBe('=R2C[-1]+R[-1]C2');
    expect(at('=D10')).toBe('=R[7]C[1]');
  });

  it('ranges, whole columns and whole rows', () => {
    expect(at('=SUM(A1:B2)')).toBe('=SUM(R[-2]C[-2]:R[-1]C[-1])');
    expect(at('=SUM(A:A)')).toBe('=SUM(C[-2])');
    expect(at('=SUM($B:$D)')).toBe('=SUM(C2:C4)');
    expect(at('=SUM(3:3)')).toBe('=SUM(R)');
    expect(at('=SUM($1:$2)')).toBe('=SUM(R1:R2)');
  });

  it('sheet-qualified references, quoted sheet names included', () => {
    expect(at('=Sheet1!A1')).toBe('=Sheet1!R[-2]C[-2]');
    expect(at("='My Sheet'!A1")).toBe("='My Sheet'!R[-2]C[-2]");
    expect(at("='A1 notes'!$A$1")).toBe("='A1 notes'!R1C1");
    expect(at('=Q1!B2')).toBe('=Q1!R[-1]C[-1]');
  });

  it('strings, structured references, names and functions are untouched', () => {
    expect(at('="A1 and B2"&A1')).toBe('="A1 and B2"&R[-2]C[-2]');
    expect(at('=[@Sales]*2')).toBe('=[@Sales]*2');
    expect(at('=SUM(Table1[Sales])')).toBe('=SUM(Table1[Sales])');
    expect(at('=Table1[[#This Row],[B2]]')).toBe('=Table1[[#This Row],[B2]]');
    expect(at('=LOG10(A1)+1.5E3+A1B+TRUE')).toBe('=LOG10(R[-2]C[-2])+1.5E3+A1B+TRUE');
    expect(at('=XFE1')).toBe('=XFE1');
  });

  it('fromR1C1 reads R1C1 back; references off the sheet become #REF!', () => {
    expect(fromR1C1('=R[-1]C[-1]', 2, 2)).toBe('=B2');
    expect(fromR1C1('=RC[1]*ROUND(R1C1,2)', 2, 2)).toBe('=D3*ROUND($A$1,2)');
    expect(fromR1C1('=R[-5]C', 2, 2)).toBe('=#REF!');
    expect(fromR1C1('=SUM(R[1]:R[2])', 0, 0)).toBe('=SUM(2:3)');
    expect(fromR1C1('=SUM(C)', 0, 0)).toBe('=SUM(A:A)');
    expect(fromR1C1('=RATE(1,2,3)+COUNT(Sales[RC])', 0, 0)).toBe('=RATE(1,2,3)+COUNT(Sales[RC])');
  });

  it('property: fromR1C1(toR1C1(f)) === f for generated formulas', () => {
    const row = fc.integer({ min: 0, max: 200 });
    const col = fc.integer({ min: 0, max: 60 });
    const cellRef = fc
      .record({ dc: fc.boolean(), c: fc.integer({ min: 0, max: 16_383 }), dr: fc.boolean(), r: fc.integer({ min: 1, max: 1_048_576 }) })
      .map(({ dc, c, dr, r }) => `${dc ? '$' : ''}${columnLetters(c)}${dr ? '$' : ''}${r}`);
    const range = fc.tuple(cellRef, cellRef).map(([a, b]) => `${a}:${b}`);
    const sheet = fc.constantFrom('Sheet1!', "'My Sheet'!", "'A1 data'!", 'Q1!', '');
    const str = fc.string({ maxLength: 8 }).map((s) => `"${s.replace(/"/g, '""')}"`);
    const struct = fc.constantFrom('[@Sales]', 'Table1[Sales]', 'Table1[[#This Row],[A1]]', 'T[RC]');
    const num = fc.constantFrom('1', '2.5', '1.5E3', '0.25');
    const fn = fc.constantFrom('SUM', 'LOG10', 'ROUND', 'RATE', 'COUNT');
    const atom = fc.oneof(
      fc.tuple(sheet, cellRef).map(([s, r]) => s + r),
      fc.tuple(sheet, range).map(([s, r]) => s + r),
      str,
      struct,
      num,
      fc.constantFrom('TRUE', 'A1B', 'MyName'),
    );
    const expr = fc
      .array(fc.tuple(fc.constantFrom('+', '-', '*', '&', ','), atom), { minLength: 1, maxLength: 6 })
      .chain((parts) => fn.map((f) => `=${f}(${parts.map(([op, a], i) => (i === 0 ? a : op + a)).join('')})`));
    fc.assert(
      fc.property(expr, row, col, (f, r, c) => {
        expect(fromR1C1(toR1C1(f, r, c), r, c)).toBe(f);
      }),
      { numRuns: 500 },
    );
  });
});
