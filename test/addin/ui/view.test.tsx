import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ViewScreen } from '../../../addin/ui/view/ViewScreen.js';
import type { ViewItem } from '../../../common/api.js';
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

function setup(view: ViewItem) {
  const api = fakeApi({ views: async () => siblings });
  const props = { onBack: vi.fn(), onOpenView: vi.fn(), onPreview: vi.fn() };
  const utils = renderWith(<ViewScreen connection={connection} view={view} {...props} />, memoryServices(api).services);
  return { api, ...props, ...utils };
}

describe('Pick a view', { timeout: 90_000 }, () => {
  it('explains that a dashboard exports only its first sheet and offers the workbook sheets', async () => {
    const { onOpenView } = setup(dashboard);
    expect(screen.getByText('This is a dashboard')).toBeInTheDocument();
    expect(screen.getByText(/holds only the data of its first sheet/)).toBeInTheDocument();
    const sheet = await screen.findByRole('button', { name: 'Sales by Region (sheet)' });
    expect(screen.getByRole('button', { name: 'Profit Map (sheet)' })).toBeInTheDocument();
    // Only worksheets are offered: not the dashboard itself, not the story.
    expect(screen.queryByRole('button', { name: /Story/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Overview \(/ })).not.toBeInTheDocument();
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

  it('has no axe violations (dashboard with filter rows)', async () => {
    const { container } = setup(dashboard);
    await screen.findByRole('button', { name: 'Sales by Region (sheet)' });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Add filter' }));
    await waitFor(() => expect(screen.getByLabelText('Field 1')).toBeInTheDocument());
    expect(await axeViolations(container)).toEqual([]);
  });
});
