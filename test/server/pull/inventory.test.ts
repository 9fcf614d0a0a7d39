import { describe, expect, it } from 'vitest';

import type { InventoryResource } from '../../../common/source.js';
import { excelSerial } from '../../../common/typed-values.js';
import { flattenItem } from '../../../server/pull/inventory-flatten.js';
import { inventoryToTyped } from '../../../server/pull/inventory-typed.js';
import { collect, rowsOf } from './helpers.js';

// Shapes of workbook_get.xml / view_get_usage.xml as the REST API's JSON gives them.
const WORKBOOKS = [
  {
    project: { id: 'p1', name: 'default' },
    owner: { id: 'u1', name: 'Ann' },
    tags: { tag: [{ label: 'sales' }, { label: 'q1' }] },
    id: '6d13b0ca',
    name: 'Superstore',
    size: '1',
    showTabs: 'false',
    createdAt: '2016-08-03T20:34:04Z',
    contentUrl: 'Superstore',
  },
  {
    id: '3cc6cd06',
    name: 'SafariSample',
    size: '26',
    showTabs: 'true',
    createdAt: '2016-07-26T20:34:56Z',
    project: { id: 'p1', name: 'default' },
    owner: { id: 'u2' },
    tags: {},
    usage: { totalViewCount: '7' },
  },
];

describe('flattenItem', () => {
  it('flattens nested objects, lists and Tableau wrappers', () => {
    expect(
      Object.fromEntries(flattenItem({ a: { b: { c: 1 } }, tags: { tag: { label: 'solo' } }, list: ['x', 'y'], empty: {}, n: null })),
    ).toEqual({
      'a.b.c': 1,
      tags: 'solo',
      list: 'x, y',
      empty: null,
      n: null,
    });
  });
});

describe('inventoryToTyped', () => {
  it('flattens, orders (id, name first) and types columns from all values', async () => {
    const out = await collect(inventoryToTyped(WORKBOOKS, { resource: 'workbooks' }));
    expect(out[0]).toEqual({
      kind: 'meta',
      source: 'Site inventory: workbooks',
      columns: [
        { name: 'id', type: 'text', format: '@' },
        { name: 'name', type: 'text', format: '@' },
        { name: 'project.id', type: 'text', format: '@' },
        { name: 'project.name', type: 'text', format: '@' },
        { name: 'owner.id', type: 'text', format: '@' },
        { name: 'owner.name', type: 'text', format: '@' },
        { name: 'tags', type: 'text', format: '@' },
        { name: 'size', type: 'integer', format: '#,##0' },
        { name: 'showTabs', type: 'boolean', format: 'General' },
        { name: 'createdAt', type: 'datetime', format: 'yyyy-mm-dd hh:mm:ss' },
        { name: 'contentUrl', type: 'text', format: '@' },
        { name: 'usage.totalViewCount', type: 'integer', format: '#,##0' },
      ],
    });
    expect(rowsOf(out)).toEqual([
      [
        '6d13b0ca',
        'Superstore',
        'p1',
        'default',
        'u1',
        'Ann',
        'sales, q1',
        1,
        false,
        excelSerial(2016, 8, 3, 20, 34, 4),
        'Superstore',
        null,
      ],
      ['3cc6cd06', 'SafariSample', 'p1', 'default', 'u2', null, null, 26, true, excelSerial(2016, 7, 26, 20, 34, 56), null, 7],
    ]);
    expect(out.at(-1)).toEqual({ kind: 'end', rowCount: 2, truncated: false });
  });

  it('keeps exactly the requested fields in their order', async () => {
    async function* items() {
      yield* WORKBOOKS;
    }
    const out = await collect(inventoryToTyped(items(), { resource: 'workbooks', fields: ['name', 'usage.totalViewCount', 'missing'] }));
    expect(out[0]).toMatchObject({
      columns: [{ name: 'name' }, { name: 'usage.totalViewCount', type: 'integer' }, { name: 'missing', type: 'text' }],
    });
    expect(rowsOf(out)).toEqual([
      ['Superstore', null, null],
      ['SafariSample', 7, null],
    ]);
  });

  it('keeps codes with leading zeros and mixed values as text', async () => {
    const out = await collect(
      inventoryToTyped(
        [
          { id: '1', code: '00123', mixed: '5' },
          { id: '2', code: '00124', mixed: 'five' },
        ],
        { resource: 'users' },
      ),
    );
    expect(out[0]).toMatchObject({
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'code', type: 'text' },
        { name: 'mixed', type: 'text' },
      ],
    });
    expect(rowsOf(out)).toEqual([
      [1, '00123', '5'],
      [2, '00124', 'five'],
    ]);
  });

  it('handles an empty list and a limit', async () => {
    expect(await collect(inventoryToTyped([], { resource: 'jobs' }))).toEqual([
      { kind: 'meta', columns: [], source: 'Site inventory: jobs' },
      { kind: 'end', rowCount: 0, truncated: false },
    ]);
    const out = await collect(inventoryToTyped(WORKBOOKS, { resource: 'workbooks', limit: 1 }));
    expect(out.at(-1)).toEqual({ kind: 'end', rowCount: 1, truncated: true });
  });

  it('rejects bad input with a clear error message', async () => {
    const bad = await collect(inventoryToTyped(WORKBOOKS, { resource: 'secrets' as InventoryResource }));
    expect(bad.at(-1)).toMatchObject({ kind: 'error', error: { code: 'invalid-input' } });
    const notObjects = await collect(inventoryToTyped(['x'], { resource: 'views' }));
    expect(notObjects.at(-1)).toMatchObject({ kind: 'error', error: { code: 'bad-response' } });
  });
});
