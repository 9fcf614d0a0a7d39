/**
 * Query View Image / Query Custom View Image in the simulator (server/sim/data/view-image.ts and the
 * routes in data/routes.ts): a PNG bar chart of the view's data, twice the size at resolution=high,
 * SVG only from REST 3.29 (2026.2), vf_ and custom view filters applied, maxAge honoured from the
 * export cache, Tableau's errors. renderViewImage is spied on to tell a rendered picture from a cached one.
 */
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ManualClock } from '../../../../server/sim/clock.js';
import { editDatasetRows, resetDataset } from '../../../../server/sim/data/catalog.js';
import { renderViewImage } from '../../../../server/sim/data/view-image.js';
import { buildApp } from './fake-host.js';

vi.mock('../../../../server/sim/data/view-image.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../../server/sim/data/view-image.js')>();
  return { ...original, renderViewImage: vi.fn(original.renderViewImage) };
});
const rendered = vi.mocked(renderViewImage);

const views = ['orders-by-region', 'orders-by-month'].map((k) => ({
  id: k,
  name: k,
  workbookId: 'w',
  sheetType: 'view' as const,
  dataKey: k,
}));
const clock = new ManualClock();
const app = buildApp(
  { version: '2026.2.0', vds: true },
  {
    views: [...views, { id: 'story', name: 'Story', workbookId: 'w', sheetType: 'story' }],
    customViews: [{ id: 'cv-west', name: 'West', viewId: 'orders-by-region', filters: { Region: 'West' } }],
  },
  clock,
);
const get = async (path: string, version = '3.29', token = 'good') => {
  const res = await app.inject({ method: 'GET', url: `/api/${version}/sites/s1/${path}`, headers: { 'x-tableau-auth': token } });
  return { status: res.statusCode, body: res.rawPayload, type: res.headers['content-type'], json: () => res.json() };
};
const REGION = 'views/orders-by-region/image';
const BLUE = [0x4e, 0x79, 0xa7];

/** A pixel row just above the zero line (60 px from the bottom at the standard size), which every bar crosses. */
const justAboveZero = (png: PNG) => png.height - 61 * (png.height / 600);

/** The bars of a decoded chart: runs of the bar colour along that row. */
function bars(png: PNG): number[] {
  const y = justAboveZero(png);
  const widths: number[] = [];
  let run = 0;
  for (let x = 0; x < png.width; x++) {
    const i = (png.width * y + x) * 4;
    const blue = BLUE.every((c, k) => png.data[i + k] === c);
    if (blue) run++;
    if ((!blue || x === png.width - 1) && run > 0) {
      widths.push(run);
      run = 0;
    }
  }
  return widths;
}
/** Bar heights in pixels, left to right. */
function heights(png: PNG): number[] {
  const out: number[] = [];
  const y0 = justAboveZero(png);
  let x = 0;
  while (x < png.width) {
    const at = (xx: number, yy: number) => BLUE.every((c, k) => png.data[(png.width * yy + xx) * 4 + k] === c);
    if (at(x, y0)) {
      let top = y0;
      while (top > 0 && at(x, top - 1)) top--;
      out.push(y0 - top);
      while (x < png.width && at(x, y0)) x++;
    } else x++;
  }
  return out;
}

beforeEach(() => {
  resetDataset('superstore-orders');
  rendered.mockClear();
});
afterEach(() => resetDataset('superstore-orders'));

describe('Query View Image', () => {
  it('answers a PNG bar chart with one bar per value of the first dimension, twice the size at resolution=high', async () => {
    const res = await get(REGION);
    expect(res.status).toBe(200);
    expect(res.type).toBe('image/png');
    const png = PNG.sync.read(res.body);
    expect([png.width, png.height]).toEqual([800, 600]);
    expect(bars(png)).toHaveLength(4); // Central, East, South, West
    const high = PNG.sync.read((await get(`${REGION}?resolution=high`)).body);
    expect([high.width, high.height]).toEqual([1600, 1200]);
    expect(bars(high)).toHaveLength(4);
    expect(bars(high)[0]).toBeGreaterThan(bars(png)[0] * 1.9);
  });

  it('draws the filtered data: vf_ filters and a custom view’s saved filters leave one bar', async () => {
    expect(bars(PNG.sync.read((await get(`${REGION}?vf_Region=East`)).body))).toHaveLength(1);
    const custom = await get('customviews/cv-west/image');
    expect(custom.status).toBe(200);
    expect(bars(PNG.sync.read(custom.body))).toHaveLength(1);
  });

  it('draws new data after the rows change: a region whose sales grow gets the tallest bar', async () => {
    const before = heights(PNG.sync.read((await get(REGION)).body));
    editDatasetRows('superstore-orders', { update: [{ where: { Region: 'South' }, set: { Sales: 1_000_000 } }] });
    const after = await get(REGION);
    const now = heights(PNG.sync.read(after.body));
    expect(now).not.toEqual(before);
    expect(Math.max(...now)).toBe(now[2]); // South is the third region in the view's order
  });

  it('answers SVG from REST 3.29 (Tableau 2026.2); an older version ignores format and answers PNG', async () => {
    const svg = await get(`${REGION}?format=SVG`);
    expect(svg.type).toBe('image/svg+xml');
    const text = svg.body.toString('utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text.match(/<rect [^>]*fill="#4e79a7"/g)).toHaveLength(4);
    expect(text).toContain('>Central</text>');
    const old = await get(`${REGION}?format=SVG`, '3.28');
    expect(old.type).toBe('image/png');
    expect((await get(`${REGION}?format=GIF`)).status).toBe(400);
  });

  it('serves an unchanged view’s picture from the cache within maxAge, and renders again after it', async () => {
    const first = await get(REGION);
    expect((await get(REGION)).body.equals(first.body)).toBe(true);
    expect(rendered).toHaveBeenCalledTimes(1);
    clock.advance(2 * 60_000 + 1);
    await get(`${REGION}?maxAge=5`);
    expect(rendered).toHaveBeenCalledTimes(1);
    await get(`${REGION}?maxAge=2`);
    expect(rendered).toHaveBeenCalledTimes(2);
    // Another resolution is another picture.
    await get(`${REGION}?resolution=high`);
    expect(rendered).toHaveBeenCalledTimes(3);
    expect((await get(`${REGION}?maxAge=soon`)).status).toBe(400);
  });

  it("answers Tableau's errors: 404011 for an unknown view, 404048 for an unknown custom view, 401 without a session", async () => {
    const missing = await get('views/nope/image');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: '404011' } });
    const cv = await get('customviews/nope/image');
    expect(cv.status).toBe(404);
    expect(cv.json()).toMatchObject({ error: { code: '404048' } });
    expect((await get(REGION, '3.29', 'bad')).status).toBe(401);
  });

  it('draws a view without summary data as an empty chart', async () => {
    const res = await get('views/story/image');
    expect(res.status).toBe(200);
    expect(bars(PNG.sync.read(res.body))).toEqual([]);
  });
});
