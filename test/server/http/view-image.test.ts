/**
 * POST /api/connections/:cid/view-image over real HTTP against the simulator: the view's picture as
 * PNG at high resolution with the source's filters, a custom view's picture, and the refusals
 * (a data source source, an unknown view). The size bound is covered with the client (readImage) below.
 */
import { Readable } from 'node:stream';

import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import type { AuthedTransport } from '../../../server/tableau/authed.js';
import { readImage } from '../../../server/tableau/views.js';
import { apiClient, connectDemo } from './helpers.js';
import { startTestServer } from './test-server.js';

let sim: Simulator;
let server: RunningServer;
let token: string;
let cid: string;

const ids = {
  ordersByRegion: stableId('demo', 'view', 'superstore/Orders by Region'),
  westOnly: stableId('demo', 'customview', 'west'),
  orders: stableId('demo', 'datasource', 'orders'),
};

beforeAll(async () => {
  sim = await createSimulator();
  server = await startTestServer();
  ({ token, cid } = await connectDemo(apiClient(server.url), sim));
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

async function image(source: unknown) {
  const res = await fetch(`${server.url}/api/connections/${cid}/view-image`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source }),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), bytes, json: () => JSON.parse(bytes.toString('utf8')) };
}

describe('the view picture route', () => {
  it("answers the view's picture as a high-resolution PNG, the filters applied", async () => {
    const all = await image({ kind: 'view', viewId: ids.ordersByRegion });
    expect(all.status, all.bytes.toString('utf8', 0, 200)).toBe(200);
    expect(all.type).toBe('image/png');
    const png = PNG.sync.read(all.bytes);
    expect([png.width, png.height]).toEqual([1600, 1200]);
    const east = await image({ kind: 'view', viewId: ids.ordersByRegion, filters: { Region: 'East' }, maxAgeMinutes: 5 });
    expect(east.status).toBe(200);
    expect(east.bytes.equals(all.bytes)).toBe(false);
  });

  it("answers a custom view's picture", async () => {
    const res = await image({ kind: 'view', viewId: ids.ordersByRegion, customViewId: ids.westOnly });
    expect(res.status).toBe(200);
    expect(PNG.sync.read(res.bytes).width).toBe(1600);
  });

  it('refuses a data source source with 400 and an unknown view with 404, in plain words', async () => {
    const ds = await image({ kind: 'datasource', datasourceId: ids.orders, query: { fields: [{ fieldCaption: 'Region' }] } });
    expect(ds.status).toBe(400);
    expect(ds.json().error.message).toMatch(/only be made of a view/);
    const missing = await image({ kind: 'view', viewId: '00000000-0000-0000-0000-000000000000' });
    expect(missing.status).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'not-found' });
  });
});

describe('readImage (the Tableau client)', () => {
  const transport = (chunks: Buffer[], type = 'image/png') =>
    ({
      send: async () => ({ status: 200, headers: { 'content-type': type }, body: '', stream: Readable.from(chunks) }),
    }) as unknown as AuthedTransport;

  it('reads the whole picture and its content type', async () => {
    const img = await readImage(transport([Buffer.from('ab'), Buffer.from('cd')]), 'u', '', 10);
    expect(img).toEqual({ bytes: Buffer.from('abcd'), contentType: 'image/png' });
  });

  it('refuses a picture over the bound, naming Tableau and what to do', async () => {
    await expect(readImage(transport([Buffer.alloc(6), Buffer.alloc(6)]), 'u', '', 10)).rejects.toMatchObject({
      code: 'invalid-response',
      message: expect.stringMatching(/^Tableau sent a picture larger than/),
      hint: expect.stringMatching(/without its picture/),
    });
  });
});
