import { describe, expect, it } from 'vitest';

import { typeColumn } from './helpers.js';

describe('numbers from formatted CSV text (en-US)', () => {
  it('currency without decimals: "$45,047" → 45047, $#,##0', () => {
    expect(typeColumn(['$45,047', '$39,176', '$5'])).toEqual({
      spec: { name: 'C', type: 'currency', format: '$#,##0' },
      values: [45047, 39176, 5],
    });
  });

  it('currency with cents: "$1,234.50" → 1234.5, $#,##0.00', () => {
    const t = typeColumn(['$1,234.50', '$711.83']);
    expect(t.spec).toMatchObject({ type: 'currency', format: '$#,##0.00' });
    expect(t.values).toEqual([1234.5, 711.83]);
  });

  it('grouped integers: "5,004" → 5004, #,##0', () => {
    expect(typeColumn(['5,004', '438', '1,234,567'])).toEqual({
      spec: { name: 'C', type: 'integer', format: '#,##0' },
      values: [5004, 438, 1234567],
    });
  });

  it('percentages: "14.4%" → 0.144 exactly, 0.0%', () => {
    const t = typeColumn(['14.4%', '9.3%', '-2.5%', '100%']);
    expect(t.spec).toMatchObject({ type: 'percentage', format: '0.0%' });
    expect(t.values).toEqual([0.144, 0.093, -0.025, 1]);
  });

  it('decimal places follow the data (max seen)', () => {
    const t = typeColumn(['1.5', '2.125', '3']);
    expect(t.spec).toMatchObject({ type: 'decimal', format: '#,##0.000' });
    expect(t.values).toEqual([1.5, 2.125, 3]);
  });

  it('negative numbers: "-1,234", "($1,234)", "-$5.00", "$-5.00", unicode minus', () => {
    expect(typeColumn(['-1,234', '1,000']).values).toEqual([-1234, 1000]);
    const paren = typeColumn(['($1,234)', '$2,000']);
    expect(paren.spec).toMatchObject({ type: 'currency', format: '$#,##0;($#,##0)' });
    expect(paren.values).toEqual([-1234, 2000]);
    expect(typeColumn(['-$5.00', '$-6.50', '\u22127.25']).values).toEqual([-5, -6.5, -7.25]);
  });

  it('euro and pound currencies', () => {
    const pound = typeColumn(['£1,234.50', '£3.00']);
    expect(pound.spec).toMatchObject({ type: 'currency', format: '"£"#,##0.00' });
    expect(pound.values).toEqual([1234.5, 3]);
    const euro = typeColumn(['€12', '€1,000']);
    expect(euro.spec).toMatchObject({ type: 'currency', format: '"€"#,##0' });
  });

  it('ungrouped 4-digit numbers keep an ungrouped format (a year is not 2,024)', () => {
    expect(typeColumn(['2024', '2023', '999'])).toEqual({ spec: { name: 'C', type: 'integer', format: '0' }, values: [2024, 2023, 999] });
  });

  it('empty cells become null and do not decide the type', () => {
    expect(typeColumn(['$5', '', '$7']).values).toEqual([5, null, 7]);
  });

  it('long digit strings keep full precision when they fit 15 digits', () => {
    expect(typeColumn(['422,610.558800001', '65,475.852700000']).values).toEqual([422610.558800001, 65475.8527]);
  });
});

describe('columns that must stay text', () => {
  it.each([
    ['ZIP codes with leading zeros', ['02134', '10001', '94105']],
    ['IDs with leading zeros', ['00123', '00124']],
    ['mixed numbers and words', ['12', 'n/a', '14']],
    ['mixed numbers and dates', ['12', '1/5/2024']],
    ['numbers with units', ['12 kg', '14 kg']],
    ['16+ digit identifiers', ['1234567890123456', '1234567890123457']],
    ['codes with dashes', ['CA-2024-1', 'CA-2024-2']],
    ['phone numbers', ['555-1234', '555-9876']],
    ['a stray text in a long numeric column', [...Array.from({ length: 50 }, (_, i) => `${i},000`), 'Total']],
  ])('%s', (_label, values) => {
    const t = typeColumn(values);
    expect(t.spec).toEqual({ name: 'C', type: 'text', format: '@' });
    expect(t.values).toEqual(values.map((v) => (v === '' ? null : v)));
  });

  it('keeps the text as written (no trimming, no formulas)', () => {
    expect(typeColumn(['=SUM(A1)', ' padded ', '+']).values).toEqual(['=SUM(A1)', ' padded ', '+']);
  });
});

describe('booleans', () => {
  it('"True"/"False" → booleans', () => {
    expect(typeColumn(['True', 'False', '', 'TRUE'])).toEqual({
      spec: { name: 'C', type: 'boolean', format: 'General' },
      values: [true, false, null, true],
    });
  });
  it('mixed with other words stays text', () => {
    expect(typeColumn(['True', 'Maybe']).spec.type).toBe('text');
  });
});
