/**
 * The view CSV export's cache (server/sim/data/export-cache.ts): same bytes from the cache, a fresh
 * export after any data change, `maxAge` honoured, bounded size. csvChunks is spied on to tell a
 * computed export from a cached one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ManualClock } from '../../../../server/sim/clock.js';
import { bumpDataVersion, editDatasetRows, mutateDataset, resetDataset } from '../../../../server/sim/data/catalog.js';
import { csvChunks } from '../../../../server/sim/data/csv-export.js';
import { ExportCache } from '../../../../server/sim/data/export-cache.js';
import { VIEW_SPECS } from '../../../../server/sim/data/views.js';
import { buildApp } from './fake-host.js';

vi.mock('../../../../server/sim/data/csv-export.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../../server/sim/data/csv-export.js')>();
  return { ...original, csvChunks: vi.fn(original.csvChunks) };
});
const computed = vi.mocked(csvChunks);

const views = ['orders-by-region', 'customers'].map((k) => ({ id: k, name: k, workbookId: 'w', sheetType: 'view' as const, dataKey: k }));
const clock = new ManualClock();
const app = buildApp(
  { version: '2026.1.0', vds: true },
  { views, customViews: [{ id: 'cv-west', name: 'West', viewId: 'orders-by-region', filters: { Region: 'West' } }] },
  clock,
);
const get = async (path: string) => {
  const res = await app.inject({ method: 'GET', url: `/api/3.27/sites/s1/${path}`, headers: { 'x-tableau-auth': 'good' } });
  return { status: res.statusCode, body: res.rawPayload, type: res.headers['content-type'] };
};
const REGION = 'views/orders-by-region/data';

beforeEach(() => {
  resetDataset('superstore-orders');
  computed.mockClear();
});
afterEach(() => resetDataset('superstore-orders'));

describe('view CSV export cache', () => {
  it('answers a repeated export with the identical bytes without computing it again', async () => {
    const first = await get(REGION);
    const second = await get(REGION);
    expect(first.status).toBe(200);
    expect(second.type).toBe(first.type);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.body.subarray(0, 3).toString('hex')).toBe('efbbbf'); // the BOM is part of the cached bytes
    expect(computed).toHaveBeenCalledTimes(1);
  });

  it('keys by filters and parameters: a different request is computed, the same one is not', async () => {
    const all = await get(REGION);
    const east = await get(`${REGION}?vf_Region=East`);
    const low = await get(`${REGION}?vf_Parameters.Discount%20Threshold=0.1`);
    expect(computed).toHaveBeenCalledTimes(3);
    expect(east.body.equals(all.body)).toBe(false);
    expect(low.body.equals(all.body)).toBe(false);
    expect((await get(`${REGION}?vf_Region=East`)).body.equals(east.body)).toBe(true);
    expect((await get('customviews/cv-west/data')).body.toString()).toMatch(/\r\nWest,/);
    expect(computed).toHaveBeenCalledTimes(4);
  });

  it.each([
    ['an extract refresh (bump)', () => bumpDataVersion('superstore-orders')],
    ['a mutation', () => mutateDataset('superstore-orders', { salesFactor: 2 })],
    ['a row edit', () => editDatasetRows('superstore-orders', { update: [{ where: { Region: 'West' }, set: { Sales: 1 } }] })],
  ])('computes a fresh export after %s, and again after the reset', async (_name, change) => {
    const before = await get(REGION);
    change();
    const after = await get(REGION);
    expect(after.body.equals(before.body)).toBe(false);
    expect(computed).toHaveBeenCalledTimes(2);
    resetDataset('superstore-orders');
    const reset = await get(REGION);
    expect(reset.body.equals(before.body)).toBe(true);
    expect(computed).toHaveBeenCalledTimes(3);
  });

  it('honours maxAge: an answer older than maxAge minutes (at least one) is computed again', async () => {
    const first = await get(REGION);
    clock.advance(2 * 60_000 + 1);
    expect((await get(`${REGION}?maxAge=5`)).body.equals(first.body)).toBe(true);
    expect(computed).toHaveBeenCalledTimes(1);
    expect((await get(`${REGION}?maxAge=2`)).body.equals(first.body)).toBe(true);
    expect(computed).toHaveBeenCalledTimes(2);
    // The refreshed answer is new again; maxAge=0 still allows the documented minimum of one minute.
    clock.advance(30_000);
    await get(`${REGION}?maxAge=0`);
    expect(computed).toHaveBeenCalledTimes(2);
    clock.advance(31_000);
    await get(`${REGION}?maxAge=0`);
    expect(computed).toHaveBeenCalledTimes(3);
    // Without maxAge the cached answer serves until the data changes.
    clock.advance(24 * 60 * 60_000);
    await get(REGION);
    expect(computed).toHaveBeenCalledTimes(3);
  });

  it('rejects a maxAge that is no whole number of minutes with 400 and caches nothing for it', async () => {
    const res = await get(`${REGION}?maxAge=soon`);
    expect(res.status).toBe(400);
    expect(computed).not.toHaveBeenCalled();
  });

  it('keeps at most maxEntries exports, dropping the least recently used', () => {
    const cache = new ExportCache(clock, 64 * 1024 * 1024, 2);
    const spec = VIEW_SPECS.get('orders-by-region')!;
    const read = async (region: string) => {
      const chunks: Buffer[] = [];
      for await (const chunk of cache.stream('s1', spec, { filters: [['Region', region]], parameters: {} })) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    };
    return (async () => {
      await read('East');
      await read('West');
      await read('East'); // East is now the most recently used
      await read('South'); // drops West
      expect(cache.size).toBe(2);
      expect(computed).toHaveBeenCalledTimes(3);
      await read('East');
      expect(computed).toHaveBeenCalledTimes(3);
      await read('West');
      expect(computed).toHaveBeenCalledTimes(4);
    })();
  });

  it('does not keep an export larger than the cache', async () => {
    const cache = new ExportCache(clock, 100);
    const spec = VIEW_SPECS.get('orders-by-region')!;
    for await (const _ of cache.stream('s1', spec, { filters: [], parameters: {} }));
    expect(cache.size).toBe(0);
  });
});
