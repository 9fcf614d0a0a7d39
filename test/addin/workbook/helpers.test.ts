import { describe, expect, it } from 'vitest';

import { cellAddress, columnIndex, columnLetters, parseAddress } from '../../../addin/workbook/address.js';
import { assertRootNamespace, rootNamespace, unwrapCdata, wrapInCdata } from '../../../addin/workbook/custom-xml.js';
import { columnFormat, refreshFormat, toExcelSerial } from '../../../addin/workbook/formats.js';
import { sanitizeSheetName, sanitizeTableName, uniqueSheetName, uniqueTableName } from '../../../addin/workbook/names.js';
import { headerNames, planRefresh } from '../../../addin/workbook/refresh-plan.js';
import { isFormulaLike, toExcelCell, toExcelRows } from '../../../addin/workbook/text.js';

describe('addresses', () => {
  it('converts columns and cells both ways', () => {
    expect([columnLetters(0), columnLetters(25), columnLetters(26), columnLetters(16_383)]).toEqual(['A', 'Z', 'AA', 'XFD']);
    expect(columnIndex('XFD')).toBe(16_383);
    expect(cellAddress(0, 27)).toBe('AB1');
    expect(parseAddress("'My Sheet'!$B$3:D9")).toEqual({ row: 2, col: 1, rows: 7, cols: 3 });
    expect(() => parseAddress('XFE1')).toThrow(/outside/);
    expect(() => parseAddress('hello')).toThrow(/not a cell address/);
  });
});

describe('table and sheet names', () => {
  it('sanitizes to letters, digits and underscore, never a cell reference', () => {
    expect(sanitizeTableName('Sales 2024 (EU)')).toBe('Sales_2024_EU');
    expect(sanitizeTableName('2024 sales')).toBe('T_2024_sales');
    expect(sanitizeTableName('Café')).toBe('Cafe');
    expect(sanitizeTableName('A1')).toBe('A1_');
    expect(sanitizeTableName('R1C1')).toBe('R1C1_');
    expect(sanitizeTableName('c')).toBe('c_');
    expect(sanitizeTableName('!!!')).toBe('Table');
    expect(sanitizeTableName('x'.repeat(300))).toHaveLength(255);
    expect(sanitizeTableName('XFE1')).toBe('XFE1');
  });
  it('makes names unique case-insensitively', () => {
    expect(uniqueTableName('Sales', ['sales', 'SALES_2'])).toBe('Sales_3');
    expect(uniqueTableName('x'.repeat(300), ['x'.repeat(255)])).toBe(`${'x'.repeat(253)}_2`);
    expect(sanitizeSheetName("'Q1: [draft]/final?'")).toBe('Q1 draft final');
    expect(sanitizeSheetName('History')).toBe('History 1');
    expect(uniqueSheetName('Sales', ['sales'])).toBe('Sales (2)');
    expect(uniqueSheetName('y'.repeat(40), ['y'.repeat(31)])).toBe(`${'y'.repeat(27)} (2)`);
  });
});

describe('injection-safe text', () => {
  it('flags formula-like strings', () => {
    for (const s of ['=1+1', '+1', '-A1', '@SUM(A1)', '\tx', '\rx']) expect(isFormulaLike(s)).toBe(true);
    for (const s of ['', 'a=b', 'plain']) expect(isFormulaLike(s)).toBe(false);
  });
  it('writes text columns as-is (they are "@"), quote-prefixes every string elsewhere, clears nulls', () => {
    expect(toExcelCell('=HYPERLINK("x")', true).value).toBe('=HYPERLINK("x")');
    expect(toExcelCell("'quoted", true).value).toBe("''quoted");
    expect(toExcelCell('=HYPERLINK("x")', false).value).toBe('\'=HYPERLINK("x")');
    // whatever Excel would coerce in any locale stays the string it was
    for (const s of ['00123', '2024-01-05', 'TRUE', '15-Feb', '12:30', '(123)', 'Jan 5', '$1,234', '1234567890123456789', 'hello'])
      expect(toExcelCell(s, false).value).toBe(`'${s}`);
    expect(toExcelCell(null, false).value).toBe('');
    expect(toExcelCell(Number.NaN, false).value).toBe('');
    expect(toExcelCell(1.5, true).value).toBe(1.5);
    const long = toExcelCell('x'.repeat(40_000), true);
    expect([long.truncated, (long.value as string).length]).toEqual([true, 32_767]);
    // the quote prefix counts: at most 32,767 characters go to Excel
    const prefixed = toExcelCell('x'.repeat(32_767), false);
    expect([prefixed.truncated, (prefixed.value as string).length]).toEqual([true, 32_767]);
    expect(toExcelRows([['a'], ['b', 2], ['y'.repeat(33_000), 3]], [true, false])).toEqual({
      rows: [
        ['a', ''],
        ['b', 2],
        ['y'.repeat(32_767), 3],
      ],
      truncated: 1,
      truncatedAt: [{ row: 2, col: 0 }],
    });
  });
});

describe('formats', () => {
  it('text is always "@", empty formats get a default by type', () => {
    expect(columnFormat({ name: 'a', type: 'text', format: 'General' })).toBe('@');
    expect(columnFormat({ name: 'a', type: 'date', format: '' })).toBe('yyyy-mm-dd');
    expect(columnFormat({ name: 'a', type: 'currency', format: '$#,##0' })).toBe('$#,##0');
  });
  it("keeps the user's format on refresh unless it no longer fits", () => {
    const cur = { name: 'a', type: 'currency' as const, format: '$#,##0' };
    expect(refreshFormat(cur, '$#,##0.000')).toBe('$#,##0.000');
    expect(refreshFormat(cur, 'General')).toBe('$#,##0');
    expect(refreshFormat(cur, '@')).toBe('$#,##0');
    expect(refreshFormat({ name: 't', type: 'text', format: '@' }, '0.00')).toBe('@');
  });
  it('converts local time to Excel serials', () => {
    expect(toExcelSerial(new Date(1900, 2, 1))).toBe(61);
    expect(toExcelSerial(new Date(2024, 0, 2, 18, 0, 0))).toBe(45293.75);
  });
});

describe('documents', () => {
  it('reads the root namespace and round-trips CDATA, even with "]]>" inside', () => {
    const xml = wrapInCdata('defs', 'urn:x', '{"a":"]]>"}');
    expect(rootNamespace(xml)).toBe('urn:x');
    expect(unwrapCdata(xml)).toBe('{"a":"]]>"}');
    expect(rootNamespace("<!-- c --><r a='1' xmlns='urn:y'/>")).toBe('urn:y');
    expect(() => assertRootNamespace('urn:x', '<defs/>')).toThrow(/xmlns/);
  });
});

describe('refresh plan', () => {
  const col = (name: string) => ({ name, type: 'decimal' as const, format: '0' });
  it('maps by name, appends new columns, reports removed and kept ones', () => {
    const plan = planRefresh({
      headers: ['Region', 'Sales', 'Old', 'My calc'],
      tableRows: 4,
      placeholderRow: false,
      columns: [col('sales'), col('Region'), col('New')],
      incomingRows: 2,
      opts: { mode: 'replace', previousColumns: ['Region', 'Sales', 'Old'] },
    });
    expect(plan).toMatchObject({
      tableCols: [1, 0, 4],
      added: ['New'],
      removed: ['Old'],
      kept: ['My calc'],
      newRows: 2,
      tableRows: 2,
      tableWidth: 5,
      writeRowOffset: 0,
    });
  });
  it('appends below existing rows, ignoring the placeholder row of an empty table', () => {
    expect(
      planRefresh({
        headers: ['A'],
        tableRows: 3,
        placeholderRow: false,
        columns: [col('A')],
        incomingRows: 2,
        opts: { mode: 'append', timestampColumn: 'At' },
      }),
    ).toMatchObject({ writeRowOffset: 3, newRows: 5, added: ['At'] });
    expect(
      planRefresh({ headers: ['A'], tableRows: 1, placeholderRow: true, columns: [col('A')], incomingRows: 2, opts: { mode: 'append' } }),
    ).toMatchObject({ writeRowOffset: 0, newRows: 2 });
  });
  it('rejects duplicate source column names and makes new headers unique', () => {
    expect(() =>
      planRefresh({
        headers: [],
        tableRows: 1,
        placeholderRow: true,
        columns: [col('A'), col('a')],
        incomingRows: 0,
        opts: { mode: 'replace' },
      }),
    ).toThrow(/same name/);
    expect(headerNames([col('A'), col('a'), col(' '), col('x\ny')])).toEqual(['A', 'a2', 'Column3', 'x y']);
  });
});
