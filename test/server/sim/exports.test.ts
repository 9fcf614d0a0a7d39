/**
 * The simulator's export gauge and Tableau Cloud's limit of 20 concurrent export calls per site
 * (server/sim/exports.ts; kb.tableau.com "Concurrency limits in REST APIs on Tableau Cloud").
 */
import { afterEach, describe, expect, it } from 'vitest';

import { ExportGauge, exportSiteOf } from '../../../server/sim/exports.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';

const VIEW_ID = stableId('demo', 'view', 'superstore/Orders by Region');

describe('ExportGauge (pure)', () => {
  it('counts calls in flight and the most at once, refuses past the limit, releases once', () => {
    const gauge = new ExportGauge(2);
    const a = gauge.enter('s1');
    const b = gauge.enter('s1');
    const c = gauge.enter('s1');
    expect([a.refused, b.refused, c.refused]).toEqual([false, false, true]);
    expect(gauge.enter('s2').refused).toBe(false); // per site
    // The refused call is at the simulator too while its 429 goes out: 3 at once, over the limit.
    expect(gauge.reading('s1')).toEqual({ siteId: 's1', current: 3, max: 3, rejected: 1 });
    c.release();
    expect(gauge.enter('s1').refused).toBe(true); // still 2 served
    a.release();
    a.release(); // idempotent: a response both finishes and closes
    expect(gauge.reading('s1').current).toBe(2);
    expect(gauge.enter('s1').refused).toBe(false);
    b.release();
    gauge.reset();
    expect(gauge.reading('s1')).toEqual({ siteId: 's1', current: 2, max: 2, rejected: 0 });
  });

  it('counts without refusing when the limit is off', () => {
    const gauge = new ExportGauge(null);
    for (let i = 0; i < 30; i++) expect(gauge.enter('s').refused).toBe(false);
    expect(gauge.reading('s')).toMatchObject({ current: 30, max: 30, rejected: 0 });
  });

  it('knows the export endpoints and nothing else', () => {
    expect(exportSiteOf('GET', '/api/3.28/sites/S/views/V/data?maxAge=1')).toBe('S');
    expect(exportSiteOf('GET', '/api/3.28/sites/S/customviews/C/data')).toBe('S');
    expect(exportSiteOf('GET', '/api/3.28/sites/S/views/V/crosstab/excel')).toBe('S');
    expect(exportSiteOf('GET', '/api/3.28/sites/S/views/V/image')).toBe('S');
    expect(exportSiteOf('GET', '/api/3.28/sites/S/views/V')).toBeUndefined();
    expect(exportSiteOf('GET', '/api/3.28/sites/S/views')).toBeUndefined();
    expect(exportSiteOf('POST', '/api/v1/vizql-data-service/query-datasource')).toBeUndefined();
  });
});

describe('the export limit over HTTP', () => {
  let sim: Simulator;
  afterEach(async () => sim?.close());

  const signIn = async () => {
    const res = await fetch(`${sim.url}/api/3.28/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        credentials: {
          personalAccessTokenName: sim.demo.patName,
          personalAccessTokenSecret: sim.demo.patSecret,
          site: { contentUrl: sim.demo.siteContentUrl },
        },
      }),
    });
    return ((await res.json()) as { credentials: { token: string } }).credentials.token;
  };
  const exportView = (token: string, signal?: AbortSignal) =>
    fetch(`${sim.url}/api/3.28/sites/${sim.demo.siteId}/views/${VIEW_ID}/data`, { headers: { 'x-tableau-auth': token }, signal });
  const gauge = () => sim.exports.reading(sim.demo.siteId);

  it('answers the 21st concurrent export 429 with an HTML page, as Tableau Cloud does, by default', async () => {
    // A long latency on the export only: the 20 stay in flight while the 21st arrives.
    sim = await createSimulator({ faults: [{ kind: 'latency', ms: 1_500, path: '/data' }] });
    const token = await signIn();
    const twenty = Array.from({ length: 20 }, () => exportView(token).then(async (r) => ({ status: r.status, body: await r.text() })));
    await expect.poll(() => gauge().current, { timeout: 10_000 }).toBe(20);
    const refused = await exportView(token);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused.text()).toContain('429 Too Many Requests');
    const done = await Promise.all(twenty);
    expect(done.every((d) => d.status === 200 && d.body.length > 0)).toBe(true);
    await expect.poll(() => gauge().current).toBe(0);
    // 21 calls were at the simulator at once (the 21st while its 429 went out): the figure shows the overshoot.
    expect(gauge()).toMatchObject({ max: 21, rejected: 1 });
    // Other calls of the site are not exports and never limited.
    expect((await fetch(`${sim.url}/api/3.28/sites/${sim.demo.siteId}/views`, { headers: { 'x-tableau-auth': token } })).status).toBe(200);
    expect((await exportView(token)).status).toBe(200);
    const admin = (await (await fetch(`${sim.url}/_sim/exports`)).json()) as { limit: number; sites: unknown[] };
    expect(admin).toEqual({ limit: 20, sites: [{ siteId: sim.demo.siteId, current: 0, max: 21, rejected: 1 }] });
    expect((await fetch(`${sim.url}/_sim/exports`, { method: 'DELETE' })).status).toBe(204);
    expect(gauge()).toMatchObject({ max: 0, rejected: 0 });
  });

  it('holds the slot until the response is over: a call the client gives up frees it', async () => {
    sim = await createSimulator({ exportLimit: 1, faults: [{ kind: 'timeout', path: '/data', count: 1 }] });
    const token = await signIn();
    const abort = new AbortController();
    const hanging = exportView(token, abort.signal).catch(() => 'aborted');
    await expect.poll(() => gauge().current, { timeout: 10_000 }).toBe(1);
    expect((await exportView(token)).status).toBe(429);
    abort.abort();
    expect(await hanging).toBe('aborted');
    await expect.poll(() => gauge().current, { timeout: 10_000 }).toBe(0);
    expect((await exportView(token)).status).toBe(200);
  });

  it('counts without refusing when the limit is switched off (exportLimit: null)', async () => {
    sim = await createSimulator({ exportLimit: null, faults: [{ kind: 'latency', ms: 1_000, path: '/data' }] });
    const token = await signIn();
    const statuses = await Promise.all(Array.from({ length: 22 }, () => exportView(token).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(gauge().rejected).toBe(0);
    expect(gauge().max).toBeGreaterThan(20);
  });
});
