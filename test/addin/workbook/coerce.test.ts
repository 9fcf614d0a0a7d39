import { describe, expect, it } from 'vitest';

import {
  coerceCellInput,
  type CoerceResult,
  DAYS_1904_OFFSET,
  serialFromYmd,
  ymdFromSerial,
} from '../../../addin/workbook/memory/coerce.js';

const today = new Date(2026, 5, 1); // any day in 2026
const opts = { date1904: false, today };
const general = {};
const c = (input: unknown, cell: { format?: string } = general, o: { date1904: boolean; today?: Date } = opts): CoerceResult =>
  coerceCellInput(input, cell, o);

describe('coerceCellInput: one element of a Range.values assignment, as Excel stores it', () => {
  it('null and undefined leave the cell unchanged; "" empties it', () => {
    expect(c(null)).toBe('unchanged');
    expect(c(undefined)).toBe('unchanged');
    expect(c('')).toEqual({ value: null });
  });

  it('numbers keep 15 significant digits (later digits become zeros)', () => {
    // An ID of 19 digits as the add-in receives it from JSON (1234567890123456789 parsed as a double).
    expect(c(JSON.parse('1234567890123456789') as number)).toEqual({ value: 1234567890123450000 });
    expect(c(123456789012345)).toEqual({ value: 123456789012345 });
    expect(c(0.1 + 0.2)).toEqual({ value: 0.3 });
    expect(c(-9876543210987654)).toEqual({ value: -9876543210987650 });
    expect(c(42.5)).toEqual({ value: 42.5 });
  });

  it('NaN and ±Infinity are rejected (InvalidArgument; Verify in Excel)', () => {
    for (const n of [NaN, Infinity, -Infinity, 1e308 * 10]) expect(c(n)).toMatchObject({ error: { code: 'InvalidArgument' } });
  });

  it('booleans stay booleans; "TRUE"/"false" become booleans', () => {
    expect(c(true)).toEqual({ value: true });
    expect(c(false)).toEqual({ value: false });
    expect(c('TRUE')).toEqual({ value: true });
    expect(c('false')).toEqual({ value: false });
  });

  it('strings in a cell formatted "@" stay text exactly', () => {
    for (const s of ['=1+1', '+5', '-abc', '00123', '2024-01-05', 'TRUE', '#N/A', ' 42 ', '15-Feb']) {
      expect(c(s, { format: '@' })).toEqual({ value: s });
    }
  });

  it('a leading apostrophe is a quote prefix: the value is the rest, as text (also under "@"; Verify)', () => {
    expect(c("'=quoted")).toEqual({ value: '=quoted', quotePrefix: true });
    expect(c("'00123")).toEqual({ value: '00123', quotePrefix: true });
    expect(c("'abc", { format: '@' })).toEqual({ value: 'abc', quotePrefix: true });
  });

  it('"=…" is a formula; "+…"/"-…" that are not numbers become formulas', () => {
    expect(c('=1+2*3')).toEqual({ value: null, formula: '=1+2*3' });
    expect(c('-abc')).toEqual({ value: null, formula: '=-abc' });
    expect(c('+A1')).toEqual({ value: null, formula: '=+A1' });
    expect(c('@SUM(A1:A2)')).toEqual({ value: null, formula: '=SUM(A1:A2)' });
    expect(c('+5')).toEqual({ value: 5 });
    expect(c('-5')).toEqual({ value: -5 });
    expect(c('=')).toEqual({ value: '=' });
    expect(c(`=${'1+'.repeat(5000)}1`)).toMatchObject({ error: { code: 'InvalidArgument' } });
  });

  it('numeric text: plain, thousands, exponent, percent, currency, accounting negative, trimmed, leading zeros', () => {
    expect(c('123')).toEqual({ value: 123 });
    expect(c('1,234.5')).toEqual({ value: 1234.5, format: '#,##0.00' });
    expect(c('1e3')).toEqual({ value: 1000, format: '0.00E+00' });
    expect(c('12%')).toEqual({ value: 0.12, format: '0%' });
    expect(c('12.5%')).toEqual({ value: 0.125, format: '0.00%' });
    expect(c('$1,234.50')).toEqual({ value: 1234.5, format: '$#,##0.00' });
    expect(c('(123)')).toEqual({ value: -123 });
    expect(c('($1,234.50)')).toEqual({ value: -1234.5, format: '$#,##0.00' });
    expect(c(' 42 ')).toEqual({ value: 42 });
    expect(c('00123')).toEqual({ value: 123 });
    expect(c('1234567890123456789')).toEqual({ value: 1234567890123450000 });
  });

  it('an assigned number format replaces only General, not a format the cell already has', () => {
    expect(c('12%', { format: '0.0' })).toEqual({ value: 0.12 });
    expect(c('12%', { format: 'General' })).toEqual({ value: 0.12, format: '0%' });
  });

  it('error literals become error values, read back as their string', () => {
    expect(c('#N/A')).toEqual({ value: '#N/A', valueType: 'Error' });
    expect(c('#DIV/0!')).toEqual({ value: '#DIV/0!', valueType: 'Error' });
    expect(c('#NAME?')).toEqual({ value: '#NAME?', valueType: 'Error' });
    expect(c('#hashtag')).toEqual({ value: '#hashtag' });
  });

  it('text up to 32,767 characters is kept; 32,768 is rejected (InvalidArgument; Verify)', () => {
    expect(c('x'.repeat(32_767))).toEqual({ value: 'x'.repeat(32_767) });
    expect(c('x'.repeat(32_768))).toMatchObject({ error: { code: 'InvalidArgument' } });
    expect(c(`'${'x'.repeat(32_767)}`)).toMatchObject({ error: { code: 'InvalidArgument' } });
  });

  it('everything else is text', () => {
    expect(c('abc')).toEqual({ value: 'abc' });
    expect(c('hello world')).toEqual({ value: 'hello world' });
    expect(c('2/30/2024')).toEqual({ value: '2/30/2024' });
    expect(c('2024-01-05T12:30')).toEqual({ value: '2024-01-05T12:30' });
  });
});

describe('coerceCellInput: en-US dates and times', () => {
  const y2026 = (m: number, d: number) => serialFromYmd(2026, m, d, false);

  it('ISO and month-first dates', () => {
    expect(c('2024-01-05')).toEqual({ value: 45296, format: 'yyyy-mm-dd' });
    expect(c('1/5/2024')).toEqual({ value: 45296, format: 'm/d/yyyy' });
    expect(c('1/5/24')).toEqual({ value: 45296, format: 'm/d/yyyy' });
    expect(c('1/5/99')).toEqual({ value: serialFromYmd(1999, 1, 5, false), format: 'm/d/yyyy' });
  });

  it('"Jan 5", "5-Jan", "15-Feb" and "1/5" are dates of the current year, format "d-mmm"', () => {
    expect(c('Jan 5')).toEqual({ value: y2026(1, 5), format: 'd-mmm' });
    expect(c('5-Jan')).toEqual({ value: y2026(1, 5), format: 'd-mmm' });
    expect(c('15-Feb')).toEqual({ value: y2026(2, 15), format: 'd-mmm' });
    expect(c('15-Feb', general, { date1904: false, today: new Date(2031, 0, 1) })).toEqual({
      value: serialFromYmd(2031, 2, 15, false),
      format: 'd-mmm',
    });
    expect(c('1/5')).toEqual({ value: y2026(1, 5), format: 'd-mmm' });
  });

  it('"Jan 2024" is the first of the month, "mmm-yy"; "Jan-24" is 24 January (a day first; Verify), "Jan-32" is 1932', () => {
    expect(c('Jan 2024')).toEqual({ value: 45292, format: 'mmm-yy' });
    expect(c('Jan-24')).toEqual({ value: y2026(1, 24), format: 'd-mmm' });
    expect(c('Jan-32')).toEqual({ value: serialFromYmd(1932, 1, 1, false), format: 'mmm-yy' });
    expect(c('5-Jan-2024')).toEqual({ value: 45296, format: 'd-mmm-yy' });
  });

  it('times and date-times', () => {
    expect(c('12:30')).toEqual({ value: 12.5 / 24, format: 'h:mm' });
    expect(c('12:30:15')).toEqual({ value: (12 * 3600 + 30 * 60 + 15) / 86_400, format: 'h:mm:ss' });
    expect(c('1:30 PM')).toEqual({ value: 13.5 / 24, format: 'h:mm AM/PM' });
    expect(c('12:00 AM')).toEqual({ value: 0, format: 'h:mm AM/PM' });
    expect(c('1/5/2024 12:30')).toEqual({ value: 45296 + 12.5 / 24, format: 'm/d/yyyy h:mm' });
    expect(c('25:00')).toEqual({ value: '25:00' });
  });

  it('1900 system: 1900-02-28 = 59, the fictitious 1900-02-29 = 60, 1900-03-01 = 61; before 1900 stays text', () => {
    expect(c('1900-01-01')).toMatchObject({ value: 1 });
    expect(c('1900-02-28')).toMatchObject({ value: 59 });
    expect(c('2/29/1900')).toMatchObject({ value: 60 });
    expect(c('1900-03-01')).toMatchObject({ value: 61 });
    expect(c('1899-12-31')).toEqual({ value: '1899-12-31' });
  });

  it('1904 system: 1904-01-01 = 0 and every date 1,462 smaller; no 1900-02-29', () => {
    const o1904 = { date1904: true, today };
    expect(c('1904-01-01', general, o1904)).toMatchObject({ value: 0 });
    expect(c('2024-01-05', general, o1904)).toMatchObject({ value: 45296 - DAYS_1904_OFFSET });
    expect(c('1/5/2024 12:30', general, o1904)).toMatchObject({ value: 45296 - DAYS_1904_OFFSET + 12.5 / 24 });
    expect(c('1903-12-31', general, o1904)).toEqual({ value: '1903-12-31' });
    expect(c('12:30', general, o1904)).toMatchObject({ value: 12.5 / 24 });
  });

  it('a date format replaces a non-date format but keeps a date format the cell already has (Verify)', () => {
    expect(c('2024-01-05', { format: '0.00' })).toEqual({ value: 45296, format: 'yyyy-mm-dd' });
    expect(c('2024-01-05', { format: 'dd/mm/yyyy' })).toEqual({ value: 45296 });
  });

  it('serial helpers agree with Excel around the 1900 bug', () => {
    expect(serialFromYmd(2000, 1, 1, false)).toBe(36526);
    expect(serialFromYmd(2000, 1, 1, true)).toBe(35064);
    expect(ymdFromSerial(60, false)).toEqual({ y: 1900, m: 2, d: 29 });
    expect(ymdFromSerial(61, false)).toEqual({ y: 1900, m: 3, d: 1 });
    expect(ymdFromSerial(59, false)).toEqual({ y: 1900, m: 2, d: 28 });
    expect(ymdFromSerial(0, true)).toEqual({ y: 1904, m: 1, d: 1 });
    expect(ymdFromSerial(-1, false)).toBeNull();
  });
});
