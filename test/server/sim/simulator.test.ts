import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { buildSimApp } from '../../../server/sim/app.js';
import { createDataHost } from '../../../server/sim/data-host.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { seedDemo } from '../../../server/sim/seed/demo.js';
import { addLargeContent } from '../../../server/sim/seed/large.js';
import { SimState } from '../../../server/sim/state/store.js';
import { type Harness, harness } from './helpers.js';

describe('createSimulator', () => {
  let sim: Simulator;
  afterEach(async () => sim?.close());

  it('listens on 127.0.0.1, exposes demo credentials and runtime switches', async () => {
    sim = await createSimulator();
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.demo).toMatchObject({
      siteContentUrl: 'superstore-demo',
      patName: expect.any(String),
      connectedApp: { clientId: expect.any(String), username: 'ada.admin' },
    });
    sim.setProductVersion('2025.3.0');
    const info = (await (await fetch(`${sim.url}/api/3.27/serverinfo`)).json()) as { serverInfo: { restApiVersion: string } };
    expect(info.serverInfo.restApiVersion).toBe('3.27');
    expect((await fetch(`${sim.url}/api/3.28/serverinfo`)).status).toBe(404);
    expect(() => sim.setProductVersion('1999.1.0')).toThrow();
    sim.setVdsEnabled(false);
    const settings = (await (await fetch(`${sim.url}/_sim/settings`)).json()) as { vdsEnabled: boolean; productVersion: string };
    expect(settings).toMatchObject({ vdsEnabled: false, productVersion: '2025.3.0' });
  });

  it('lets tests add and remove content through state', async () => {
    sim = await createSimulator();
    const site = sim.state.siteNamed(sim.demo.siteContentUrl);
    const project = [...site.projects.values()][0];
    const wb = site.addWorkbook({ name: 'Added By Test', projectId: project.id, views: [{ name: 'Only View', dataKey: 'customers' }] });
    expect(site.views.get(wb.viewIds[0])?.contentUrl).toBe('AddedByTest/sheets/OnlyView');
    expect(site.removeWorkbook(wb.id)).toBe(true);
    expect(site.views.has(wb.viewIds[0])).toBe(false);
  });
});

describe('data host (contract with server/sim/data)', () => {
  let h: Harness;
  afterEach(async () => h?.app.close());

  it('authenticates, and finds views, custom views and data sources by site', async () => {
    h = await harness();
    const host = createDataHost(h.ctx);
    const token = await h.signIn();
    const sent: Array<[number, unknown]> = [];
    const reply = { code: (c: number) => ({ send: (b: unknown) => sent.push([c, b]) }) } as never;
    expect(host.authenticate({ headers: { 'x-tableau-auth': token } } as never, reply)).toEqual({
      siteId: h.siteId,
      userId: expect.any(String),
    });
    expect(host.authenticate({ headers: {} } as never, reply)).toBeNull();
    expect(sent[0]).toEqual([401, { error: expect.objectContaining({ code: '401000' }) }]);
    const view = [...h.demoSite.views.values()].find((v) => v.name === 'Umsatz nach Region')!;
    expect(host.findView(h.siteId, view.id)).toEqual({
      id: view.id,
      name: view.name,
      workbookId: view.workbookId,
      sheetType: 'view',
      dataKey: 'umsatz-de',
    });
    expect(host.findView('other-site', view.id)).toBeUndefined();
    const cv = [...h.demoSite.customViews.values()][0];
    expect(host.findCustomView(h.siteId, cv.id)).toEqual({ id: cv.id, name: 'West only', viewId: cv.viewId, filters: { Region: 'West' } });
    const restricted = [...h.demoSite.datasources.values()].find((d) => !d.apiAccess)!;
    expect(host.findDatasource(h.siteId, restricted.id)).toMatchObject({ apiAccess: false, dataKey: 'superstore-orders' });
    expect(host.productVersion()).toBe('2026.1.0');
    expect(host.vdsEnabled()).toBe(true);
  });
});

describe('large sites and CSV datasets', () => {
  it('generates 10,000 workbooks with 4 views each', () => {
    const state = new SimState();
    const site = seedDemo(state);
    const before = site.workbooks.size;
    addLargeContent(site, 10_000);
    expect(site.workbooks.size - before).toBe(10_000);
    const generated = [...site.workbooks.values()].filter((w) => w.name.startsWith('Workbook '));
    expect(generated.every((w) => w.viewIds.length === 4)).toBe(true);
    expect(new Set(generated.map((w) => w.contentUrl)).size).toBe(10_000);
    expect(() => addLargeContent(site, -1)).toThrow();
  });

  it('adds a data source and a one-sheet workbook per CSV dataset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-csv-'));
    const file = join(dir, 'sales.csv');
    writeFileSync(file, 'Region,Sales\nEast,10\nWest,20\n');
    const { app, demoSite } = await buildSimApp({ csvDatasets: [file] });
    try {
      const ds = [...demoSite.datasources.values()].find((d) => d.type === 'textscan')!;
      expect(ds.dataKey).toEqual(expect.any(String));
      const wb = [...demoSite.workbooks.values()].find((w) => w.connections[0]?.datasourceId === ds.id)!;
      expect(wb.viewIds).toHaveLength(1);
      expect(demoSite.views.get(wb.viewIds[0])?.dataKey).toBe(ds.dataKey);
    } finally {
      await app.close();
    }
  });
});

describe('CLI', () => {
  it('prints one JSON line and serves the demo site', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/sim/cli.ts', '--port', '0', '--product-version', '2025.3.0', '--large-workbooks', '50'],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => reject(new Error(`cli exited ${code}: ${err}`)));
      });
      const info = JSON.parse(line) as { url: string; contentUrl: string; patName: string; patSecret: string };
      expect(info).toMatchObject({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        contentUrl: 'superstore-demo',
        patName: 'sim-pat',
        patSecret: expect.any(String),
      });
      const res = (await (await fetch(`${info.url}/api/3.27/serverinfo`)).json()) as { serverInfo: { productVersion: { value: string } } };
      expect(res.serverInfo.productVersion.value).toBe('2025.3.0');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
