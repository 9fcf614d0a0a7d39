import { describe, expect, it } from 'vitest';

import { csvTextToTypedColumns } from '../../../server/pull/csv-columns.js';
import { typeColumn } from './helpers.js';

const GERMAN = [
  'Region,Umsatz,Menge,Marge,Datum,Gewinn',
  'Süd,"1.234,56 €","5.004","14,4 %",31.12.2024,"-1.234,5"',
  'Nord,"311.783,64 €","438","9,3 %",01.02.2024,"12,25"',
].join('\n');

describe('de-DE (comma decimal)', () => {
  it('reads currency, grouped integers, percents, dates and decimals with an explicit locale', () => {
    const t = csvTextToTypedColumns(GERMAN, { locale: 'de-DE' });
    expect(t.locale).toBe('de-DE');
    expect(t.columns.map((c) => [c.type, c.format])).toEqual([
      ['text', '@'],
      ['currency', '#,##0.00 "€"'],
      ['integer', '#,##0'],
      ['percentage', '0.0 %'],
      ['date', 'dd.mm.yyyy'],
      ['decimal', '#,##0.00'],
    ]);
    expect(t.values[1]).toEqual([1234.56, 311783.64]);
    expect(t.values[2]).toEqual([5004, 438]);
    expect(t.values[3]).toEqual([0.144, 0.093]);
    expect(t.values[4]).toEqual([45657, 45323]);
    expect(t.values[5]).toEqual([-1234.5, 12.25]);
  });

  it('detects de-DE with locale auto from unambiguous values', () => {
    const t = csvTextToTypedColumns(GERMAN, { locale: 'auto' });
    expect(t.locale).toBe('de-DE');
    expect(t.values[2]).toEqual([5004, 438]);
  });

  it('resolves ambiguous "1.234" by the whole file, never per cell', () => {
    // "1.234" alone is ambiguous; the "$711.83" column proves dot-decimal, so 1.234 is a fraction.
    const en = csvTextToTypedColumns('A,B\n1.234,$711.83\n2.5,$1.00');
    expect(en.locale).toBe('en-US');
    expect(en.values[0]).toEqual([1.234, 2.5]);
    // The same "1.234" next to German values is one thousand two hundred thirty-four.
    const de = csvTextToTypedColumns('A,B\n1.234,"14,4 %"\n2.000,"1,5 %"');
    expect(de.locale).toBe('de-DE');
    expect(de.values[0]).toEqual([1234, 2000]);
  });

  it('ambiguous "1,234" with no other evidence falls back to en-US', () => {
    const t = csvTextToTypedColumns('A\n1,234\n5,678'.replace(/(\d,\d+)/g, '"$1"'));
    expect(t.locale).toBe('en-US');
    expect(t.values[0]).toEqual([1234, 5678]);
  });

  it('an explicit locale wins over the data: en-US reads "1,5 %" as text', () => {
    expect(typeColumn(['1,5 %', '2,25 %'], 'en-US').spec.type).toBe('text');
    expect(typeColumn(['1,5 %', '2,25 %'], 'de-DE').values).toEqual([0.015, 0.0225]);
  });

  it('a column that contradicts the file locale stays text', () => {
    const t = csvTextToTypedColumns('A,B\n"1,5",$2.50\n"2,75",$3.00');
    expect(t.locale).toBe('en-US');
    expect(t.columns[0].type).toBe('text');
  });

  it('rejects an unknown locale with a clear message', () => {
    expect(() => csvTextToTypedColumns('A\n1', { locale: 'xx-YY' })).toThrow(/not supported/);
    expect(() => csvTextToTypedColumns('A\n1', { locale: 'english please' })).toThrow(/not a locale/);
  });

  it('groups with spaces and apostrophes (fr-FR, de-CH)', () => {
    expect(typeColumn(['1\u202f234,5', '2\u00a0000,25'], 'fr-FR').values).toEqual([1234.5, 2000.25]);
    expect(typeColumn(["1'234.50", "2'000.00"], 'de-CH').values).toEqual([1234.5, 2000]);
  });
});
