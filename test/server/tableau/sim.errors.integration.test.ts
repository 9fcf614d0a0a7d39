/**
 * The Tableau client against the simulator, one situation per documented code: the simulator answers
 * the code Tableau documents for it (server/sim/errors.ts, data/routes.ts, data/vds/routes.ts) and the
 * client turns it into our code and words (server/tableau/errors.ts, docs/tableau-errors.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { fakeClock } from './fake.js';

const MISSING = 'ffffffff-0000-4000-8000-000000000000';
let sim: Simulator;
let c: TableauClient;

const connect = (patSecret = sim.demo.patSecret) =>
  TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret },
    sessions: new SessionCache(),
    clock: fakeClock(),
    retry: { maxAttempts: 1 },
  });

beforeAll(async () => {
  sim = await createSimulator();
  c = await connect();
});
afterAll(() => sim.close());

describe('REST codes from the simulator, read by the client', () => {
  it('401001 at sign-in: the credentials are wrong', async () => {
    await expect(connect('wrong-secret')).rejects.toMatchObject({
      code: 'bad-credentials',
      tableauCode: '401001',
      hint: expect.stringMatching(/token name and secret/),
    });
  });

  it.each([
    ['workbook', () => c.getWorkbook(MISSING), '404006', /could not find the workbook/],
    ['data source', () => c.getDatasource(MISSING), '404004', /could not find the data source/],
    ['job', () => c.waitForJob(MISSING), '404018', /could not find the job/],
    ['view (Query View Data)', () => c.streamViewData(MISSING), '400080', /could not find that view on this site/],
    ['custom view', () => c.streamCustomViewData(MISSING), '404048', /could not find the custom view/],
  ])('a %s that does not exist is not-found with its own words', async (_what, call, tableauCode, words) => {
    const err = await call().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'not-found', tableauCode });
    expect((err as Error).message).toMatch(words);
  });

  it('401003 on switching to a site that does not exist', async () => {
    const other = await connect();
    await expect(other.switchSite('no-such-site')).rejects.toMatchObject({
      code: 'not-found',
      tableauCode: '401003',
      message: expect.stringMatching(/switch to that site/),
    });
  });
});

describe('VDS codes from the simulator, read by the client', () => {
  it('a data source LUID that is gone: not-found, naming the data source', async () => {
    const err = await c.vdsReadMetadata(MISSING).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'not-found', tableauCode: '404000', httpStatus: 404 });
    expect((err as Error).message).toMatch(/could not find the data source/);
  });

  it('the same LUID while VDS is off: not enabled (no VDS error in the answer)', async () => {
    sim.setVdsEnabled(false);
    try {
      await expect(c.vdsReadMetadata(MISSING)).rejects.toMatchObject({ code: 'vds-disabled', httpStatus: 404 });
    } finally {
      sim.setVdsEnabled(true);
    }
  });

  it('401002 in the VDS shape (an expired token) signs in again and replays, like REST', async () => {
    const orders = stableId('demo', 'datasource', 'orders');
    sim.faults.add({ kind: 'expireToken', path: '*vizql-data-service*', count: 1 });
    const meta = await c.vdsReadMetadata(orders);
    expect(meta.fields.map((f) => f.fieldCaption)).toContain('Region');
    // The fault was spent: the token died on the VDS request, and the call still succeeded.
    expect(sim.faults.list().filter((f) => f.kind === 'expireToken')).toEqual([]);
  });

  it('400803 "Unknown Field" names the field', async () => {
    const orders = stableId('demo', 'datasource', 'orders');
    const err = await c
      .vdsQuery({ datasource: { datasourceLuid: orders }, query: { fields: [{ fieldCaption: 'Foobar' }] } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'vds-unknown-field', tableauCode: '400803' });
    expect((err as Error).message).toContain('Foobar');
  });
});
