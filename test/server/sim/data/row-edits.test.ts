import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';

import { resetDataset } from '../../../../server/sim/data/catalog.js';
import { buildApp } from './fake-host.js';

const app = buildApp(
  { version: '2026.1.0', vds: true },
  {
    datasources: [{ id: 'ds1', name: 'Superstore', dataKey: 'superstore-orders', apiAccess: true }],
    views: [{ id: 'v1', name: 'Orders by Region', workbookId: 'w', sheetType: 'view', dataKey: 'orders-by-region' }],
  },
);
const edit = (body: unknown, key = 'superstore-orders') =>
  app.inject({ method: 'POST', url: `/_sim/data/${key}/rows`, payload: body as object });

/** Row-level VDS query of the given Row IDs: Row ID → [Region, Quantity]. */
async function rowsById(ids: number[]): Promise<Map<number, [string, number]>> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/vizql-data-service/query-datasource',
    headers: { 'x-tableau-auth': 'good' },
    payload: {
      datasource: { datasourceLuid: 'ds1' },
      query: {
        fields: [{ fieldCaption: 'Row ID', sortPriority: 1 }, { fieldCaption: 'Region' }, { fieldCaption: 'Quantity' }],
        filters: [{ field: { fieldCaption: 'Row ID' }, filterType: 'SET', values: ids }],
      },
      options: { returnFormat: 'ARRAYS', disaggregate: true },
    },
  });
  expect(res.statusCode).toBe(200);
  return new Map((res.json().data as Array<[number, string, number]>).map(([id, region, qty]) => [id, [region, qty]]));
}

/** The view's CSV as "Region|Category" → Quantity (the last column). */
async function viewQuantities(): Promise<Map<string, string>> {
  const res = await app.inject({ method: 'GET', url: '/api/3.27/sites/s1/views/v1/data', headers: { 'x-tableau-auth': 'good' } });
  expect(res.statusCode).toBe(200);
  const [, ...data] = Papa.parse<string[]>(res.body.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
  return new Map(data.map((r) => [`${r[0]}|${r[1]}`, r[5]]));
}

const parseCount = (text: string | undefined) => Number((text ?? '').replace(/,/g, ''));

describe('simulator row edits (POST /_sim/data/:key/rows)', () => {
  afterEach(() => resetDataset('superstore-orders'));

  it('changes, adds and removes rows that both a VDS query and the view CSV export then see', async () => {
    const before = await rowsById([1, 2, 3, 20001]);
    const viewBefore = await viewQuantities();
    expect(before.size).toBe(3);
    const [region1, qty1] = before.get(1)!;
    // A whole view row goes: all Technology orders of a region that rows 1 and 3 are not in.
    const gone = ['Central', 'East', 'South', 'West'].find((r) => r !== region1 && r !== before.get(3)![0])!;

    const res = await edit({
      update: [{ where: { 'Row ID': 1 }, set: { Quantity: qty1 + 1000 } }],
      remove: [{ where: { 'Row ID': 2 } }, { where: { Region: gone, Category: 'Technology' } }],
      add: [
        { 'Row ID': 20001, Region: 'North', Category: 'Furniture', Quantity: 7, Sales: 10, Profit: 1, Discount: 0 },
        { 'Row ID': 20002, Region: 'North', Category: 'Technology', Quantity: 3, Sales: 20, Profit: 2, Discount: 0 },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ key: 'superstore-orders', updated: 1, added: 2, version: 1 });
    expect(body.rowCount).toBe(10_000 - body.removed + 2);

    // The VDS query was answered from the simulator's result cache before; the edit is a new data version.
    const after = await rowsById([1, 2, 3, 20001]);
    expect(after.get(1)).toEqual([region1, qty1 + 1000]);
    expect(after.has(2)).toBe(false);
    expect(after.get(3)).toEqual(before.get(3));
    expect(after.get(20001)).toEqual(['North', 7]);

    const view = await viewQuantities();
    expect(viewBefore.has(`${gone}|Technology`)).toBe(true);
    expect(view.has(`${gone}|Technology`)).toBe(false);
    expect(view.get('North|Furniture')).toBe('7');
    expect(view.get('North|Technology')).toBe('3');
    const group1 = [...view.keys()].find((k) => k.startsWith(`${region1}|`) && parseCount(view.get(k)) !== parseCount(viewBefore.get(k)));
    expect(group1).toBeDefined();
  });

  it('refuses edits that do not fit, with a 400 and the data unchanged', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /at least one/],
      [{ update: [{ where: { Nope: 1 }, set: { Quantity: 1 } }] }, /no column "Nope"/],
      [{ update: [{ where: { 'Row ID': 1 }, set: { Quantity: 'many' } }] }, /not a valid INTEGER/],
      [{ add: [{ 'Order Date': '2024-02-30' }] }, /not a valid DATE/],
      [{ remove: [{ where: { 'Row ID': 999_999 } }] }, /No row/],
      [{ remove: [{ where: {} }] }, /at least one column/],
      [{ replace: [] }, /Unrecognized key/],
    ];
    for (const [payload, message] of cases) {
      const res = await edit(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error).toMatch(message);
    }
    // An update that comes with a failing remove is not applied either.
    const atomic = await edit({ update: [{ where: { 'Row ID': 5 }, set: { Quantity: 12_345 } }], remove: [{ where: { 'Row ID': 0 } }] });
    expect(atomic.statusCode).toBe(400);
    expect((await rowsById([5])).get(5)![1]).not.toBe(12_345);
    expect((await edit({ add: [{ 'Row ID': 1 }] }, 'nope')).statusCode).toBe(404);
  });

  it('keeps a key column usable after an added row repeats its value, and reset brings back the built rows', async () => {
    expect((await edit({ add: [{ 'Row ID': 1, Region: 'North', Quantity: 1 }] })).statusCode).toBe(200);
    // Row ID was flagged unique (grouping shortcut); both rows with Row ID 1 must still come back.
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/vizql-data-service/query-datasource',
      headers: { 'x-tableau-auth': 'good' },
      payload: {
        datasource: { datasourceLuid: 'ds1' },
        query: {
          fields: [{ fieldCaption: 'Row ID' }, { fieldCaption: 'Quantity', function: 'COUNT' }],
          filters: [{ field: { fieldCaption: 'Row ID' }, filterType: 'SET', values: [1] }],
        },
      },
    });
    expect(res.json().data).toEqual([{ 'Row ID': 1, 'COUNT(Quantity)': 2 }]);
    resetDataset('superstore-orders');
    expect((await rowsById([1, 20001])).size).toBe(1);
    expect((await viewQuantities()).has('North|Furniture')).toBe(false);
  });
});
