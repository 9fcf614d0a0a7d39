/**
 * A definition with a picture (definitions/schema.ts `picture`): the refresh gets the view's picture
 * before it writes anything, then replaces the table's data and the picture in place; when Tableau
 * cannot give the picture the refresh fails and the table and the picture stay exactly as they were.
 */
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';

import type { CallOptions } from '../../../../addin/api/client.js';
import { ApiError } from '../../../../addin/api/errors.js';
import type { ViewImageRequest } from '../../../../common/view-image.js';
import { bench, columns, fakeApi, ok, rows } from './fixtures.js';

const png = (grey: number) => {
  const p = new PNG({ width: 800, height: 600 });
  p.data.fill(grey);
  return new Uint8Array(PNG.sync.write(p));
};

async function withPicture(viewImage: (cid: string, req: ViewImageRequest, opts?: CallOptions) => Promise<Uint8Array>) {
  const api = Object.assign(fakeApi(), { viewImage: vi.fn(viewImage) });
  const b = await bench({ api, tables: [{ name: 'Sales', viewId: 'v1', at: 'A1', def: { picture: { name: 'Picture_Sales' } } }] });
  await b.gateway.insertPicture({
    sheet: 'Sheet1',
    name: 'Picture_Sales',
    base64: Buffer.from(png(10)).toString('base64'),
    where: { kind: 'beside', table: 'Sales' },
  });
  return { ...b, api };
}

describe('refreshing a table with its picture', () => {
  it('replaces the data and the picture in place, asking Tableau for the definition’s view', async () => {
    const { runner, ids, api, workbook } = await withPicture(async () => png(200));
    api.script('v1', ok(columns, rows(5, 100)));
    const before = { ...workbook.sheet('Sheet1').shapes[0] };
    const outcome = await runner.refresh(ids.Sales);
    expect(outcome.status).toBe('ok');
    expect(api.viewImage).toHaveBeenCalledWith(
      'c1',
      { source: expect.objectContaining({ kind: 'view', viewId: 'v1' }) },
      expect.anything(),
    );
    const [after] = workbook.sheet('Sheet1').shapes;
    expect(after).toMatchObject({ name: before.name, left: before.left, top: before.top, width: before.width, height: before.height });
    expect(after.image).toBe(Buffer.from(png(200)).toString('base64'));
    expect(workbook.sheet('Sheet1').get(1, 0)?.value).toBe('R100');
  });

  it('fails as a whole when the picture cannot be had: the table and the picture are exactly as they were', async () => {
    const { runner, ids, api, workbook, cells } = await withPicture(async () => {
      throw new ApiError({ code: 'not-found', message: 'Tableau says the view is gone.' });
    });
    api.script('v1', ok(columns, rows(5, 100)));
    const tableBefore = cells();
    const shapesBefore = structuredClone(workbook.sheet('Sheet1').shapes);
    const outcome = await runner.refresh(ids.Sales);
    expect(outcome.status).toBe('error');
    expect(cells()).toBe(tableBefore);
    expect(workbook.sheet('Sheet1').shapes).toEqual(shapesBefore);
  });
});
