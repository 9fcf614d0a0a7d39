import { describe, expect, it } from 'vitest';

import { schemaVersionFor, validateVdsRequest, VDS_SCHEMA_VERSIONS, type VdsSchemaVersion } from '../../../server/vds/index.js';

const datasource = { datasourceLuid: '2d935df8-fe7e-4fd8-bb14-35eb4ba31d45' };
const query = (q: Record<string, unknown>, options?: Record<string, unknown>) => ({
  datasource,
  query: q,
  ...(options ? { options } : {}),
});
const withFilter = (filter: Record<string, unknown>) => query({ fields: [{ fieldCaption: 'Region' }], filters: [filter] });

const filtersOfEveryKind: Record<string, Record<string, unknown>> = {
  SET: { field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['East', null], exclude: true },
  MATCH: { field: { fieldCaption: 'Customer Name' }, filterType: 'MATCH', startsWith: 'A', exclude: false },
  QUANTITATIVE_NUMERICAL: {
    field: { fieldCaption: 'Sales', function: 'SUM' },
    filterType: 'QUANTITATIVE_NUMERICAL',
    quantitativeFilterType: 'RANGE',
    min: 10,
    max: 100.5,
    includeNulls: true,
  },
  QUANTITATIVE_DATE: {
    field: { fieldCaption: 'Order Date' },
    filterType: 'QUANTITATIVE_DATE',
    quantitativeFilterType: 'MIN',
    minDate: '2024-01-01',
  },
  DATE: {
    field: { fieldCaption: 'Order Date' },
    filterType: 'DATE',
    periodType: 'MONTHS',
    dateRangeType: 'LASTN',
    rangeN: 3,
    anchorDate: '2024-06-30',
  },
  TOP: {
    field: { fieldCaption: 'Customer Name' },
    filterType: 'TOP',
    howMany: 5,
    direction: 'BOTTOM',
    fieldToMeasure: { fieldCaption: 'Sales', function: 'SUM' },
    context: true,
  },
  CALC_FIELD: { field: { calculation: '[Sales] * 2' }, filterType: 'QUANTITATIVE_NUMERICAL', quantitativeFilterType: 'ONLY_NON_NULL' },
};

describe('validateVdsRequest', () => {
  for (const version of VDS_SCHEMA_VERSIONS) {
    for (const [kind, filter] of Object.entries(filtersOfEveryKind)) {
      it(`accepts a ${kind} filter on ${version}`, () => {
        expect(validateVdsRequest(version, 'query-datasource', withFilter(filter))).toEqual({ ok: true });
      });
    }
    it(`accepts read-metadata on ${version}`, () => {
      expect(validateVdsRequest(version, 'read-metadata', { datasource })).toEqual({ ok: true });
    });
  }

  it('accepts measures, calculations, aliases and sorting', () => {
    const body = query(
      {
        fields: [
          { fieldCaption: 'Category', sortDirection: 'ASC', sortPriority: 1 },
          { fieldCaption: 'Sales', function: 'SUM', fieldAlias: 'Revenue', maxDecimalPlaces: 2 },
          { fieldCaption: 'Ratio', calculation: 'SUM([Profit])/SUM([Sales])' },
        ],
      },
      { returnFormat: 'ARRAYS', disaggregate: false, debug: true },
    );
    for (const v of VDS_SCHEMA_VERSIONS) expect(validateVdsRequest(v, 'query-datasource', body)).toEqual({ ok: true });
  });

  it('accepts query parameters from 20253.0 on, and rejects them on 20251.0', () => {
    const body = query({ fields: [{ fieldCaption: 'Region' }], parameters: [{ parameterCaption: 'Top N', value: 5 }] });
    expect(validateVdsRequest('20253.0', 'query-datasource', body).ok).toBe(true);
    expect(validateVdsRequest('20261.0', 'query-datasource', body).ok).toBe(true);
    const old = validateVdsRequest('20251.0', 'query-datasource', body);
    expect(old).toEqual({ ok: false, errors: [expect.stringContaining('unknown property "parameters"')] });
  });

  it('names the field and the allowed values of an unknown function', () => {
    const body = query({ fields: [{ fieldCaption: 'Region' }, { fieldCaption: 'Sales', function: 'SUMX' }] });
    const result = validateVdsRequest('20261.0', 'query-datasource', body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^query\.fields\[1\]\.function \("Sales"\) must be one of SUM, AVG, MEDIAN, .* \(got "SUMX"\)$/);
  });

  it('rejects rowLimit before 20261.0 and accepts it on 20261.0', () => {
    const body = query({ fields: [{ fieldCaption: 'Region' }] }, { rowLimit: 100 });
    expect(validateVdsRequest('20253.0', 'query-datasource', body)).toEqual({
      ok: false,
      errors: ['options has an unknown property "rowLimit" (not allowed by VizQL Data Service schema 20253.0)'],
    });
    expect(validateVdsRequest('20261.0', 'query-datasource', body)).toEqual({ ok: true });
    expect(validateVdsRequest('20261.0', 'query-datasource', query({ fields: [{ fieldCaption: 'Region' }] }, { rowLimit: 0 })).ok).toBe(
      false,
    );
  });

  it('rejects a CONDITION filter on 20253.0 and accepts it on 20261.0', () => {
    const filter = {
      field: { fieldCaption: 'Customer Name' },
      filterType: 'CONDITION',
      condition: { fieldCaption: 'Sales', function: 'SUM', comparison: '>', value: 1000 },
    };
    const old = validateVdsRequest('20253.0', 'query-datasource', withFilter(filter));
    expect(old.ok).toBe(false);
    if (!old.ok) expect(old.errors[0]).toContain('query.filters[0].filterType ("Customer Name") must be one of QUANTITATIVE_DATE');
    expect(validateVdsRequest('20261.0', 'query-datasource', withFilter(filter))).toEqual({ ok: true });
  });

  it('rejects missing fields and a missing datasource', () => {
    expect(validateVdsRequest('20261.0', 'query-datasource', { datasource, query: {} })).toEqual({
      ok: false,
      errors: ['query is missing the required property "fields"'],
    });
    expect(validateVdsRequest('20251.0', 'read-metadata', {})).toEqual({
      ok: false,
      errors: ['request body is missing the required property "datasource"'],
    });
    const noCaption = validateVdsRequest('20261.0', 'query-datasource', query({ fields: [{ function: 'SUM' }] }));
    expect(noCaption).toEqual({ ok: false, errors: ['query.fields[0] is missing the required property "fieldCaption"'] });
  });

  it('rejects extra properties in fields, filters, the query and the datasource', () => {
    const cases: Array<[unknown, string]> = [
      [query({ fields: [{ fieldCaption: 'Region', colour: 'red' }] }), 'query.fields[0] ("Region") has an unknown property "colour"'],
      [withFilter({ ...filtersOfEveryKind.SET, bogus: 1 }), 'query.filters[0] ("Region") has an unknown property "bogus"'],
      [query({ fields: [{ fieldCaption: 'Region' }], limit: 3 }), 'query has an unknown property "limit"'],
      [{ datasource: { ...datasource, site: 'x' }, query: { fields: [] } }, 'datasource has an unknown property "site"'],
    ];
    for (const [body, text] of cases) {
      const r = validateVdsRequest('20261.0', 'query-datasource', body);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.join('\n')).toContain(text);
    }
  });

  it('rejects wrong types and bad dates in plain words', () => {
    const r1 = validateVdsRequest('20261.0', 'query-datasource', withFilter({ ...filtersOfEveryKind.TOP, howMany: 'five' }));
    expect(r1).toEqual({ ok: false, errors: ['query.filters[0].howMany ("Customer Name") must be a whole number (got "five")'] });
    const r2 = validateVdsRequest(
      '20261.0',
      'query-datasource',
      withFilter({ ...filtersOfEveryKind.QUANTITATIVE_DATE, minDate: '2024-13-01' }),
    );
    expect(r2).toEqual({
      ok: false,
      errors: ['query.filters[0].minDate ("Order Date") must be a date like 2024-01-31 (got "2024-13-01")'],
    });
    const r3 = validateVdsRequest('20261.0', 'query-datasource', withFilter({ field: { fieldCaption: 'Region' }, filterType: 'SET' }));
    expect(r3).toEqual({ ok: false, errors: ['query.filters[0] ("Region") is missing the required property "values"'] });
  });

  it('does not offer operations a version lacks', () => {
    expect(validateVdsRequest('20253.0', 'get-datasource-model', { datasource })).toEqual({ ok: true });
    expect(validateVdsRequest('20252.0', 'get-datasource-model', { datasource }).ok).toBe(false);
    expect(validateVdsRequest('20261.0', 'list-supported-functions', { datasource })).toEqual({ ok: true });
  });

  it('rejects a non-object body without throwing', () => {
    expect(validateVdsRequest('20261.0', 'query-datasource', 'nope').ok).toBe(false);
    expect(validateVdsRequest('20261.0', 'query-datasource', null).ok).toBe(false);
  });
});

describe('schemaVersionFor', () => {
  const cases: Array<[string, VdsSchemaVersion]> = [
    ['2025.1.0', '20251.0'],
    ['2025.1.4', '20251.0'],
    ['2025.2.0', '20252.0'],
    ['2025.3.1', '20253.0'],
    ['2026.1.0', '20261.0'],
    ['2026.2.0', '20261.0'],
    ['2027.1.0', '20261.0'],
    ['main', '20261.0'],
    ['2024.2.0', '20251.0'],
  ];
  for (const [product, schema] of cases) it(`${product} → ${schema}`, () => expect(schemaVersionFor(product)).toBe(schema));
});
