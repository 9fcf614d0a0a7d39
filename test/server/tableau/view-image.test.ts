/** The client's Query View Image: the query it sends and the SVG version gate (REST 3.29 = Tableau 2026.2), against the simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { viewImageQuery } from '../../../server/tableau/views.js';
import { fakeClock } from './fake.js';

const sims: Simulator[] = [];
afterAll(async () => Promise.all(sims.map((s) => s.close())));

async function clientOn(productVersion: string): Promise<{ c: TableauClient; viewId: string }> {
  const sim = await createSimulator({ productVersion });
  sims.push(sim);
  const c = await TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    sessions: new SessionCache(),
    clock: fakeClock(),
  });
  const view = (await c.listAll('views')).find((v) => v.name === 'Orders by Region')!;
  return { c, viewId: view.id };
}

describe('viewImageQuery', () => {
  it('puts resolution and format before the data export query', () => {
    expect(viewImageQuery({ highResolution: true, filters: { Region: 'East' }, maxAgeMinutes: 5 })).toBe(
      'resolution=high&vf_Region=East&maxAge=5',
    );
    expect(viewImageQuery({ format: 'SVG' })).toBe('format=SVG');
    expect(viewImageQuery({})).toBe('');
  });
});

describe('Query View Image through the client', () => {
  let old: { c: TableauClient; viewId: string };
  let current: { c: TableauClient; viewId: string };
  beforeAll(async () => {
    [old, current] = await Promise.all([clientOn('2026.1.0'), clientOn('2026.2.0')]);
  });

  it('gets a PNG on any version', async () => {
    const img = await old.c.viewImage(old.viewId, { highResolution: true, maxBytes: 1e7 });
    expect(img.contentType).toBe('image/png');
    expect(img.bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('asks for SVG only from REST 3.29: an older server is refused before any call, with the version it needs', async () => {
    await expect(old.c.viewImage(old.viewId, { format: 'SVG', maxBytes: 1e7 })).rejects.toMatchObject({
      code: 'feature-unavailable',
      message: expect.stringContaining('2026.2'),
    });
    const svg = await current.c.viewImage(current.viewId, { format: 'SVG', maxBytes: 1e7 });
    expect(svg.contentType).toBe('image/svg+xml');
    expect(svg.bytes.toString('utf8', 0, 4)).toBe('<svg');
  });

  it('answers an unknown view with not-found', async () => {
    await expect(current.c.viewImage('00000000-0000-0000-0000-000000000000', { maxBytes: 1e7 })).rejects.toMatchObject({
      code: 'not-found',
    });
  });
});
