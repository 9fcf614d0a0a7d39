/** View export, VDS and extract refresh against the simulator's data half (server/sim/data). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { fakeClock, readAll } from './fake.js';

let sim: Simulator;
let c: TableauClient;
beforeAll(async () => {
  sim = await createSimulator({ jobs: { mode: 'poll', pollsPerStage: 2 } });
  c = await connect();
});
afterAll(() => sim.close());

const connect = () =>
  TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    sessions: new SessionCache(),
    clock: fakeClock(),
  });

async function datasourceNamed(name: string) {
  const ds = (await c.listAll('datasources')).find((d) => d.name === name);
  if (!ds) throw new Error(`no data source ${name}`);
  return ds;
}

describe('view data', () => {
  it('streams a view CSV (no BOM) and applies a vf_ filter', async () => {
    const view = (await c.listAll('views')).find((v) => v.name === 'Orders by Region' && v.contentUrl?.startsWith('Superstore/'))!;
    const all = await readAll(await c.streamViewData(view.id));
    expect(all.charCodeAt(0)).not.toBe(0xfeff);
    const header = all.split(/\r?\n/)[0];
    expect(header).toContain('Region');
    const west = await readAll(await c.streamViewData(view.id, { filters: { Region: 'West' } }));
    const rows = west.trim().split(/\r?\n/).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes('West'))).toBe(true);
  });

  it('answers an unknown view with not-found', async () => {
    await expect(c.streamViewData('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('VizQL Data Service', () => {
  it('reads metadata and streams a query result', async () => {
    const ds = await datasourceNamed('Superstore Orders');
    const meta = await c.vdsReadMetadata(ds.id);
    expect(meta.fields.map((f) => f.fieldCaption)).toEqual(expect.arrayContaining(['Category', 'Sales']));
    expect(meta.capabilities.rowLimit).toBe(true);
    const body = {
      datasource: { datasourceLuid: ds.id },
      query: { fields: [{ fieldCaption: 'Category' }, { fieldCaption: 'Sales', function: 'SUM' }] },
    };
    const out = JSON.parse(await readAll(await c.vdsQuery(body)));
    expect(out.data).toHaveLength(3);
  });

  it('on a 2025.1 server: no rowLimit (not silently dropped), queries without it still work', async () => {
    const ds = await datasourceNamed('Superstore Orders');
    sim.setProductVersion('2025.1.0');
    try {
      const old = await connect();
      expect(old.vdsSchemaVersion).toBe('20251.0');
      const body = { datasource: { datasourceLuid: ds.id }, query: { fields: [{ fieldCaption: 'Region' }] } };
      await expect(old.vdsQuery({ ...body, options: { rowLimit: 2 } })).rejects.toMatchObject({ code: 'feature-unavailable' });
      expect(JSON.parse(await readAll(await old.vdsQuery(body))).data.length).toBeGreaterThan(2);
    } finally {
      sim.setProductVersion('2026.1.0');
    }
  });

  it('maps the API Access denial to vds-no-api-access', async () => {
    const ds = await datasourceNamed('Superstore Orders (Restricted)');
    await expect(c.vdsReadMetadata(ds.id)).rejects.toMatchObject({ code: 'vds-no-api-access', tableauCode: '403800' });
  });

  it('says so when VDS is switched off', async () => {
    const ds = await datasourceNamed('Superstore Orders');
    sim.setVdsEnabled(false);
    try {
      await expect(c.vdsReadMetadata(ds.id)).rejects.toMatchObject({
        code: 'vds-disabled',
        message: 'VizQL Data Service is not enabled on this server.',
      });
    } finally {
      sim.setVdsEnabled(true);
    }
  });
});

describe('extract refresh', () => {
  it('refreshes a data source and waits for the job', async () => {
    const ds = await datasourceNamed('Superstore Orders');
    const jobId = await c.refreshExtract({ kind: 'datasource', id: ds.id });
    const seen: string[] = [];
    const job = await c.waitForJob(jobId, { onStatus: (j) => seen.push(j.finishCode === undefined ? 'running' : `done:${j.finishCode}`) });
    expect(job.finishCode).toBe(0);
    expect(seen.at(-1)).toBe('done:0');
    expect(seen.length).toBeGreaterThan(1);
  });

  it('reports a failing refresh with Tableau notes', async () => {
    const ds = await datasourceNamed('Legacy Sales Extract');
    const jobId = await c.refreshExtract({ kind: 'datasource', id: ds.id });
    await expect(c.waitForJob(jobId)).rejects.toMatchObject({ code: 'extract-refresh-failed' });
  });
});
