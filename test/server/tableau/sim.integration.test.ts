/**
 * Against the real simulator (server/sim): the Must-show crawl of a 10,000-workbook site with faults
 * on, and the everyday calls of the product against the demo site.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSimulator, mintConnectedAppJwt, type Simulator } from '../../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { fakeClock, memoryLogger } from './fake.js';

describe('10,000-workbook site with faults', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: { largeWorkbooks: 10_000 } });
  }, 60_000);
  afterAll(() => sim.close());

  const connect = (logger = memoryLogger()) =>
    TableauClient.connect({
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
      sessions: new SessionCache(),
      clock: fakeClock(),
      logger,
    });

  const workbookIds = () => new Set([...sim.state.siteNamed(sim.demo.siteContentUrl).workbooks.keys()]);

  it('lists every workbook exactly once through token expiry, 429/503 HTML, a reset and inserts between pages', async () => {
    const logger = memoryLogger();
    const c = await connect(logger);
    const before = workbookIds();
    expect(before.size).toBeGreaterThanOrEqual(10_000);
    const path = '*/sites/*/workbooks';
    sim.faults.set([
      { kind: 'mutate', add: 5, path, method: 'GET', after: 1, count: 3 },
      { kind: 'rateLimit', path, method: 'GET', after: 2, count: 1 },
      { kind: 'expireToken', path, method: 'GET', after: 4, count: 1 },
      { kind: 'unavailable', path, method: 'GET', after: 6, count: 1 },
      { kind: 'reset', path, method: 'GET', after: 8, count: 1 },
    ]);
    const all = await c.listAll('workbooks');
    const left = sim.faults.list();
    sim.faults.clear();

    const ids = all.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length); // exactly once
    const got = new Set(ids);
    for (const id of before) if (!got.has(id)) throw new Error(`missing workbook ${id}`);
    const after = workbookIds();
    expect(after.size).toBeGreaterThan(before.size);
    expect(ids.every((id) => after.has(id))).toBe(true);
    expect(got.size).toBe(after.size); // the inserted ones too: they land on the tail pages we re-read
    // Every fault fired, and the expiry led to a re-sign-in rather than an error.
    expect(left).toEqual([]);
    // Concurrent pages all saw the expired token; they waited for ONE re-sign-in (single flight).
    expect(logger.lines.filter((l) => l.includes('signing in again')).length).toBeGreaterThan(1);
    expect(logger.lines.filter((l) => l.includes('tableau signed in'))).toHaveLength(2);
    expect(logger.lines.join('\n')).not.toContain(sim.demo.patSecret);
  }, 60_000);

  it('a list page that is not JSON is an error naming Tableau, not a crash', async () => {
    const c = await connect();
    sim.faults.set([{ kind: 'malformedJson', path: '*/sites/*/workbooks', method: 'GET', after: 2, count: 1 }]);
    const listing = c.listAll('workbooks');
    await expect(listing).rejects.toMatchObject({ code: 'invalid-response', message: expect.stringContaining('Tableau') });
    sim.faults.clear();
  }, 60_000);

  it('still lists every surviving workbook once when items are deleted between pages', async () => {
    const logger = memoryLogger();
    const c = await connect(logger);
    sim.faults.set([{ kind: 'mutate', remove: 7, path: '*/sites/*/workbooks', method: 'GET', after: 0, count: 2 }]);
    const all = await c.listAll('workbooks');
    sim.faults.clear();
    const ids = all.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
    const got = new Set(ids);
    for (const id of workbookIds()) if (!got.has(id)) throw new Error(`missing workbook ${id}`);
    expect(logger.lines.some((l) => l.includes('re-checking once'))).toBe(true);
  }, 60_000);
});

describe('demo site', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator();
  });
  afterAll(() => sim.close());

  const base = () => ({ serverUrl: sim.url, siteContentUrl: sim.demo.siteContentUrl, sessions: new SessionCache() });

  it('signs in with PAT, password and a connected-app JWT', async () => {
    const pat = await TableauClient.connect({ ...base(), auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret } });
    const pw = await TableauClient.connect({
      ...base(),
      auth: { kind: 'password', username: sim.demo.username, password: sim.demo.password },
    });
    const app = sim.demo.connectedApp;
    const jwt = mintConnectedAppJwt(app, app.username);
    const viaJwt = await TableauClient.connect({ ...base(), auth: { kind: 'jwt', jwt } });
    for (const c of [pat, pw, viaJwt]) expect(c.siteId).toBe(sim.demo.siteId);
    await expect(
      TableauClient.connect({ ...base(), auth: { kind: 'pat', patName: sim.demo.patName, patSecret: 'not-it' } }),
    ).rejects.toMatchObject({ code: 'bad-credentials' });
    await pat.signOut();
  });

  it('browses projects, workbooks, views, data sources and tasks', async () => {
    const c = await TableauClient.connect({ ...base(), auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret } });
    expect((await c.listAll('projects')).length).toBeGreaterThan(0);
    const workbooks = await c.listAll('workbooks');
    const page = await c.listPage('workbooks', { pageNumber: 1, pageSize: 2 });
    expect(page.totalAvailable).toBe(workbooks.length);
    const views = await c.listWorkbookViews(workbooks[0].id, { usage: true });
    expect(views.length).toBeGreaterThan(0);
    expect((await c.listAll('datasources')).length).toBeGreaterThan(0);
    expect((await c.listAll('extractRefreshTasks')).length).toBeGreaterThan(0);
  });
});
