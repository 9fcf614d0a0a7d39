/**
 * A "Picture only" insert (definitions/schema.ts kind 'picture'): no table, just the view's picture.
 * A refresh gets the new image first, then replaces the picture in place (same name, position,
 * size and z-order); a failed fetch leaves the old picture exactly as it was; a picture the analyst
 * deleted is reported, not put back somewhere arbitrary.
 */
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '../../../../addin/api/errors.js';
import { createOnInserted } from '../../../../addin/refresh/runner/inserted.js';
import type { ConnectionInfo } from '../../../../common/api.js';
import { bench, fakeApi } from './fixtures.js';

const png = (grey: number) => {
  const p = new PNG({ width: 400, height: 300 });
  p.data.fill(grey);
  return new Uint8Array(PNG.sync.write(p));
};
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

async function pictureOnly(viewImage: () => Promise<Uint8Array>) {
  const api = Object.assign(fakeApi(), { viewImage: vi.fn(viewImage) });
  const b = await bench({ api, tables: [] });
  await b.gateway.insertPicture({
    sheet: 'Sheet1',
    name: 'Picture_Overview',
    base64: base64(png(10)),
    where: { kind: 'at', address: 'C3' },
  });
  // Another shape inserted after it (higher in z-order): the refreshed picture must stay below it.
  await b.gateway.insertPicture({ sheet: 'Sheet1', name: 'Logo', base64: base64(png(50)), where: { kind: 'at', address: 'J3' } });
  const connection = { serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' } as ConnectionInfo;
  let id = '';
  await createOnInserted(b.store, { onStored: (d) => (id = d.id) })({
    kind: 'picture',
    name: 'Picture_Overview',
    sheet: 'Sheet1',
    source: { kind: 'view', viewId: 'v1', name: 'Superstore / Overview', filters: { Region: 'West' } },
    connection,
  });
  return { ...b, api, id };
}

describe('refreshing a picture-only insert', () => {
  it('is stored without a table and replaced in place by Refresh all: same name, place, size and z-order', async () => {
    const { runner, api, workbook, store, id, log } = await pictureOnly(async () => png(200));
    expect(await store.get(id)).toMatchObject({ kind: 'picture', target: { sheet: 'Sheet1' }, picture: { name: 'Picture_Overview' } });
    expect((await store.get(id))?.target.tableName).toBeUndefined();
    const before = structuredClone(workbook.sheet('Sheet1').shapes);
    const [outcome] = await runner.refreshAll();
    expect(outcome).toMatchObject({ status: 'ok', table: 'Picture Overview' });
    expect(api.viewImage).toHaveBeenCalledWith(
      'c1',
      { source: expect.objectContaining({ viewId: 'v1', filters: { Region: 'West' } }) },
      expect.anything(),
    );
    const after = workbook.sheet('Sheet1').shapes;
    expect(after.map((s) => s.name)).toEqual(before.map((s) => s.name));
    const [old, fresh] = [before[0], after[0]];
    expect(fresh).toMatchObject({ name: old.name, left: old.left, top: old.top, width: old.width, height: old.height });
    expect(fresh.image).toBe(base64(png(200)));
    expect(fresh.image).not.toBe(old.image);
    expect(after[1]).toEqual(before[1]);
    expect(workbook.tables).toEqual([]);
    expect((await store.get(id))?.lastResult).toMatchObject({ status: 'ok', rows: 0 });
    expect(log.entries()[0]?.message).toMatch(/^Picture replaced in place in /);
  });

  it('leaves the old picture exactly as it was when Tableau cannot give the new one', async () => {
    const { runner, workbook, store, id } = await pictureOnly(async () => {
      throw new ApiError({ code: 'not-found', message: 'Tableau says the view is gone.' });
    });
    const before = structuredClone(workbook.sheet('Sheet1').shapes);
    const outcome = await runner.refresh(id);
    expect(outcome.status).toBe('error');
    expect(workbook.sheet('Sheet1').shapes).toEqual(before);
    expect((await store.get(id))?.lastResult).toMatchObject({ status: 'error', error: expect.stringMatching(/view is gone/) });
  });

  it('says plainly that a deleted picture is gone, and does not put one back', async () => {
    const { runner, workbook, gateway, id } = await pictureOnly(async () => png(200));
    const sheet = workbook.sheet('Sheet1');
    sheet.shapes.splice(
      sheet.shapes.findIndex((s) => s.name === 'Picture_Overview'),
      1,
    );
    const outcome = await runner.refresh(id);
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'not-found' } });
    expect(outcome.error?.message).toMatch(/"Picture_Overview" is not on the sheet "Sheet1" any more/);
    expect(sheet.shapes.map((s) => s.name)).toEqual(['Logo']);
    expect(gateway.workbook.tables).toEqual([]);
  });
});
