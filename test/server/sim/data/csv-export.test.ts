import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';

import { resetDataset } from '../../../../server/sim/data/catalog.js';
import { buildApp } from './fake-host.js';

const views = ['orders-by-region', 'orders-by-month', 'measure-names', 'customers', 'product-detail', 'umsatz-de'].map((k) => ({
  id: k,
  name: k,
  workbookId: 'w',
  sheetType: 'view' as const,
  dataKey: k,
}));
const app = buildApp(
  { version: '2026.1.0', vds: true },
  {
    views: [...views, { id: 'dash', name: 'Dash', workbookId: 'w', sheetType: 'dashboard', dataKey: 'orders-by-region' }],
    customViews: [{ id: 'cv1', name: 'West only', viewId: 'orders-by-region', filters: { Region: 'West' } }],
  },
);
const get = async (url: string) => app.inject({ method: 'GET', url, headers: { 'x-tableau-auth': 'good' } });
const rows = (text: string) => Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;

describe('view CSV export', () => {
  it('exports formatted summary data with BOM and CRLF', async () => {
    const res = await get('/api/3.27/sites/s1/views/orders-by-region/data');
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('\uFEFFRegion,Category,Sales,Profit,Profit Ratio,Quantity\r\n')).toBe(true);
    const data = rows(res.body);
    expect(data).toHaveLength(13);
    expect(data[1][0]).toBe('Central');
    expect(data[1][2]).toMatch(/^\$\d{1,3}(,\d{3})*$/);
    expect(data[1][4]).toMatch(/^-?\d+\.\d%$/);
    expect(res.body).toMatch(/,"\$\d{1,3},\d{3}/);
  });

  it('filters by vf_ exact values, ignores unknown fields, applies parameters', async () => {
    const east = rows((await get('/api/3.27/sites/s1/views/orders-by-region/data?vf_Region=East&vf_Nope=1')).body);
    expect(east.slice(1).every((r) => r[0] === 'East')).toBe(true);
    expect(east).toHaveLength(4);
    expect(rows((await get('/api/3.27/sites/s1/views/orders-by-region/data?vf_Region=east')).body)).toHaveLength(1);
    const all = rows((await get('/api/3.27/sites/s1/views/orders-by-region/data')).body);
    const low = rows((await get('/api/3.27/sites/s1/views/orders-by-region/data?vf_Parameters.Discount%20Threshold=0.1')).body);
    expect(low[1][5]).not.toBe(all[1][5]);
    const top5 = rows((await get('/api/3.27/sites/s1/views/customers/data?vf_Parameters.Top%20Customers=5')).body);
    expect(top5).toHaveLength(6);
  });

  it('pivots Measure Names / Measure Values like populate_csv.csv', async () => {
    const data = rows((await get('/api/3.27/sites/s1/views/measure-names/data')).body);
    expect(data[0]).toEqual([
      'Measure Names',
      'State/Province',
      'Profit Ratio',
      'Sales per Customer',
      'Distinct count of Customer Name',
      'Measure Values',
      'Profit',
      'Quantity',
      'Sales',
    ]);
    expect(data.slice(1, 7).map((r) => r[0])).toEqual([
      'Count of Customers',
      'Sales',
      'Quantity',
      'Sales per Customer',
      'Profit',
      'Profit Ratio',
    ]);
    expect(data[6][5]).toMatch(/^-?0\.\d+$/);
  });

  it('keeps leading zeros, dates, date-times, booleans and formula-like text', async () => {
    const res = await get('/api/3.27/sites/s1/views/customers/data');
    const data = rows(res.body);
    expect(data[0]).toEqual([
      'Customer ID',
      'Customer Name',
      'Postal Code',
      'Sales',
      'Orders',
      'First Order',
      'Last Order',
      'Is Returning',
      'Notes',
    ]);
    expect(data[1][0]).toMatch(/^0\d{4}$/);
    expect(data.some((r) => /^0\d{4}$/.test(r[2]))).toBe(true);
    expect(data[1][5]).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}$/);
    expect(data[1][6]).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d (AM|PM)$/);
    expect(['True', 'False']).toContain(data[1][7]);
    expect(data.some((r) => /^[=+\-@]/.test(r[8]))).toBe(true);
  });

  it('formats de-DE views', async () => {
    const data = rows((await get('/api/3.27/sites/s1/views/umsatz-de/data')).body);
    expect(data[1][2]).toMatch(/^-?\d{1,3}(\.\d{3})*,\d\d €$/);
    expect(data[1][3]).toMatch(/^-?\d+,\d %$/);
    expect(data[1][4]).toMatch(/^\d\d\.\d\d\.\d{4}$/);
  });

  it('exports a dashboard first sheet and custom views with their saved filters', async () => {
    expect((await get('/api/3.27/sites/s1/views/dash/data')).statusCode).toBe(200);
    const west = rows((await get('/api/3.27/sites/s1/customviews/cv1/data')).body);
    expect(west.slice(1).every((r) => r[0] === 'West')).toBe(true);
    expect((await get('/api/3.27/sites/s1/customviews/none/data')).statusCode).toBe(404);
  });

  it("answers Tableau's codes for a view or custom view that is not there (REST reference error tables)", async () => {
    // Query View Data: 400080 "The view ID in the URI doesn't correspond to a view available on the specified site".
    const view = await get('/api/3.27/sites/s1/views/none/data');
    expect(view.statusCode).toBe(400);
    expect(JSON.parse(view.body).error).toMatchObject({ code: '400080', summary: 'Bad Request' });
    // Custom view methods: 404048 "Custom view not found".
    const custom = await get('/api/3.27/sites/s1/customviews/none/data');
    expect(JSON.parse(custom.body).error).toMatchObject({ code: '404048' });
  });

  it('changes values after a data version bump and accepts maxAge', async () => {
    const before = rows((await get('/api/3.27/sites/s1/views/orders-by-month/data?maxAge=5')).body);
    await app.inject({ method: 'POST', url: '/_sim/data/superstore-orders/bump' });
    const after = rows((await get('/api/3.27/sites/s1/views/orders-by-month/data')).body);
    resetDataset('superstore-orders');
    expect(before[1][0]).toBe('January 1, 2021');
    expect(after[1][2]).not.toBe(before[1][2]);
    expect((await get('/api/3.27/sites/s1/views/orders-by-month/data?maxAge=abc')).statusCode).toBe(400);
  });
});
