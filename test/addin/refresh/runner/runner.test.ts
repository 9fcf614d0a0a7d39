import { describe, expect, it } from 'vitest';

import { ApiError, NETWORK_DOWN } from '../../../../addin/api/errors.js';
import { describeProvenance } from '../../../../addin/refresh/definitions/provenance.js';
import type { StreamMessage } from '../../../../common/stream.js';
import { bench, columns, connectionInfo, fakeApi, fakeSnapshots, gated, ok, rows, streamOf } from './fixtures.js';

const midStreamError: StreamMessage[] = [
  { kind: 'meta', columns },
  { kind: 'rows', rows: rows(10, 100) },
  { kind: 'error', error: { code: 'server-error', message: 'Tableau could not render the view', hint: 'Try again later.' } },
];

describe('refresh runner: a failed refresh changes no cell', () => {
  it('error message mid-stream: table unchanged, error stored in plain words and logged', async () => {
    const b = await bench();
    b.api.script('v1', midStreamError);
    const before = b.cells();
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'server-error' } });
    expect(b.cells()).toBe(before);
    const def = await b.store.get(b.ids.Sales);
    expect(def?.lastResult).toMatchObject({ status: 'error', error: 'Tableau could not render the view. Try again later.' });
    expect(b.log.entries()[0]).toMatchObject({ table: 'Sales', outcome: 'error', message: expect.stringContaining('left as it was') });
  });

  it('network failure while pulling: unchanged', async () => {
    const b = await bench();
    b.api.script('v1', async function* () {
      yield { kind: 'meta', columns } as StreamMessage;
      throw new TypeError('fetch failed');
    });
    const before = b.cells();
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome.error).toMatchObject({ code: 'network', message: NETWORK_DOWN.message });
    expect(b.cells()).toBe(before);
  });

  it('stream cut before end (no terminal message): unchanged', async () => {
    const b = await bench();
    b.api.script('v1', [
      { kind: 'meta', columns },
      { kind: 'rows', rows: rows(50) },
    ]);
    const before = b.cells();
    expect((await b.runner.refresh(b.ids.Sales)).error?.code).toBe('stream-cut');
    expect(b.cells()).toBe(before);
  });

  it('collision when the table would grow into other cells: unchanged, says why', async () => {
    const b = await bench();
    b.workbook.writeValue('Sheet1', 6, 0, 'a note under the table');
    b.api.script('v1', ok(columns, rows(20)));
    const before = b.cells();
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'collision' } });
    expect(outcome.error?.message).toMatch(/left unchanged/);
    expect(b.cells()).toBe(before);
  });

  it('a table the analyst deleted: plain words, nothing written', async () => {
    const b = await bench();
    await b.gateway.deleteTable('Sales', { clearData: true });
    b.api.script('v1', ok(columns, rows(2)));
    const before = b.cells();
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome.error?.message).toMatch(/not in this workbook any more/);
    expect(b.cells()).toBe(before);
  });
});

describe('refresh runner: success', () => {
  it('keeps a user formula column and formats through a grow and a shrink', async () => {
    const b = await bench();
    const wb = b.workbook;
    wb.writeValue('Sheet1', 0, 2, 'Tax');
    wb.resizeTable('Sales', { row: 0, col: 0, rows: 4, cols: 3 });
    for (let r = 1; r <= 3; r++) wb.writeFormula('Sheet1', r, 2, '=[@Sales]*0.2');
    wb.setFormat('Sheet1', { row: 1, col: 1, rows: 3, cols: 1 }, '$#,##0.00');

    b.api.script('v1', ok(columns, rows(8, 10)), ok(columns, rows(2, 50)));
    const grown = await b.runner.refresh(b.ids.Sales);
    expect(grown).toMatchObject({ status: 'ok', rows: 8, addedColumns: [], removedColumns: [] });
    expect(wb.findTable('Sales')).toMatchObject({ rows: 8, cols: 3 });
    expect(wb.value('Sheet1', 8, 2)).toBeCloseTo(17 * 0.2);
    expect(wb.sheet('Sheet1').get(8, 2)?.formula).toBe('=[@Sales]*0.2');
    expect(wb.sheet('Sheet1').get(8, 1)?.format).toBe('$#,##0.00');

    const shrunk = await b.runner.refresh(b.ids.Sales);
    expect(shrunk).toMatchObject({ status: 'ok', rows: 2 });
    expect(wb.findTable('Sales')).toMatchObject({ rows: 2, cols: 3 });
    expect(wb.value('Sheet1', 2, 2)).toBeCloseTo(51 * 0.2);
    expect(wb.sheet('Sheet1').get(1, 1)?.format).toBe('$#,##0.00');
    expect(wb.usedRect('Sheet1')).toEqual({ row: 0, col: 0, rows: 3, cols: 3 });
    const def = await b.store.get(b.ids.Sales);
    expect(def?.lastResult).toMatchObject({ status: 'ok', rows: 2, at: expect.any(String) });
  });

  it('reports columns the source added or dropped, and remembers the new columns', async () => {
    const b = await bench();
    const next = [columns[0], { name: 'Profit', type: 'decimal' as const, format: '0.00' }];
    b.api.script('v1', ok(next, [['West', 5]]));
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome).toMatchObject({ addedColumns: ['Profit'], removedColumns: ['Sales'] });
    expect(b.log.entries()[0].message).toMatch(/New column from the source: Profit.*No longer in the source.*Sales/);
    expect((await b.store.get(b.ids.Sales))?.columns.map((c) => c.name)).toEqual(['Region', 'Profit']);
  });

  it('append mode adds timestamped rows below and keeps history', async () => {
    const b = await bench({
      tables: [
        {
          name: 'Hist',
          viewId: 'v1',
          at: 'A1',
          rows: 2,
          def: { options: { mode: 'append', timestampColumn: 'Pulled at', refreshExtractFirst: false, refreshOnOpen: false } },
        },
      ],
    });
    b.api.script('v1', ok(columns, rows(2, 7)));
    const outcome = await b.runner.refresh(b.ids.Hist);
    expect(outcome).toMatchObject({ status: 'ok', rows: 2, addedColumns: ['Pulled at'] });
    const t = b.workbook.findTable('Hist')!;
    expect(t).toMatchObject({ rows: 4, cols: 3 });
    expect([b.workbook.value('Sheet1', 1, 0), b.workbook.value('Sheet1', 4, 0)]).toEqual(['R1', 'R8']);
    expect(b.workbook.value('Sheet1', 1, 2)).toBeNull(); // old rows have no stamp
    expect(typeof b.workbook.value('Sheet1', 4, 2)).toBe('number');
    expect(b.workbook.sheet('Sheet1').get(4, 2)?.format).toMatch(/yyyy/);
  });

  it('never truncates silently: a cut result is status truncated everywhere', async () => {
    const b = await bench();
    b.api.script('v1', ok(columns, rows(5), true));
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome).toMatchObject({ status: 'truncated', truncated: true, rows: 5 });
    const def = (await b.store.get(b.ids.Sales))!;
    expect(def.lastResult).toMatchObject({ status: 'truncated', truncated: true });
    expect(describeProvenance(def).join('\n')).toMatch(/Incomplete/);
    expect(b.log.entries()[0]).toMatchObject({ outcome: 'truncated', message: expect.stringMatching(/Incomplete/) });
  });

  it('asks for the extract refresh when the definition says so, and shows its progress', async () => {
    const b = await bench({
      tables: [
        { name: 'Sales', viewId: 'v1', at: 'A1', def: { options: { mode: 'replace', refreshExtractFirst: true, refreshOnOpen: false } } },
      ],
    });
    const notes: string[] = [];
    b.runner.subscribe(() => b.runner.activity().forEach((a) => a.note && notes.push(a.note)));
    b.api.script('v1', [{ kind: 'progress', stage: 'extract-refresh', message: 'Refreshing the extract…' }, ...ok(columns, rows(1))]);
    await b.runner.refresh(b.ids.Sales);
    expect(b.api.pull.mock.calls[0][1]).toMatchObject({ options: { refreshExtractFirst: true } });
    expect(notes).toContain('Refreshing the extract…');
  });

  it('refreshes with the session connection that matches server URL + site, whatever its id', async () => {
    const api = fakeApi([
      connectionInfo('other', { siteContentUrl: 'hr' }),
      connectionInfo('mine', { serverUrl: 'HTTPS://Tableau.Example.com/' }),
    ]);
    const b = await bench({ api });
    api.script('v1', ok(columns, rows(1)));
    await b.runner.refresh(b.ids.Sales);
    expect(api.pull.mock.calls[0][0]).toBe('mine');
  });
});

describe('refresh runner: one at a time, cancel', () => {
  it('single flight: a second request joins the running refresh', async () => {
    const b = await bench();
    const g = gated(
      [{ kind: 'meta', columns }],
      [
        { kind: 'rows', rows: rows(4) },
        { kind: 'end', rowCount: 4, truncated: false },
      ],
    );
    b.api.script('v1', (_r, _c, signal) => g.run(signal));
    const first = b.runner.refresh(b.ids.Sales);
    await g.started;
    const second = b.runner.refresh(b.ids.Sales);
    expect(second).toBe(first);
    expect(b.runner.isRunning(b.ids.Sales)).toBe(true);
    g.release();
    expect((await second).status).toBe('ok');
    expect(b.api.pull).toHaveBeenCalledTimes(1);
    expect(b.runner.isRunning(b.ids.Sales)).toBe(false);
  });

  it('cancel during the pull: nothing changes, lastResult keeps the last real outcome', async () => {
    const b = await bench();
    const g = gated(
      [
        { kind: 'meta', columns },
        { kind: 'rows', rows: rows(40, 9) },
      ],
      [],
    );
    b.api.script('v1', (_r, _c, signal) => g.run(signal));
    const before = b.cells();
    const running = b.runner.refresh(b.ids.Sales);
    await g.started;
    expect(b.runner.activity()[0]).toMatchObject({ phase: 'pulling', rowsReceived: 40 });
    b.runner.cancel(b.ids.Sales);
    expect(await running).toMatchObject({ status: 'cancelled' });
    expect(b.cells()).toBe(before);
    expect((await b.store.get(b.ids.Sales))?.lastResult).toBeNull();
    expect(b.log.entries()[0].outcome).toBe('cancelled');
  });

  it('Refresh all: every table, progress per table, Cancel stops the rest', async () => {
    const b = await bench({
      poolSize: 1,
      tables: [
        { name: 'North', viewId: 'va', at: 'A1' },
        { name: 'South', viewId: 'vb', at: 'E1' },
        { name: 'East', viewId: 'vc', at: 'I1' },
      ],
    });
    b.api.script('va', ok(columns, rows(2)));
    const g = gated([{ kind: 'meta', columns }], [{ kind: 'end', rowCount: 0, truncated: false }]);
    b.api.script('vb', (_r, _c, signal) => g.run(signal));
    b.api.script('vc', ok(columns, rows(2)));
    const seen = new Set<string>();
    b.runner.subscribe(() => b.runner.activity().forEach((a) => seen.add(`${a.table}:${a.phase}`)));
    const all = b.runner.refreshAll();
    await g.started;
    const before = b.cells();
    b.runner.cancelAll();
    const outcomes = await all;
    expect(outcomes.map((o) => `${o.table}:${o.status}`)).toEqual(['North:ok', 'South:cancelled', 'East:cancelled']);
    expect(b.cells()).toBe(before);
    expect([...seen]).toEqual(expect.arrayContaining(['North:pulling', 'North:writing', 'South:pulling', 'East:queued']));
    expect(b.api.pull).toHaveBeenCalledTimes(2); // C never started
  });
});

describe('refresh runner: sign in again', () => {
  const expired: StreamMessage[] = [
    { kind: 'error', error: { code: 'bad-credentials', message: 'Tableau no longer accepts this sign-in', tableauCode: '401002' } },
  ];

  async function threeTables() {
    const api = fakeApi([connectionInfo('old')]);
    const b = await bench({
      api,
      poolSize: 3,
      tables: [
        { name: 'North', viewId: 'va', at: 'A1' },
        { name: 'South', viewId: 'vb', at: 'E1' },
        { name: 'East', viewId: 'vc', at: 'I1' },
      ],
    });
    for (const v of ['va', 'vb', 'vc']) {
      api.script(v, (_req, cid, signal) => streamOf(cid === 'old' ? expired : ok(columns, rows(2, 30)), signal));
    }
    const prompts: string[] = [];
    b.signIn.onRequest = (r) => prompts.push(r.key);
    return { ...b, prompts };
  }

  const settled = () => new Promise((r) => setTimeout(r, 10));

  it('asks ONCE for three tables of one site, then refreshes all with the new connection', async () => {
    const b = await threeTables();
    const all = b.runner.refreshAll();
    await settled();
    expect(b.prompts).toHaveLength(1);
    expect(b.signIn.pending()).toEqual([
      expect.objectContaining({ reason: 'expired', tables: expect.arrayContaining(['North', 'South', 'East']) }),
    ]);
    expect(b.runner.activity().map((a) => a.phase)).toEqual(['signing-in', 'signing-in', 'signing-in']);
    b.signIn.resolve({ serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' }, connectionInfo('new'));
    const outcomes = await all;
    expect(outcomes.map((o) => o.error?.message ?? o.status)).toEqual(['ok', 'ok', 'ok']);
    expect(b.api.pull.mock.calls.filter((c) => c[0] === 'new')).toHaveLength(3);
    expect(b.prompts).toHaveLength(1);
  });

  it('a later refresh of the same site waits on the open prompt instead of failing first', async () => {
    const b = await threeTables();
    const first = b.runner.refresh(b.ids.North);
    await settled();
    const second = b.runner.refresh(b.ids.South);
    await settled();
    expect(b.api.pull).toHaveBeenCalledTimes(1);
    b.signIn.resolve({ serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' }, connectionInfo('new'));
    expect((await first).status).toBe('ok');
    expect((await second).status).toBe('ok');
    expect(b.prompts).toHaveLength(1);
  });

  it('declining fails every waiting table in plain words and leaves them unchanged', async () => {
    const b = await threeTables();
    const before = b.cells();
    const all = b.runner.refreshAll();
    await settled();
    b.signIn.dismiss({ serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' });
    const outcomes = await all;
    expect(outcomes.map((o) => o.error?.code)).toEqual(['sign-in-needed', 'sign-in-needed', 'sign-in-needed']);
    expect(outcomes[0].error?.message).toMatch(/sign in to finance on https:\/\/tableau.example.com/);
    expect(b.cells()).toBe(before);
  });

  it('no connection to the site in this session: prompts to connect (a colleague opening the workbook)', async () => {
    const api = fakeApi([connectionInfo('x', { serverUrl: 'https://other.example.com' })]);
    const b = await bench({ api });
    api.script('v1', ok(columns, rows(1)));
    const running = b.runner.refresh(b.ids.Sales);
    await settled();
    expect(b.signIn.pending()).toEqual([expect.objectContaining({ reason: 'not-connected', tables: ['Sales'] })]);
    b.signIn.resolve({ serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' }, connectionInfo('mine'));
    expect((await running).status).toBe('ok');
    expect(api.pull.mock.calls[0][0]).toBe('mine');
  });

  it('an ended companion-server session also prompts instead of failing', async () => {
    const api = fakeApi();
    api.listConnections.mockRejectedValueOnce(new ApiError({ code: 'session-expired', message: 'Your session has ended' }, 401));
    const b = await bench({ api });
    api.script('v1', ok(columns, rows(1)));
    const running = b.runner.refresh(b.ids.Sales);
    await settled();
    expect(b.signIn.pending()).toHaveLength(1);
    b.runner.cancel(b.ids.Sales);
    expect((await running).status).toBe('cancelled');
    expect(b.signIn.pending()).toHaveLength(0);
  });
});

describe('refresh runner: server snapshots', () => {
  it('loads the latest snapshot the same safe way; status and log say "data as of"', async () => {
    const snapshots = fakeSnapshots('2026-03-01T07:30:00.000Z', ok(columns, rows(4, 70)));
    const b = await bench({
      snapshots,
      tables: [
        {
          name: 'Sales',
          viewId: 'v1',
          at: 'A1',
          def: { options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, serverScheduleId: 'sch-1' } },
        },
      ],
    });
    const outcome = await b.runner.refresh(b.ids.Sales, { kind: 'snapshot' });
    expect(outcome).toMatchObject({ status: 'snapshot', rows: 4, dataAsOf: '2026-03-01T07:30:00.000Z' });
    expect(snapshots.latestSnapshot).toHaveBeenCalledWith('sch-1', expect.anything());
    expect(b.api.pull).not.toHaveBeenCalled();
    expect(b.workbook.value('Sheet1', 1, 0)).toBe('R70');
    expect((await b.store.get(b.ids.Sales))?.lastResult).toMatchObject({ status: 'snapshot', dataAsOf: '2026-03-01T07:30:00.000Z' });
    expect(b.log.entries()[0].message).toMatch(/data as of 2026-03-01T07:30/);
  });

  it('a snapshot that is not there yet changes nothing', async () => {
    const snapshots = {
      latestSnapshot: async () => {
        throw new ApiError({ code: 'no-snapshot', message: 'This schedule has no successful run yet.' }, 404);
      },
    };
    const b = await bench({
      snapshots,
      tables: [
        {
          name: 'Sales',
          viewId: 'v1',
          at: 'A1',
          def: { options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, serverScheduleId: 'sch-1' } },
        },
      ],
    });
    const before = b.cells();
    const lastBefore = (await b.store.get(b.ids.Sales))?.lastResult;
    expect((await b.runner.refresh(b.ids.Sales, { kind: 'snapshot' })).error?.code).toBe('no-snapshot');
    expect(b.cells()).toBe(before);
    // not recorded as the table failing (issue #21: no red "Failed" before the first run)
    expect((await b.store.get(b.ids.Sales))?.lastResult).toEqual(lastBefore);
  });

  it('a table without a schedule cannot load a snapshot', async () => {
    const b = await bench({ snapshots: fakeSnapshots(null, []) });
    expect((await b.runner.refresh(b.ids.Sales, { kind: 'snapshot' })).error?.code).toBe('no-schedule');
  });
});
