import { describe, expect, it } from 'vitest';

import { evaluateFormula, type FormulaHost, shiftFormula, type Value } from '../../../addin/workbook/memory/formula.js';

/** A sheet as a map "row,col" → value (0-based), plus optional formulas and hidden/filtered rows. */
function host(
  cells: Record<string, Value>,
  extra: Partial<FormulaHost> & { formulas?: Record<string, string> } = {},
): FormulaHost & { date1904?: boolean } {
  return {
    valueAt: (_s, r, c) => cells[`${r},${c}`] ?? null,
    tableColumn: (t, column) =>
      (t === null || t === 'Orders') && column === 'Sales' ? { sheet: 'Sheet1', col: 1, firstRow: 1, lastRow: 4 } : null,
    formulaAt: (_s, r, c) => extra.formulas?.[`${r},${c}`],
    ...extra,
  };
}
const ev = (f: string, h: FormulaHost = host({}), row = 0, col = 0) => evaluateFormula(f, h, 'Sheet1', row, col);

describe('evaluateFormula', () => {
  it('keeps what worked: arithmetic, references, SUM/IF/LEN', () => {
    const h = host({ '0,0': 2, '1,0': 3, '2,0': 'x' });
    expect(ev('=1+2*3', h)).toBe(7);
    expect(ev('=SUM(A1:A3)', h)).toBe(5);
    expect(ev('=IF(A1>1,"big","small")', h)).toBe('big');
    expect(ev('=LEN("abc")', h)).toBe(3);
    expect(ev('=NOPE(1)', h)).toEqual({ error: '#NAME?' });
    expect(shiftFormula('=A1+$B$2', 2, 1)).toBe('=B3+$B$2');
  });

  it('N: numbers stay, TRUE/FALSE are 1/0, text and empty cells are 0 (the highlight rule =N("…")=0 is TRUE)', () => {
    const h = host({ '0,0': 7, '1,0': true, '2,0': 'x' });
    expect([ev('=N(A1)', h), ev('=N(A2)', h), ev('=N(A3)', h), ev('=N(A4)', h)]).toEqual([7, 1, 0, 0]);
    expect(ev('=N("tableau-excel: changed by the last refresh")=0', h)).toBe(true);
    expect(ev('=N(1,2)', h)).toEqual({ error: '#VALUE!' });
  });

  it('DATE(2000,1,1) = 36526 in the 1900 system and 35064 in the 1904 system', () => {
    expect(ev('=DATE(2000,1,1)')).toBe(36526);
    expect(ev('=DATE(2000,1,1)', { ...host({}), date1904: true })).toBe(35064);
  });

  it('DATE models the 1900 leap-year bug and overflowing months/days', () => {
    expect(ev('=DATE(1900,2,28)')).toBe(59);
    expect(ev('=DATE(1900,2,29)')).toBe(60);
    expect(ev('=DATE(1900,3,1)')).toBe(61);
    expect(ev('=DATE(1900,3,0)')).toBe(60);
    expect(ev('=DATE(2024,13,1)')).toBe(ev('=DATE(2025,1,1)'));
    expect(ev('=DATE(2024,1,0)')).toBe(ev('=DATE(2023,12,31)'));
    expect(ev('=DATE(100,1,1)')).toBe(ev('=DATE(2000,1,1)'));
    expect(ev('=DATE(-1,1,1)')).toEqual({ error: '#NUM!' });
    expect(ev('=DATE(10000,1,1)')).toEqual({ error: '#NUM!' });
    expect(ev('=DATE(1900,1,-1)')).toEqual({ error: '#NUM!' });
    expect(ev('=DATE(1903,12,31)', { ...host({}), date1904: true })).toEqual({ error: '#NUM!' });
  });

  it('YEAR/MONTH/DAY read serials in the workbook date system', () => {
    expect([ev('=YEAR(45296)'), ev('=MONTH(45296)'), ev('=DAY(45296)')]).toEqual([2024, 1, 5]);
    expect([ev('=MONTH(60)'), ev('=DAY(60)')]).toEqual([2, 29]);
    const h1904 = { ...host({}), date1904: true };
    expect([ev('=YEAR(0)', h1904), ev('=MONTH(0)', h1904), ev('=DAY(0)', h1904)]).toEqual([1904, 1, 1]);
    expect(ev('=YEAR(DATE(2024,1,5))', h1904)).toBe(2024);
    expect(ev('=YEAR(-1)')).toEqual({ error: '#NUM!' });
  });

  describe('SUBTOTAL', () => {
    // B2:B5 = 10, 20, "n/a", 40; row 2 (B3) hidden by hand, row 3 (B4) filtered out.
    const cells = { '1,1': 10, '2,1': 20, '3,1': 'n/a', '4,1': 40 };
    const plain = host(cells);
    const hidden = host(cells, { isRowHidden: (_s, r) => r === 2 || r === 3, isRowFiltered: (_s, r) => r === 3 });

    it('9/109 = SUM, 1/101 = AVERAGE, 2/102 = COUNT, 3/103 = COUNTA', () => {
      expect(ev('=SUBTOTAL(9,B2:B5)', plain)).toBe(70);
      expect(ev('=SUBTOTAL(109,B2:B5)', plain)).toBe(70);
      expect(ev('=SUBTOTAL(1,B2:B5)', plain)).toBeCloseTo(70 / 3);
      expect(ev('=SUBTOTAL(101,B2:B5)', plain)).toBeCloseTo(70 / 3);
      expect(ev('=SUBTOTAL(2,B2:B5)', plain)).toBe(3);
      expect(ev('=SUBTOTAL(102,B2:B5)', plain)).toBe(3);
      expect(ev('=SUBTOTAL(3,B2:B5)', plain)).toBe(4);
      expect(ev('=SUBTOTAL(103,B2:B5)', plain)).toBe(4);
      expect(ev('=SUBTOTAL(9,B2:B3,B5)', plain)).toBe(70);
      expect(ev('=SUBTOTAL(104,B2:B5)', plain)).toBe(40);
      expect(ev('=SUBTOTAL(5,B2:B5)', plain)).toBe(10);
      expect(ev('=SUBTOTAL(104,B2:B5)', host(cells, { isRowHidden: (_s, r) => r === 4 }))).toBe(20);
    });

    it('1xx leave out hidden rows; both leave out filtered rows', () => {
      expect(ev('=SUBTOTAL(109,B2:B5)', hidden)).toBe(50);
      expect(ev('=SUBTOTAL(9,B2:B5)', hidden)).toBe(70); // the hidden 20 counts, the filtered "n/a" is text anyway
      expect(ev('=SUBTOTAL(103,B2:B5)', hidden)).toBe(2);
      expect(ev('=SUBTOTAL(3,B2:B5)', hidden)).toBe(3);
      expect(ev('=SUBTOTAL(101,B2:B5)', hidden)).toBe(25);
    });

    it('works over structured references (a totals row) and ignores nested SUBTOTALs', () => {
      expect(ev('=SUBTOTAL(109,Orders[Sales])', plain)).toBe(70);
      expect(ev('=SUBTOTAL(109,[Sales])', hidden)).toBe(50);
      const nested = host({ ...cells, '4,1': 999 }, { formulas: { '4,1': '=SUBTOTAL(9,B2:B4)' } });
      expect(ev('=SUBTOTAL(9,B2:B5)', nested)).toBe(30);
    });

    it('bad function numbers, non-reference arguments and empty averages are errors', () => {
      expect(ev('=SUBTOTAL(12,B2:B5)', plain)).toEqual({ error: '#VALUE!' });
      expect(ev('=SUBTOTAL(6,B2:B5)+1', plain)).toEqual({ error: '#NAME?' }); // PRODUCT: not modelled
      expect(ev('=SUBTOTAL(9,5)', plain)).toEqual({ error: '#VALUE!' });
      expect(ev('=SUBTOTAL(1,C1:C3)', plain)).toEqual({ error: '#DIV/0!' });
    });
  });
});
