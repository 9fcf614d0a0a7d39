import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ViewScreen } from '../../../addin/ui/view/ViewScreen.js';
import type { ViewItem } from '../../../common/api.js';
import type { DashboardSheetsResponse, RowsBehindResponse } from '../../../common/rows-behind.js';
import { axeViolations, connection, fakeApi, memoryServices, renderWith } from './harness.js';

const dashboard: ViewItem = {
  id: 'v2',
  name: 'Overview',
  contentUrl: 'Superstore/sheets/Overview',
  sheetType: 'dashboard',
  workbookId: 'w0',
  workbookName: 'Superstore',
};
const siblings: ViewItem[] = [
  dashboard,
  { id: 'v1', name: 'Sales by Region', contentUrl: 'Superstore/sheets/SalesbyRegion', sheetType: 'sheet', workbookId: 'w0' },
  { id: 'v4', name: 'Profit Map', contentUrl: 'Superstore/sheets/ProfitMap', sheetType: 'sheet', workbookId: 'w0' },
  { id: 'v3', name: 'Story', contentUrl: 'Superstore/sheets/Story', sheetType: 'story', workbookId: 'w0' },
];

const story: ViewItem = { ...siblings[3], workbookName: 'Superstore' };
const fromMetadata: DashboardSheetsResponse = {
  from: 'metadata',
  sheets: [
    { name: 'Sales by Region', viewId: 'v1', contentUrl: 'Superstore/sheets/SalesbyRegion' },
    { name: 'Profit Map', viewId: 'v4', contentUrl: 'Superstore/sheets/ProfitMap' },
    { name: 'Hidden Helper' },
  ],
};
const rowsAnswer: RowsBehindResponse = {
  datasource: { id: 'ds1', name: 'Orders' },
  query: { fields: [{ fieldCaption: 'Row ID' }, { fieldCaption: 'Region' }] },
  grain: 'row',
  columns: [{ column: 'Region', field: 'Region' }],
  notes: ['One row per row of the data source (Row ID tells them apart).'],
  from: 'metadata',
};

function setup(view: ViewItem, sheets: DashboardSheetsResponse = fromMetadata) {
  const api = fakeApi({
    views: async () => siblings,
    dashboardSheets: vi.fn(async () => sheets),
    rowsBehind: vi.fn(async () => rowsAnswer),
  });
  const props = { onBack: vi.fn(), onOpenView: vi.fn(), onPreview: vi.fn(), onRowsBehind: vi.fn() };
  const utils = renderWith(<ViewScreen connection={connection} view={view} {...props} />, memoryServices(api).services);
  return { api, ...props, ...utils };
}

describe('Pick a view', { timeout: 90_000 }, () => {
  it("lets a dashboard's sheet be picked: the first at the start, the one picked is what Preview exports", async () => {
    const { onPreview, api } = setup(dashboard);
    const user = userEvent.setup();
    expect(screen.getByText(/export of a dashboard holds only its first sheet/)).toBeInTheDocument();
    const first = await screen.findByRole('radio', { name: "Sales by Region (the dashboard's own export)" });
    expect(api.dashboardSheets).toHaveBeenCalledWith('c1', 'v2', expect.anything());
    await waitFor(() => expect(first).toBeChecked());
    expect(screen.getByText(/Hidden on the site.*Hidden Helper/)).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Profit Map' }));
    await user.click(screen.getByRole('button', { name: 'Preview Profit Map' }));
    expect(onPreview).toHaveBeenCalledWith(
      { kind: 'view', viewId: 'v4', contentUrl: 'Superstore/sheets/ProfitMap', name: 'Superstore / Profit Map' },
      'Superstore / Profit Map',
    );
  });

  it("says plainly when the list is the workbook's worksheets (no Metadata API)", async () => {
    setup(dashboard, {
      from: 'workbook',
      note: 'The Metadata API is off on this Tableau server.',
      sheets: fromMetadata.sheets.slice(0, 2),
    });
    expect(await screen.findByText('The Metadata API is off on this Tableau server.')).toBeInTheDocument();
    expect(await screen.findByRole('radio', { name: 'Sales by Region' })).toBeInTheDocument();
  });

  it("asks for the rows behind a view with the view's filters and hands the prepared query on", async () => {
    const { api, onRowsBehind } = setup(siblings[1]);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.type(screen.getByLabelText('Field 1'), 'Region');
    await user.type(screen.getByLabelText('Value 1'), 'West');
    await user.click(screen.getByRole('button', { name: 'Get the rows behind this view' }));
    await waitFor(() => expect(onRowsBehind).toHaveBeenCalledWith(rowsAnswer, 'Rows behind Sales by Region'));
    expect(api.rowsBehind).toHaveBeenCalledWith('c1', 'v1', { filters: { Region: 'West' } });
  });

  it('shows why the rows behind a view cannot be had', async () => {
    const { api, onRowsBehind } = setup(siblings[1]);
    vi.mocked(api.rowsBehind).mockRejectedValueOnce(
      Object.assign(new Error('Sales by Region is not built on a published data source.'), { code: 'feature-unavailable' }),
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Get the rows behind this view' }));
    expect(await screen.findByText(/not built on a published data source/)).toBeInTheDocument();
    expect(onRowsBehind).not.toHaveBeenCalled();
  });

  it('explains that a story exports only its first sheet and offers the workbook sheets', async () => {
    const { onOpenView } = setup(story);
    expect(screen.getByText('This is a story')).toBeInTheDocument();
    expect(screen.getByText(/holds only the data of its first sheet/)).toBeInTheDocument();
    const sheet = await screen.findByRole('button', { name: 'Sales by Region (sheet)' });
    expect(screen.getByRole('button', { name: 'Profit Map (sheet)' })).toBeInTheDocument();
    // Only worksheets are offered: not the dashboard itself, not the story.
    expect(screen.queryByRole('button', { name: /Story \(/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Overview \(/ })).not.toBeInTheDocument();
    // A story has no rows behind it of its own.
    expect(screen.queryByRole('button', { name: /rows behind/ })).not.toBeInTheDocument();
    await userEvent.setup().click(sheet);
    expect(onOpenView).toHaveBeenCalledWith(expect.objectContaining({ id: 'v1', workbookName: 'Superstore' }));
  });

  it('turns filter and parameter rows into the view source (prefixes removed)', async () => {
    const { onPreview } = setup(siblings[1]);
    const user = userEvent.setup();
    expect(screen.queryByText(/This is a/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.type(screen.getByLabelText('Field 1'), 'vf_Region');
    await user.type(screen.getByLabelText('Value 1'), 'West');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.type(screen.getByLabelText('Field 2'), 'Category');
    await user.type(screen.getByLabelText('Value 2'), 'Technology');
    await user.click(screen.getByRole('button', { name: 'Add parameter' }));
    await user.type(screen.getByLabelText('Parameter 1'), 'Parameters.Top N');
    // The parameter fieldset has its own "Value 1" input: the second one on the screen.
    await user.type(screen.getAllByLabelText('Value 1')[1], '5');
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(onPreview).toHaveBeenCalledWith(
      {
        kind: 'view',
        viewId: 'v1',
        contentUrl: 'Superstore/sheets/SalesbyRegion',
        name: 'Sales by Region',
        filters: { Region: 'West', Category: 'Technology' },
        parameters: { 'Top N': '5' },
      },
      'Sales by Region',
    );
  });

  it('removes a filter row and refuses a value without a field name', async () => {
    const { onPreview } = setup(siblings[1]);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.type(screen.getByLabelText('Value 1'), 'West');
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(await screen.findByText('A filter has a value but no name.')).toBeInTheDocument();
    expect(onPreview).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Remove field 1' }));
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(onPreview).toHaveBeenCalledWith(
      { kind: 'view', viewId: 'v1', contentUrl: 'Superstore/sheets/SalesbyRegion', name: 'Sales by Region' },
      'Sales by Region',
    );
  });

  it('has no axe violations (dashboard with its sheets and filter rows)', async () => {
    const { container } = setup(dashboard);
    await screen.findByRole('radio', { name: 'Profit Map' });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Add filter' }));
    await waitFor(() => expect(screen.getByLabelText('Field 1')).toBeInTheDocument());
    expect(await axeViolations(container)).toEqual([]);
  });
});
