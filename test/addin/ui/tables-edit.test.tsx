import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { RefreshService } from '../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../addin/refresh/runner/startup.js';
import { buildDatasourceSource } from '../../../addin/ui/query/queryDraft.js';
import { draftFromQuery } from '../../../addin/ui/tables/draftFromQuery.js';
import { TablesScreen } from '../../../addin/ui/tables/TablesScreen.js';
import type { DatasourceSource } from '../../../common/source.js';
import type { StreamMessage } from '../../../common/stream.js';
import { connection, fakeApi, memoryServices, metadata, renderWith, streamOf } from './harness.js';

const columns = [
  { name: 'Region', type: 'text' as const, format: '@' },
  { name: 'Sales', type: 'decimal' as const, format: '#,##0.00' },
];
const ok = (n: number): StreamMessage[] => [
  { kind: 'meta', columns },
  { kind: 'rows', rows: Array.from({ length: n }, (_, i) => [`R${i}`, i]) },
  { kind: 'end', rowCount: n, truncated: false },
];

const dsSource: DatasourceSource = {
  kind: 'datasource',
  datasourceId: 'ds1',
  name: 'Superstore',
  query: {
    // fieldAlias: a prepared query's column name (the rows behind a view) survives the round trip.
    fields: [
      { fieldCaption: 'Region' },
      { fieldCaption: 'Sales', function: 'SUM', fieldAlias: 'Sales', sortDirection: 'DESC', sortPriority: 1 },
    ],
    filters: [
      { field: { fieldCaption: 'Category' }, filterType: 'SET', values: ['Furniture', 'Technology'], exclude: false },
      { field: { fieldCaption: 'Discount' }, filterType: 'QUANTITATIVE_NUMERICAL', quantitativeFilterType: 'MIN', min: 0.1 },
    ],
  },
  rowLimit: 500,
};

describe('draftFromQuery', () => {
  it('is the inverse of the query builder for what it builds', () => {
    const { draft, dropped } = draftFromQuery(dsSource);
    expect(dropped).toEqual([]);
    const rebuilt = buildDatasourceSource({ id: 'ds1', name: 'Superstore' }, metadata, draft);
    expect(rebuilt.errors).toEqual([]);
    expect(rebuilt.source).toEqual(dsSource);
  });

  it('reports filters it cannot show', () => {
    const { dropped } = draftFromQuery({
      ...dsSource,
      query: { ...dsSource.query, filters: [{ field: { fieldCaption: 'Profit' }, filterType: 'CONDITION' }] },
    });
    expect(dropped).toEqual(['A condition filter on Profit cannot be edited here.']);
  });
});

describe('Tables tab: Edit', () => {
  async function setup(source: import('../../../common/source.js').PullSource) {
    const api = fakeApi({
      pull: (_c: string, _r: unknown, o?: { signal?: AbortSignal }) => streamOf(ok(3), o?.signal),
      metadata: async () => metadata,
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
    renderWith(<TablesScreen timeZone="UTC" />, { ...services, refresh: service });
    return { api, service, gateway };
  }

  it('reopens a view with its filters, saves the change and refreshes in place', async () => {
    const s = await setup({ kind: 'view', viewId: 'v1', name: 'Superstore / Overview', customViewId: 'cv-1', filters: { Region: 'West' } });
    await userEvent.click(screen.getByRole('button', { name: 'Edit the source of Sales' }));
    const value = await screen.findByDisplayValue('West');
    await userEvent.clear(value);
    await userEvent.type(value, 'East');
    await userEvent.click(screen.getByRole('button', { name: 'Save and refresh' }));
    await waitFor(() => expect(s.service.runner.log.entries()).toHaveLength(1));
    expect(s.service.definitions().definitions[0].source).toEqual({
      kind: 'view',
      viewId: 'v1',
      name: 'Superstore / Overview',
      customViewId: 'cv-1',
      filters: { Region: 'East' },
    });
    expect(s.api.pull).toHaveBeenCalledWith(
      'c1',
      expect.objectContaining({ source: expect.objectContaining({ filters: { Region: 'East' } }) }),
      expect.anything(),
    );
    expect(screen.getByRole('region', { name: 'Sales' })).toBeInTheDocument();
  });

  it('reopens a data source query prefilled in the query builder', async () => {
    await setup(dsSource);
    await userEvent.click(screen.getByRole('button', { name: 'Edit the source of Sales' }));
    expect(await screen.findByRole('button', { name: 'Save and refresh' })).toBeInTheDocument();
    expect(screen.getByTestId('query-json').textContent).toContain('"Technology"');
    expect(screen.getByDisplayValue('500')).toBeInTheDocument();
  });

  it('asks to connect first when this session has no connection to the site', async () => {
    const s = await setup({ kind: 'view', viewId: 'v1' });
    vi.mocked(s.api.listConnections).mockResolvedValue([]);
    await userEvent.click(screen.getByRole('button', { name: 'Edit the source of Sales' }));
    expect(await screen.findByText(/connect to superstore on https:\/\/tableau.example.com on the Connect tab/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Back to tables' }));
    expect(screen.getByRole('region', { name: 'Sales' })).toBeInTheDocument();
  });
});
