import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '../../../addin/api/errors.js';
import type { SchedulesClient } from '../../../addin/api/schedules.js';
import { RefreshService } from '../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../addin/refresh/runner/startup.js';
import { PROVENANCE_TABLE, writeProvenanceSheet } from '../../../addin/ui/tables/provenanceSheet.js';
import { TablesScreen } from '../../../addin/ui/tables/TablesScreen.js';
import type { ConnectionInfo } from '../../../common/api.js';
import type { DatasourceSource, PullSource } from '../../../common/source.js';
import type { StreamMessage } from '../../../common/stream.js';
import { axeViolations, connection, fakeApi, memoryServices, metadata, page, renderWith, streamOf } from './harness.js';

/** Edit → "Server and site": a table moves to another of the analyst's connections (issue #14). */
const columns = [
  { name: 'Region', type: 'text' as const, format: '@' },
  { name: 'Sales', type: 'decimal' as const, format: '#,##0.00' },
];
const ok = (n: number): StreamMessage[] => [
  { kind: 'meta', columns },
  { kind: 'rows', rows: Array.from({ length: n }, (_, i) => [`R${i}`, i]) },
  { kind: 'end', rowCount: n, truncated: false },
];

const newSite: ConnectionInfo = {
  ...connection,
  id: 'c2',
  label: 'new / finance',
  serverUrl: 'https://tableau.new.example.com',
  siteContentUrl: 'finance',
  principal: 'new-pat',
};
const OWN_SITE = 'superstore on https://tableau.example.com (analyst-pat)';
const NEW_SITE = 'finance on https://tableau.new.example.com (new-pat)';
const oldView: PullSource = {
  kind: 'view',
  viewId: 'v1',
  contentUrl: 'Superstore/sheets/Overview',
  name: 'Superstore / Overview',
  customViewId: 'cv-1',
  filters: { Region: 'West' },
};
const oldQuery: DatasourceSource = {
  kind: 'datasource',
  datasourceId: 'ds1',
  name: 'Superstore',
  query: { fields: [{ fieldCaption: 'Region' }, { fieldCaption: 'Sales', function: 'SUM' }] },
  rowLimit: 500,
};

async function setup(source: PullSource, connections: ConnectionInfo[] = [connection, newSite], schedules?: SchedulesClient) {
  const api = fakeApi({
    listConnections: async () => connections,
    pull: (_c: string, _r: unknown, o?: { signal?: AbortSignal }) => streamOf(ok(3), o?.signal),
    metadata: async () => metadata,
    // The same items on the new site, under other ids.
    search: async () =>
      page(
        [
          { type: 'view', id: 'v-new', title: 'Overview', projectName: 'Samples' },
          { type: 'datasource', id: 'ds-new', title: 'Superstore' },
        ],
        1,
        2,
      ),
  });
  const { services, gateway } = memoryServices(api);
  const service = new RefreshService({
    gateway,
    api,
    startup: memoryStartupPort(),
    timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
  });
  const written = await gateway.writeTable({ kind: 'newSheet', sheetName: 'Sales' }, columns, [['West', 1]], { tableName: 'Sales' });
  await service.onInserted({
    tableName: written.name,
    sheet: written.sheet,
    address: written.address,
    rowCount: 1,
    truncated: false,
    columns,
    source,
    connection,
  });
  if (schedules) await service.update(service.definitions().definitions[0].id, { options: { serverScheduleId: 'sch-1' } });
  const { container } = renderWith(<TablesScreen timeZone="UTC" />, { ...services, refresh: service, schedules });
  await userEvent.click(screen.getByRole('button', { name: 'Edit the source of Sales' }));
  const siteBox = await screen.findByRole('combobox', { name: /Server and site/ });
  return { api, service, gateway, siteBox, container, before: service.definitions().definitions[0] };
}

const provenanceValues = (gateway: ReturnType<typeof memoryServices>['gateway']) => {
  const t = gateway.workbook.findTable(PROVENANCE_TABLE)!;
  return Array.from({ length: t.rows }, (_, r) => gateway.workbook.value(t.sheet, t.row + 1 + r, t.col + 2));
};

describe('Tables tab: Edit moves a table to another server and site', () => {
  it('saves the new site with the view picked there, refreshes in place, and updates the provenance sheet', async () => {
    const s = await setup(oldView);
    await writeProvenanceSheet(s.gateway, [s.before], 'UTC');
    expect(provenanceValues(s.gateway)).toContain('superstore on https://tableau.example.com');
    expect(
      within(s.siteBox)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual([OWN_SITE, NEW_SITE]);

    await userEvent.selectOptions(s.siteBox, NEW_SITE);
    // The browse screen of the new site, searching for the view by its name.
    expect(await screen.findByText('Moving to finance on https://tableau.new.example.com')).toBeInTheDocument();
    expect(screen.getByRole('searchbox')).toHaveValue('Overview');
    expect(await axeViolations(s.container)).toEqual([]);
    await userEvent.click(await screen.findByRole('button', { name: 'View: Overview in Samples' }));
    expect(s.api.search).toHaveBeenCalledWith('c2', 'Overview', 1, expect.anything());
    expect(await screen.findByDisplayValue('West')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save and refresh' }));

    await waitFor(() => expect(s.service.definitions().definitions[0].lastResult?.rows).toBe(3));
    const after = s.service.definitions().definitions[0];
    expect(after.connection).toEqual({ serverUrl: 'https://tableau.new.example.com', siteContentUrl: 'finance' });
    expect(after.source).toEqual({ kind: 'view', viewId: 'v-new', name: 'Overview', filters: { Region: 'West' } });
    expect(s.api.pull).toHaveBeenCalledWith('c2', expect.objectContaining({ source: after.source }), expect.anything());
    expect(s.gateway.workbook.findTable('Sales')!.rows).toBe(3);
    await waitFor(() => expect(provenanceValues(s.gateway)).toContain('finance on https://tableau.new.example.com'));
    expect(screen.getByRole('region', { name: 'Sales' })).toBeInTheDocument();
  });

  it('offers the saved connections when the table’s own site is not connected, and moves a query there', async () => {
    const s = await setup(oldQuery, [newSite]);
    expect(screen.getByText('Not connected to this site')).toBeInTheDocument();
    expect(
      screen.getByText(
        /refreshes from superstore on https:\/\/tableau.example.com\. Connect to it on the Connect tab, or choose another server and site/,
      ),
    ).toBeInTheDocument();
    expect(
      within(s.siteBox)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['superstore on https://tableau.example.com (not connected)', NEW_SITE]);
    expect(screen.queryByRole('button', { name: 'Save and refresh' })).toBeNull();
    expect(await axeViolations(s.container)).toEqual([]);

    await userEvent.selectOptions(s.siteBox, NEW_SITE);
    await userEvent.click(await screen.findByRole('button', { name: 'Data source: Superstore' }));
    // The query builder on the new site, prefilled with the table's query (fields by caption).
    await userEvent.click(await screen.findByRole('button', { name: 'Save and refresh' }));
    await waitFor(() => expect(s.service.definitions().definitions[0].lastResult?.rows).toBe(3));
    const after = s.service.definitions().definitions[0];
    expect(after.connection).toEqual({ serverUrl: 'https://tableau.new.example.com', siteContentUrl: 'finance' });
    expect(after.source).toEqual({ ...oldQuery, datasourceId: 'ds-new' });
    expect(s.api.metadata).toHaveBeenCalledWith('c2', 'ds-new', expect.anything());
    expect(s.api.pull).toHaveBeenCalledWith('c2', expect.objectContaining({ source: after.source }), expect.anything());
  });

  it('moves a site inventory list with its source unchanged', async () => {
    const s = await setup({ kind: 'inventory', resource: 'workbooks' });
    expect(screen.getByRole('button', { name: 'Save and refresh' })).toBeDisabled();
    await userEvent.selectOptions(s.siteBox, NEW_SITE);
    await userEvent.click(screen.getByRole('button', { name: 'Save and refresh' }));
    await waitFor(() => expect(s.service.definitions().definitions[0].lastResult?.rows).toBe(3));
    expect(s.service.definitions().definitions[0]).toMatchObject({
      connection: { siteContentUrl: 'finance' },
      source: { kind: 'inventory', resource: 'workbooks' },
    });
  });

  it('deletes the table’s server schedule, which pulls from the old site; if that fails, nothing changes', async () => {
    const remove = vi
      .fn()
      .mockRejectedValueOnce(new ApiError({ code: 'network', message: 'The companion server is not answering.' }))
      .mockResolvedValue(undefined);
    const s = await setup({ kind: 'inventory', resource: 'workbooks' }, [connection, newSite], {
      list: async () => [],
      remove,
    } as unknown as SchedulesClient);
    await userEvent.selectOptions(s.siteBox, NEW_SITE);
    expect(screen.getByText(/Its server schedule pulls from the old site, so saving deletes it/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save and refresh' }));
    expect(await screen.findByText('The companion server is not answering.')).toBeInTheDocument();
    expect((await s.service.store.list())[0]).toEqual(s.before);

    await userEvent.click(screen.getByRole('button', { name: 'Save and refresh' }));
    await waitFor(() => expect(s.service.definitions().definitions[0].lastResult?.rows).toBe(3));
    expect(remove).toHaveBeenLastCalledWith('sch-1');
    expect(s.service.definitions().definitions[0].options).not.toHaveProperty('serverScheduleId');
  });

  it('cancel after choosing another site and item changes nothing', async () => {
    const s = await setup(oldView);
    await userEvent.selectOptions(s.siteBox, NEW_SITE);
    await userEvent.click(await screen.findByRole('button', { name: 'View: Overview in Samples' }));
    await screen.findByDisplayValue('West');
    await userEvent.click(screen.getByRole('button', { name: 'Back to tables' }));
    expect(screen.getByRole('region', { name: 'Sales' })).toBeInTheDocument();
    expect((await s.service.store.list())[0]).toEqual(s.before);
    expect(s.api.pull).not.toHaveBeenCalled();
  });
});
