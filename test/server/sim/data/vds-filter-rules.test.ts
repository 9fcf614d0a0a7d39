/**
 * The 2026.1 relaxation of SET, MATCH and relative DATE filters (server/sim/data/vds/filters.ts
 * filterFieldProblem): every request here is valid against Tableau's official OpenAPI schema of both
 * 2025.3 (20253.0) and 2026.1 (20261.0) — server/vds/schemas, the files of tableau/VizQL-Data-Service —
 * so the difference is the server's rule: 2025.3 answers 400803, 2026.1 runs the filter.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { validateVdsRequest } from '../../../../server/vds/index.js';
import { buildApp, type FakeState } from './fake-host.js';

const state: FakeState = { version: '2026.1.0', vds: true };
const app = buildApp(state, { datasources: [{ id: 'ds1', name: 'Superstore', dataKey: 'superstore-orders', apiAccess: true }] });
beforeAll(() => app.ready());
afterAll(() => app.close());
beforeEach(() => {
  state.version = '2026.1.0';
});

type Row = Record<string, unknown>;
const request = (query: object) => ({ datasource: { datasourceLuid: 'ds1' }, query });
const run = async (query: object) => {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/vizql-data-service/query-datasource',
    headers: { 'x-tableau-auth': 'good' },
    payload: request(query),
  });
  return { status: res.statusCode, body: res.json() as { data?: Row[]; errorCode?: string; message?: string } };
};
const values = (rows: Row[] | undefined, key: string) => [...new Set((rows ?? []).map((r) => r[key]))].sort();

const BY_REGION = { fields: [{ fieldCaption: 'Region' }, { fieldCaption: 'Quantity', function: 'SUM' }] };
const BY_YEAR = {
  fields: [
    { fieldCaption: 'Order Date', function: 'YEAR' },
    { fieldCaption: 'Sales', function: 'SUM' },
  ],
};

/** Each relaxed filter with the query it runs in and what 2026.1 must keep. */
const RELAXED: Array<{ name: string; query: object; key: string; keeps: (all: unknown[]) => unknown[] }> = [
  {
    name: 'SET on a function (YEAR of Order Date)',
    query: { ...BY_YEAR, filters: [{ field: { fieldCaption: 'Order Date', function: 'YEAR' }, filterType: 'SET', values: [2023] }] },
    key: 'YEAR(Order Date)',
    keeps: () => [2023],
  },
  {
    name: 'SET on a calculation',
    query: { ...BY_REGION, filters: [{ field: { calculation: 'UPPER([Region])' }, filterType: 'SET', values: ['EAST', 'WEST'] }] },
    key: 'Region',
    keeps: () => ['East', 'West'],
  },
  {
    name: 'relative DATE on a function (TRUNC_MONTH of Order Date)',
    query: {
      ...BY_YEAR,
      filters: [
        {
          field: { fieldCaption: 'Order Date', function: 'TRUNC_MONTH' },
          filterType: 'DATE',
          periodType: 'YEARS',
          dateRangeType: 'CURRENT',
          anchorDate: '2022-06-15',
        },
      ],
    },
    key: 'YEAR(Order Date)',
    keeps: () => [2022],
  },
  {
    name: 'MATCH on a calculation',
    query: { ...BY_REGION, filters: [{ field: { calculation: 'LOWER([Region])' }, filterType: 'MATCH', startsWith: 'we' }] },
    key: 'Region',
    keeps: () => ['West'],
  },
];

describe('functions and calculations in set, match and date filters', () => {
  it.each(RELAXED)('$name: valid in both official schemas, refused by 2025.3, run by 2026.1', async ({ query, key, keeps }) => {
    for (const version of ['20253.0', '20261.0'] as const)
      expect(validateVdsRequest(version, 'query-datasource', request(query))).toEqual({ ok: true });
    state.version = '2025.3.0';
    const old = await run(query);
    expect(old.status).toBe(400);
    expect(old.body).toMatchObject({ errorCode: '400803', message: expect.stringContaining("can't have functions or calculations") });
    state.version = '2026.1.0';
    const now = await run(query);
    expect(now.status).toBe(200);
    const unfiltered = await run({ fields: (query as { fields: object[] }).fields });
    const all = values(unfiltered.body.data, key);
    expect(values(now.body.data, key)).toEqual(keeps(all));
    expect(all.length).toBeGreaterThan(keeps(all).length);
  });

  it('2026.1 runs a SET filter on an aggregate as a filter on the output groups', async () => {
    const all = (await run(BY_REGION)).body.data!;
    const central = all.find((r) => r.Region === 'Central')!['SUM(Quantity)'];
    const query = {
      ...BY_REGION,
      filters: [{ field: { fieldCaption: 'Quantity', function: 'SUM' }, filterType: 'SET', values: [central] }],
    };
    expect(validateVdsRequest('20261.0', 'query-datasource', request(query))).toEqual({ ok: true });
    expect((await run(query)).body.data).toEqual([{ Region: 'Central', 'SUM(Quantity)': central }]);
  });

  it('MATCH still refuses a function on 2026.1 (only a field or a calculation), though both schemas allow it', async () => {
    const query = {
      ...BY_YEAR,
      filters: [{ field: { fieldCaption: 'Customer Name', function: 'MIN' }, filterType: 'MATCH', contains: 'a' }],
    };
    for (const version of ['20253.0', '20261.0'] as const)
      expect(validateVdsRequest(version, 'query-datasource', request(query))).toEqual({ ok: true });
    for (const version of ['2025.3.0', '2026.1.0']) {
      state.version = version;
      expect((await run(query)).body).toMatchObject({ errorCode: '400803' });
    }
  });

  it('an answer cached on 2026.1 is not served to the same query on 2025.3', async () => {
    const query = RELAXED[1].query;
    expect((await run(query)).status).toBe(200);
    state.version = '2025.3.0';
    expect((await run(query)).body).toMatchObject({ errorCode: '400803' });
  });
});
