import { describe, expect, it } from 'vitest';

import { excelSerial, excelSerialToParts, formatExcelSerial, isValidDate } from '../../common/typed-values.js';

describe('excelSerial', () => {
  it('matches the serials Excel shows', () => {
    expect(excelSerial(2024, 1, 5)).toBe(45296);
    expect(excelSerial(1970, 1, 1)).toBe(25569);
    expect(excelSerial(2000, 2, 29)).toBe(36585);
    expect(excelSerial(9999, 12, 31)).toBe(2958465);
  });

  it('follows the 1900 leap-year bug only below serial 61', () => {
    expect(excelSerial(1900, 1, 1)).toBe(1);
    expect(excelSerial(1900, 2, 28)).toBe(59);
    expect(excelSerial(1900, 3, 1)).toBe(61);
  });

  it('counts early-1900 date-times from 1899-12-31 too, and reads them back', () => {
    expect(excelSerial(1900, 1, 1, 6)).toBe(1.25);
    expect(excelSerial(1900, 2, 28, 12)).toBe(59.5);
    expect(excelSerial(1900, 3, 1, 18)).toBe(61.75);
    expect(excelSerialToParts(59.5)).toEqual({ year: 1900, month: 2, day: 28, hour: 12, minute: 0, second: 0 });
    expect(formatExcelSerial(1, false)).toBe('1900-01-01');
  });

  it('adds the time of day as a fraction', () => {
    expect(excelSerial(2024, 1, 5, 12, 0, 0)).toBe(45296.5);
    expect(excelSerial(2024, 1, 5, 13, 45, 0)).toBeCloseTo(45296 + (13 * 60 + 45) / 1440, 12);
  });

  it('answers NaN for dates Excel cannot show', () => {
    expect(excelSerial(1899, 12, 31)).toBeNaN();
    expect(excelSerial(10000, 1, 1)).toBeNaN();
  });

  it('round-trips through excelSerialToParts and formats', () => {
    for (const [y, m, d] of [
      [1900, 1, 1],
      [1900, 2, 28],
      [1900, 3, 1],
      [2024, 2, 29],
      [2024, 12, 31],
    ]) {
      const p = excelSerialToParts(excelSerial(y, m, d, 23, 59, 59));
      expect([p.year, p.month, p.day, p.hour, p.minute, Math.round(p.second)]).toEqual([y, m, d, 23, 59, 59]);
    }
    expect(formatExcelSerial(45296.5, true)).toBe('2024-01-05 12:00:00');
    expect(formatExcelSerial(45296, false)).toBe('2024-01-05');
  });

  it('validates calendar dates', () => {
    expect(isValidDate(2024, 2, 29)).toBe(true);
    expect(isValidDate(2023, 2, 29)).toBe(false);
    expect(isValidDate(1900, 2, 29)).toBe(false);
    expect(isValidDate(2024, 13, 1)).toBe(false);
  });
});
