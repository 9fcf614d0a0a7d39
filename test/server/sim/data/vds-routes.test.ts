import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { mutateDataset, resetDataset } from '../../../../server/sim/data/catalog.js';
import { buildApp, type FakeState } from './fake-host.js';

const state: FakeState = { version: '2026.1.0', vds: true };
const app = buildApp(state, {
  datasources: [
    { id: 'ds1', name: 'Superstore', dataKey: 'superstore-orders', apiAccess: true },
    { id: 'ds-noaccess', name: 'Secret', dataKey: 'superstore-orders', apiAccess: false },
  ],
});
const post = (op: string, body: unknown, token = 'good') =>
  app.inject({ method: 'POST', url: `/api/v1/vizql-data-service/${op}`, headers: { 'x-tableau-auth': token }, payload: body as object });
const ds = { datasourceLuid: 'ds1' };

beforeEach(() => {
  state.version = '2026.1.0';
  state.vds = true;
});
afterEach(async () => {
  await app.inject({ method: 'POST', url: '/_sim/data/vds/limits/reset' });
});

describe('VDS query-datasource', () => {
  it('aggregates by dimension with OBJECTS keys like Tableau', async () => {
    const res = await post('query-datasource', {
      datasource: ds,
      query: {
        fields: [
          { fieldCaption: 'Category', sortPriority: 1 },
          { fieldCaption: 'Profit', function: 'SUM' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const { data } = res.json();
    expect(data.map((r: Record<string, unknown>) => r.Category)).toEqual(['Furniture', 'Office Supplies', 'Technology']);
    expect(typeof data[0]['SUM(Profit)']).toBe('number');
  });

  it('returns ARRAYS, aliases, rounding, dates as ISO strings', async () => {
    const res = await post('query-datasource', {
      datasource: ds,
      query: {
        fields: [
          { fieldCaption: 'Order Date', function: 'TRUNC_YEAR', sortPriority: 1 },
          { fieldCaption: 'Sales', function: 'AVG', maxDecimalPlaces: 1 },
          { fieldCaption: 'Order Timestamp', function: 'MAX' },
        ],
      },
      options: { returnFormat: 'ARRAYS' },
    });
    const { data } = res.json();
    expect(data).toHaveLength(4);
    expect(data[0][0]).toBe('2021-01-01');
    expect(String(data[0][1])).toMatch(/^\d+(\.\d)?$/);
    expect(data[0][2]).toMatch(/^2021-12-\d\dT\d\d:\d\d:\d\d$/);
  });

  it('rejects rowLimit on 2025.3 with 400802 and applies it on 2026.1', async () => {
    const body = { datasource: ds, query: { fields: [{ fieldCaption: 'Order ID' }] }, options: { rowLimit: 7 } };
    expect((await post('query-datasource', body)).json().data).toHaveLength(7);
    state.version = '2025.3.0';
    const res = await post('query-datasource', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errorCode: '400802', message: expect.stringContaining('rowLimit') });
    expect(res.json().datetime).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('answers Unknown Field in the VDS error shape', async () => {
    const res = await post('query-datasource', { datasource: ds, query: { fields: [{ fieldCaption: 'Foobar' }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errorCode: '400803', message: 'Unknown Field: Foobar.' });
  });

  it('answers 403800 without API Access, 404 when VDS is off, 401 without a token', async () => {
    expect(
      (
        await post('query-datasource', { datasource: { datasourceLuid: 'ds-noaccess' }, query: { fields: [{ fieldCaption: 'Region' }] } })
      ).json().errorCode,
    ).toBe('403800');
    expect((await post('read-metadata', { datasource: ds }, 'bad')).statusCode).toBe(401);
    state.vds = false;
    expect((await post('read-metadata', { datasource: ds })).statusCode).toBe(404);
  });

  it('answers 400804 above the row cap and 429000 above the hourly quota', async () => {
    await app.inject({ method: 'POST', url: '/_sim/data/vds/limits', payload: { maxRows: 100, queriesPerHour: 2 } });
    const big = await post('query-datasource', { datasource: ds, query: { fields: [{ fieldCaption: 'Row ID' }] } });
    expect(big.json().errorCode).toBe('400804');
    await post('query-datasource', { datasource: ds, query: { fields: [{ fieldCaption: 'Region' }] } });
    const limited = await post('query-datasource', { datasource: ds, query: { fields: [{ fieldCaption: 'Region' }] } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().errorCode).toBe('429000');
  });
});

describe('VDS query cache', () => {
  afterEach(() => resetDataset('superstore-orders'));
  const body = {
    datasource: ds,
    query: {
      fields: [
        { fieldCaption: 'Region', sortPriority: 1 },
        { fieldCaption: 'Sales', function: 'SUM' },
      ],
    },
    options: { returnFormat: 'ARRAYS' },
  };

  it('answers a repeated query with the same bytes, and a changed data version with new values', async () => {
    const first = await post('query-datasource', body);
    const again = await post('query-datasource', {
      ...body,
      query: {
        fields: [
          { sortPriority: 1, fieldCaption: 'Region' },
          { function: 'SUM', fieldCaption: 'Sales' },
        ],
      },
    });
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    mutateDataset('superstore-orders', { salesFactor: 2 });
    const changed = (await post('query-datasource', body)).json().data;
    const before = first.json().data;
    expect(changed.map((r: unknown[]) => r[0])).toEqual(before.map((r: unknown[]) => r[0]));
    // Twice the sales of a new data version (extract refresh values move too): far above the cached answer.
    expect(changed[0][1]).toBeGreaterThan(before[0][1] * 1.5);
    // Back to version 0 then a different change: the stamp never repeats, so no stale answer.
    resetDataset('superstore-orders');
    mutateDataset('superstore-orders', { salesFactor: 3 });
    expect((await post('query-datasource', body)).json().data[0][1]).toBeGreaterThan(changed[0][1] * 1.3);
  });

  it('still applies the size limit and the quota to cached answers', async () => {
    expect((await post('query-datasource', body)).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/_sim/data/vds/limits', payload: { maxRows: 2 } });
    const res = await post('query-datasource', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().errorCode).toBe('400804');
  });
});

describe('VDS read-metadata by version', () => {
  it('grows FieldMetadata per schema version', async () => {
    state.version = '2025.1.0';
    const v1 = (await post('read-metadata', { datasource: ds })).json();
    expect(Object.keys(v1.data[0]).sort()).toEqual(['dataType', 'fieldCaption', 'fieldName', 'logicalTableId']);
    expect(v1.extraData).toBeUndefined();
    state.version = '2025.2.0';
    expect((await post('read-metadata', { datasource: ds })).json().data[0].defaultAggregation).toBeDefined();
    state.version = '2025.3.0';
    const v3 = (await post('read-metadata', { datasource: ds })).json();
    expect(v3.data.find((f: { fieldCaption: string }) => f.fieldCaption === 'Profit Ratio')).toMatchObject({
      columnClass: 'CALCULATION',
      formula: 'SUM([Profit])/SUM([Sales])',
    });
    expect(v3.extraData.parameters.map((p: { parameterCaption: string }) => p.parameterCaption)).toContain('Top Customers');
    state.version = '2026.1.0';
    const v4 = (await post('read-metadata', { datasource: ds })).json();
    expect(v4.data.find((f: { fieldCaption: string }) => f.fieldCaption === 'Sales')).toMatchObject({
      fieldRole: 'MEASURE',
      fieldType: 'CONTINUOUS',
      hidden: false,
    });
  });

  it('offers get-datasource-model from 2025.3 and list-supported-functions from 2026.1', async () => {
    state.version = '2025.1.0';
    expect((await post('get-datasource-model', { datasource: ds })).statusCode).toBe(404);
    state.version = '2025.3.0';
    expect((await post('get-datasource-model', { datasource: ds })).json().logicalTables).toHaveLength(2);
    expect((await post('list-supported-functions', { datasource: ds })).statusCode).toBe(404);
    state.version = '2026.1.0';
    expect((await post('list-supported-functions', { datasource: ds })).json().map((f: { name: string }) => f.name)).toContain('SUM');
  });
});

describe('VDS errors as Tableau answers them (vds_error_codes.html, TableauError in the OpenAPI schema)', () => {
  const query = { fields: [{ fieldCaption: 'Region' }] };

  it('a data source LUID that does not exist: 404 in the VDS shape, {errorCode, message, datetime} only', async () => {
    const res = await post('query-datasource', { datasource: { datasourceLuid: 'deleted-ds' }, query });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['datetime', 'errorCode', 'message']);
    expect(body).toMatchObject({ errorCode: '404000', message: expect.stringContaining('deleted-ds') });
    expect((await post('read-metadata', { datasource: { datasourceLuid: 'deleted-ds' } })).json().errorCode).toBe('404000');
  });

  it('adds debug details only when the request asks for them (options.debug)', async () => {
    const res = await post('query-datasource', { datasource: { datasourceLuid: 'deleted-ds' }, query, options: { debug: true } });
    expect(res.json().debug).toEqual({ details: { detail: expect.stringContaining('deleted-ds') } });
  });

  it('VDS switched off: a 404 that is not a VDS error (no errorCode), whatever the data source', async () => {
    state.vds = false;
    for (const luid of ['ds1', 'deleted-ds']) {
      const res = await post('query-datasource', { datasource: { datasourceLuid: luid }, query });
      expect(res.statusCode).toBe(404);
      expect(res.json().errorCode).toBeUndefined();
    }
  });

  it('an endpoint newer than the server: 404950 "API endpoint not found" in the VDS shape, after authentication', async () => {
    state.version = '2025.1.0';
    const res = await post('get-datasource-model', { datasource: ds });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ errorCode: '404950', message: expect.stringContaining('get-datasource-model') });
    expect((await post('get-datasource-model', { datasource: ds }, 'bad')).statusCode).toBe(401);
  });

  it('a bad token: 401 with 401002 in the VDS shape', async () => {
    const res = await post('read-metadata', { datasource: ds }, 'bad');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ errorCode: '401002', message: expect.any(String) });
  });

  it('answers each modelled situation with its code and status (all but 404000 from vds_error_codes.html)', async () => {
    state.version = '2025.3.0';
    const answers = [
      await post('query-datasource', { datasource: { datasourceLuid: 'deleted-ds' }, query }),
      await post('query-datasource', { datasource: { datasourceLuid: 'ds-noaccess' }, query }),
      await post('query-datasource', { datasource: ds, query: { fields: [{ fieldCaption: 'Foobar' }] } }),
      await post('query-datasource', { datasource: ds, query, options: { rowLimit: 1 } }),
      await post('list-supported-functions', { datasource: ds }),
    ];
    const seen = answers.map((r) => [r.statusCode, r.json().errorCode]);
    expect(seen).toEqual([
      [404, '404000'],
      [403, '403800'],
      [400, '400803'],
      [400, '400802'],
      [404, '404950'],
    ]);
  });
});
