import { describe, expect, it } from 'vitest';

import { officeStartupPort } from '../../../../addin/host/office.js';
import { REFRESH_NAMESPACE } from '../../../../addin/refresh/definitions/xml.js';
import type { InsertedTable } from '../../../../addin/refresh/runner/inserted.js';
import { RefreshService } from '../../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../../addin/refresh/runner/startup.js';
import { memoryGateway } from '../../../../addin/workbook/memory/gateway.js';
import { columns, connectionInfo, fakeApi, ok, rows } from './fixtures.js';

/** The server-side connection id: must never reach the workbook. Not hex, so no random UUID in the document can contain it by chance. */
const CONNECTION_ID = 'conn-server-side-id';

async function setup() {
  const gateway = memoryGateway();
  const api = fakeApi([connectionInfo(CONNECTION_ID)]);
  const startup = memoryStartupPort();
  const service = new RefreshService({
    gateway,
    api,
    startup,
    timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
  });
  const written = await gateway.writeTable({ kind: 'newSheet', sheetName: 'Overview' }, columns, rows(3), { tableName: 'Overview' });
  const inserted: InsertedTable = {
    tableName: written.name,
    sheet: written.sheet,
    address: written.address,
    rowCount: 3,
    truncated: false,
    columns,
    source: { kind: 'view', viewId: 'v1', name: 'Superstore / Overview' },
    connection: connectionInfo(CONNECTION_ID),
  };
  return { gateway, api, startup, service, inserted };
}

describe('refresh service', () => {
  it('stores a definition on insert with the site identity only (no id, no secret)', async () => {
    const s = await setup();
    await s.service.onInserted(s.inserted);
    const [def] = s.service.definitions().definitions;
    expect(def).toMatchObject({
      connection: { serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' },
      target: { sheet: 'Overview', tableName: 'Overview' },
      options: { mode: 'replace', refreshOnOpen: false },
      columns: [
        { name: 'Region', type: 'text' },
        { name: 'Sales', type: 'decimal' },
      ],
      lastResult: { status: 'ok', rows: 3 },
    });
    const xml = (await s.gateway.readDocument(REFRESH_NAMESPACE))!;
    expect(xml).not.toContain(CONNECTION_ID);
    expect(xml).not.toContain('analyst');
  });

  it('records a truncated insert as truncated', async () => {
    const s = await setup();
    await s.service.onInserted({ ...s.inserted, truncated: true });
    expect(s.service.definitions().definitions[0].lastResult).toMatchObject({ status: 'truncated', truncated: true });
  });

  it('turns load-on-open on only while some table wants refresh on open', async () => {
    const s = await setup();
    await s.service.onInserted(s.inserted);
    const id = s.service.definitions().definitions[0].id;
    await s.service.update(id, { options: { refreshOnOpen: true } });
    expect(s.startup.behavior).toBe('load');
    await s.service.update(id, { options: { refreshOnOpen: false } });
    expect(s.startup.behavior).toBe('none');
    await s.service.update(id, { options: { refreshOnOpen: true } });
    await s.service.remove(id);
    expect(s.startup.calls).toEqual(['load', 'none', 'load', 'none']);
  });

  it('start() refreshes the tables marked "refresh on open", and reloads their results', async () => {
    const s = await setup();
    await s.service.onInserted(s.inserted);
    const id = s.service.definitions().definitions[0].id;
    await s.service.update(id, { options: { refreshOnOpen: true } });
    s.api.script('v1', ok(columns, rows(5, 20)));
    await s.service.start({ refreshOnOpen: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(s.service.definitions().definitions[0].lastResult).toMatchObject({ status: 'ok', rows: 5 });
    expect(s.service.runner.log.entries()[0].trigger).toBe('open');
    s.service.stop();
  });

  it('shows the unreadable-document message instead of throwing', async () => {
    const s = await setup();
    await s.gateway.writeDocument(REFRESH_NAMESPACE, `<tableauRefresh xmlns="${REFRESH_NAMESPACE}">not json</tableauRefresh>`);
    await s.service.reload();
    expect(s.service.definitions()).toMatchObject({ status: 'unreadable', message: expect.stringMatching(/left untouched/) });
  });

  it('the Office startup port calls setStartupBehavior, and explains a host without it', async () => {
    const calls: unknown[] = [];
    const office = {
      addin: { setStartupBehavior: async (b: unknown) => void calls.push(b) },
      StartupBehavior: { load: 'Load', none: 'None' },
    };
    await officeStartupPort(office).set('load');
    await officeStartupPort(office).set('none');
    expect(calls).toEqual(['Load', 'None']);
    await expect(officeStartupPort({}).set('load')).rejects.toThrow(/shared runtime/);
  });
});
